import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

// `npx upstream` in the project runs the package's own bin, bin/upstream.js: the way a user calls it.
const upstream = (args: string[], env: Record<string, string> = {}) =>
  spawnSync('npx', ['--no-install', 'upstream', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '', ...env },
    timeout: 60_000,
  })

test('npx upstream prints help for the program and for a command', () => {
  const program = upstream(['--help'])
  assert.equal(program.status, 0, program.stderr)
  assert.match(program.stdout, /Usage: upstream/)
  const migrate = upstream(['db', 'migrate', '--help'])
  assert.match(migrate.stdout, /Usage: upstream db migrate/)
})

test('npx upstream runs a command against the data folder and exits non-zero on bad input', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'upstream-bin-'))
  const migrated = upstream(['db', 'migrate', '--json'], { UPSTREAM_DATA_DIR: dataDir })
  assert.equal(migrated.status, 0, migrated.stderr)
  assert.ok(JSON.parse(migrated.stdout).applied.length > 0)
  const bad = upstream(['orgs', 'create', '--name', 'X', '--kind', 'not-a-kind'], { UPSTREAM_DATA_DIR: dataDir })
  assert.equal(bad.status, 1)
  assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr)
  assert.match(bad.stderr, /^upstream: /)
})
