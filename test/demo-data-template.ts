import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The demo partnership, loaded once per test run and copied for each end-to-end server: a server
 * that starts on a database with the demo data already in it skips the demo import (migrations,
 * 1,512 incidents, people, linkage, triggers), which took most of its start-up.
 *
 * `npm test` (scripts/run-tests.ts) names a folder for the run's templates in
 * UPSTREAM_TEST_TEMPLATES_DIR and removes it, and the template databases, when the run ends. Without
 * it (a test file run on its own) every server loads the demo data itself, as before.
 *
 * A template is a folder as the server left it after a clean stop: for PGlite, the whole data
 * folder; for PostgreSQL, the demo credentials and audit checkpoints beside a template database
 * whose name is in the file `database`. Its name holds a hash of the code and samples that made it,
 * so a change to either during a run builds a new one. The first file to need a template builds it
 * under a lock; others wait for the finished folder, which appears whole (a rename).
 */
export const TEMPLATES_DIR_VARIABLE = 'UPSTREAM_TEST_TEMPLATES_DIR'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const BUILD_TIMEOUT_MS = 300_000
const POLL_MS = 100

export function templatesDir(): string | undefined {
  return process.env[TEMPLATES_DIR_VARIABLE] || undefined
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return []
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'e2e' ? [] : filesUnder(full)
    return entry.name.endsWith('.test.ts') ? [] : [full]
  })
}

let demoCodeKey: string | undefined

/** A hash of everything a demo start reads: the source (tests left out), the samples, the lockfile. */
export function demoCodeHash(): string {
  if (demoCodeKey) return demoCodeKey
  const hash = createHash('sha256')
  const files = [
    ...filesUnder(path.join(root, 'src')),
    ...filesUnder(path.join(root, 'samples')),
    path.join(root, 'package-lock.json'),
  ]
  for (const file of files.sort()) {
    if (!fs.existsSync(file)) continue
    hash.update(path.relative(root, file)).update('\0').update(fs.readFileSync(file)).update('\0')
  }
  return (demoCodeKey = hash.digest('hex').slice(0, 16))
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Takes the build lock, or returns false while a living process holds it. */
function takeLock(lock: string): boolean {
  try {
    fs.writeFileSync(lock, String(process.pid), { flag: 'wx' })
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
  const holder = Number(fs.readFileSync(lock, 'utf8').trim())
  if (holder && isRunning(holder)) return false
  // Left by a test process that died while building: the next one builds instead.
  fs.rmSync(lock, { force: true })
  return false
}

/**
 * The finished template folder `<templates dir>/<kind>-<code hash>`, built by `build` into the
 * folder it is given when no process has built it yet.
 */
export async function demoTemplate(kind: string, build: (folder: string) => Promise<void>): Promise<string> {
  const dir = templatesDir()
  if (!dir) throw new Error(`${TEMPLATES_DIR_VARIABLE} is not set`)
  fs.mkdirSync(dir, { recursive: true })
  const finished = path.join(dir, `${kind}-${demoCodeHash()}`)
  const lock = `${finished}.lock`
  const deadline = Date.now() + BUILD_TIMEOUT_MS
  while (!fs.existsSync(finished)) {
    if (takeLock(lock)) {
      try {
        const building = `${finished}.building-${process.pid}`
        fs.rmSync(building, { recursive: true, force: true })
        fs.mkdirSync(building)
        await build(building)
        fs.renameSync(building, finished)
      } finally {
        fs.rmSync(lock, { force: true })
      }
      break
    }
    if (Date.now() > deadline)
      throw new Error(
        `the ${kind} demo template was not ready within ${BUILD_TIMEOUT_MS / 1000} s (lock ${lock})`,
      )
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
  return finished
}

/** A fresh copy of a template folder's files into an empty folder; the stopped server's lock is left behind. */
export function copyTemplate(template: string, into: string): void {
  fs.cpSync(template, into, {
    recursive: true,
    filter: (source) => path.basename(source) !== 'upstream.lock',
  })
}

/** The template databases a run's templates name, to drop when the run ends. */
export function templateDatabases(dir: string): string[] {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir)
    .map((name) => path.join(dir, name, 'database'))
    .filter((file) => fs.existsSync(file))
    .map((file) => fs.readFileSync(file, 'utf8').trim())
}
