import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach } from 'node:test'
import { runCli } from '../src/cli/main.ts'
import type { Backend, TestDatabase } from './backends.ts'

/** Runs the CLI in-process and collects what it prints. */
export async function runCliCapturing(
  ...argv: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = []
  const stderr: string[] = []
  const { log, error } = console
  console.log = (...parts: unknown[]) => void stdout.push(parts.join(' '))
  console.error = (...parts: unknown[]) => void stderr.push(parts.join(' '))
  try {
    const code = await runCli(argv)
    return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') }
  } finally {
    console.log = log
    console.error = error
  }
}

const CLI_DATABASE_ENV = ['DATABASE_URL', 'UPSTREAM_DATA_DIR'] as const

/**
 * Gives each test of a suite a fresh database for the CLI to open: a PostgreSQL database through
 * DATABASE_URL, or an empty PGlite data folder through UPSTREAM_DATA_DIR, with a scratch folder
 * for the test's files; the environment is put back after each test. Call it inside describe();
 * the suite's own beforeEach hooks run after this one's.
 */
export function freshCliDatabase(backend: Backend, prefix: string): { readonly folder: string } {
  const saved = Object.fromEntries(CLI_DATABASE_ENV.map((name) => [name, process.env[name]]))
  let folder = ''
  let database: TestDatabase | undefined
  beforeEach(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), prefix))
    if (backend.name === 'postgres') {
      database = await backend.create()
      process.env.DATABASE_URL = database.url
    } else {
      delete process.env.DATABASE_URL
      process.env.UPSTREAM_DATA_DIR = path.join(folder, 'data')
    }
  })
  afterEach(async () => {
    await database?.close()
    database = undefined
    for (const name of CLI_DATABASE_ENV) {
      if (saved[name] === undefined) delete process.env[name]
      else process.env[name] = saved[name]
    }
    await rm(folder, { recursive: true, force: true })
  })
  return {
    get folder() {
      return folder
    },
  }
}
