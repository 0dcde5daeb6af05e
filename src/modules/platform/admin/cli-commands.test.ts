import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { after, before, describe, test } from 'node:test'
import { runCli } from '../../../cli/main.ts'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { verifyPassword } from '../auth/passwords.ts'
import { openDatabase, type DatabaseHandle } from '../../../db/connect.ts'

interface CliRun {
  code: number
  stdout: string
  stderr: string
}

/** Runs `upstream ...` in this process, capturing what it prints; stdin is given text when asked. */
async function upstream(args: string[], stdin?: string): Promise<CliRun> {
  const out: string[] = []
  const err: string[] = []
  const original = { log: console.log, error: console.error, stdoutWrite: process.stdout.write, stderrWrite: process.stderr.write }
  const stdinDescriptor = Object.getOwnPropertyDescriptor(process, 'stdin')
  console.log = (...values: unknown[]) => void out.push(values.join(' ') + '\n')
  console.error = (...values: unknown[]) => void err.push(values.join(' ') + '\n')
  // Only help text goes straight to process.stdout; capturing it for other runs would swallow the test runner's own messages.
  const capturesStdout = args.includes('--help')
  if (capturesStdout) process.stdout.write = ((chunk: string | Uint8Array) => out.push(String(chunk)) > 0) as typeof process.stdout.write
  process.stderr.write = ((chunk: string | Uint8Array) => err.push(String(chunk)) > 0) as typeof process.stderr.write
  if (stdin !== undefined) Object.defineProperty(process, 'stdin', { value: Readable.from([Buffer.from(stdin)]), configurable: true })
  try {
    const code = await runCli(args)
    return { code, stdout: out.join(''), stderr: err.join('') }
  } finally {
    Object.assign(console, { log: original.log, error: original.error })
    if (capturesStdout) process.stdout.write = original.stdoutWrite
    process.stderr.write = original.stderrWrite
    if (stdin !== undefined && stdinDescriptor) Object.defineProperty(process, 'stdin', stdinDescriptor)
  }
}

for (const backend of backends()) {
  describe(`the users and orgs commands on ${backend.name}`, () => {
    let database: TestDatabase | undefined
    let dataDir: string
    const savedEnv = { DATABASE_URL: process.env.DATABASE_URL, UPSTREAM_DATA_DIR: process.env.UPSTREAM_DATA_DIR }

    /** Opens the command's database between runs, to check what it wrote. */
    async function inspect<T>(work: (db: DatabaseHandle['db']) => Promise<T>): Promise<T> {
      if (database) return work(database.db)
      const handle = await openDatabase({ dataDir, command: 'test inspection' })
      try {
        return await work(handle.db)
      } finally {
        await handle.close()
      }
    }

    before(async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'upstream-cli-'))
      process.env.UPSTREAM_DATA_DIR = dataDir
      if (backend.name === 'postgres') {
        database = await backend.create()
        process.env.DATABASE_URL = database.url
      } else {
        delete process.env.DATABASE_URL
      }
    })
    after(async () => {
      await database?.close()
      fs.rmSync(dataDir, { recursive: true, force: true })
      for (const [key, value] of Object.entries(savedEnv)) {
        if (value === undefined) delete process.env[key]
        else process.env[key] = value
      }
    })

    test('the first administrator is created with their organisation and a printed initial password', async () => {
      const run = await upstream([
        'users', 'create', '--email', 'first.admin@example.test', '--name', 'First Admin', '--role', 'administrator',
        '--organisation', 'Northvale Police', '--create-organisation', '--organisation-kind', 'police_force',
      ])
      assert.equal(run.code, 0, run.stderr)
      assert.match(run.stdout, /Created organisation Northvale Police \(Police force\)/)
      const password = /Initial password \(shown only this once\): (\S+)/.exec(run.stdout)![1]!
      assert.ok(password.length >= 16)
      const row = await inspect((db) =>
        db.selectFrom('app_user as u').innerJoin('organisation as o', 'o.id', 'u.organisation_id').select(['u.password_hash', 'u.role', 'o.kind']).where('u.email', '=', 'first.admin@example.test').executeTakeFirstOrThrow(),
      )
      assert.equal(row.role, 'administrator')
      assert.equal(row.kind, 'police_force')
      assert.equal(await verifyPassword(row.password_hash!, password), true)
      const audit = await inspect((db) => db.selectFrom('audit_event').select(['event', 'details']).orderBy('seq').execute())
      assert.deepEqual(audit.map((entry) => entry.event), ['CREATE_ORGANISATION', 'CREATE_USER'])
      assert.deepEqual(audit[1]!.details, { via: 'cli' })
    })

    test('orgs create and orgs list --json show the organisations', async () => {
      const created = await upstream(['orgs', 'create', '--name', 'Northvale Council', '--kind', 'council', '--json'])
      assert.equal(created.code, 0, created.stderr)
      const organisation = JSON.parse(created.stdout) as { id: string; kind: string }
      assert.equal(organisation.kind, 'council')
      const listed = await upstream(['orgs', 'list', '--json'])
      const names = (JSON.parse(listed.stdout) as { name: string }[]).map((o) => o.name)
      assert.deepEqual(names, ['Northvale Council', 'Northvale Police'])
      const text = await upstream(['orgs', 'list'])
      assert.match(text.stdout, new RegExp(`${organisation.id}\\s+council\\s+Northvale Council`))
    })

    test('a user is created in an organisation named exactly, with a password from stdin, and listed as JSON', async () => {
      const run = await upstream(
        ['users', 'create', '--email', 'analyst@example.test', '--name', 'Ana Lyst', '--role', 'analyst', '--organisation', 'northvale council', '--password-stdin', '--json'],
        'a long and unusual passphrase\n',
      )
      assert.equal(run.code, 0, run.stderr)
      const result = JSON.parse(run.stdout) as { user: { id: string; organisationName: string }; initialPassword?: string }
      assert.equal(result.user.organisationName, 'Northvale Council')
      assert.equal(result.initialPassword, undefined)
      const hash = await inspect((db) => db.selectFrom('app_user').select('password_hash').where('id', '=', result.user.id).executeTakeFirstOrThrow())
      assert.equal(await verifyPassword(hash.password_hash!, 'a long and unusual passphrase'), true)
      const listed = await upstream(['users', 'list', '--json'])
      assert.deepEqual((JSON.parse(listed.stdout) as { email: string }[]).map((u) => u.email), ['analyst@example.test', 'first.admin@example.test'])
    })

    test('bad input is one line on stderr and exit code 1', async () => {
      const cases: [string[], RegExp][] = [
        [['users', 'create', '--email', 'x@example.test', '--name', 'X', '--role', 'emperor', '--organisation', 'Northvale Police'], /^upstream: Unknown role 'emperor': use one of administrator, /],
        [['users', 'create', '--email', 'FIRST.ADMIN@example.test', '--name', 'X', '--role', 'officer', '--organisation', 'Northvale Police'], /^upstream: A user with this email address already exists$/],
        [['users', 'create', '--email', 'y@example.test', '--name', 'Y', '--role', 'officer', '--organisation', 'Nowhere'], /^upstream: No organisation has the id or name 'Nowhere'/],
        [['orgs', 'create', '--name', 'Northvale Police', '--kind', 'police_force'], /^upstream: An organisation called 'Northvale Police' already exists$/],
        [['orgs', 'create', '--name', 'Odd', '--kind', 'spaceship'], /^upstream: Unknown organisation kind 'spaceship'/],
      ]
      for (const [args, message] of cases) {
        const run = await upstream(args)
        assert.equal(run.code, 1, args.join(' '))
        assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr)
        assert.match(run.stderr.trim(), message)
      }
    })

    test('a weak password from stdin is refused with the policy message and no user is written', async () => {
      const run = await upstream(
        ['users', 'create', '--email', 'weak@example.test', '--name', 'Weak', '--role', 'officer', '--organisation', 'Northvale Police', '--password-stdin'],
        'password\n',
      )
      assert.equal(run.code, 1)
      assert.match(run.stderr, /^upstream: Password is too easy to guess/)
      const row = await inspect((db) => db.selectFrom('app_user').select('id').where('email', '=', 'weak@example.test').executeTakeFirst())
      assert.equal(row, undefined)
    })

    test('every users and orgs command describes itself in --help', async () => {
      for (const command of [['users', 'create'], ['users', 'list'], ['orgs', 'create'], ['orgs', 'list'], ['users'], ['orgs']]) {
        const run = await upstream([...command, '--help'])
        assert.equal(run.code, 0)
        assert.match(run.stdout, new RegExp(`Usage: upstream ${command.join(' ')}`))
        assert.match(run.stdout, /\n\n\S.+\n/, run.stdout)
      }
    })
  })
}
