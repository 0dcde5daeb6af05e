/**
 * `npm test`: builds the assets, then runs every *.test.ts under src/ and test/ with Node's
 * test runner, whose summary (ℹ pass N / ℹ fail N) is the last thing printed.
 *
 * What keeps it fast (docs/testing.md): the worker threads' bundles are built once before the
 * files start; the end-to-end servers copy a demo partnership loaded once per run (the run's
 * templates folder, removed at the end with its template databases); and the files start longest
 * first (by the durations the last run on this checkout recorded, else browser suites first and
 * then by size), so that two files at a time do not leave one long file running alone at the end.
 *
 * Browser suites (test/e2e) need Debian's Chromium at /usr/bin/chromium. Without it they are
 * skipped with a loud notice, except in CI (CI=true), where a missing browser is a failure.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { freshWorkerBundle, WORKER_BUNDLE_DIR } from '../src/worker-source.ts'
import { bundleWorker } from '../src/worker-bundle.ts'
import { templateDatabases, TEMPLATES_DIR_VARIABLE } from '../test/demo-data-template.ts'
import { dropTemplateDatabases, prepareDemoTemplates } from '../test/server-process.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const CHROMIUM = '/usr/bin/chromium'
const args = process.argv.slice(2)
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined
const filters = args.filter((arg, i) => arg !== '--only' && args[i - 1] !== '--only')

function findFiles(dir: string, ending: string): string[] {
  if (!fs.existsSync(dir)) return []
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : findFiles(full, ending)
    return entry.name.endsWith(ending) ? [full] : []
  })
}
const findTests = (dir: string) => findFiles(dir, '.test.ts')

/** Where the last run's per-file durations are kept (test/file-durations-reporter.mjs writes them). */
const DURATIONS_FILE = path.join(root, 'node_modules/.cache/upstream-test-durations.txt')

function lastDurations(): Map<string, number> {
  const durations = new Map<string, number>()
  if (!fs.existsSync(DURATIONS_FILE)) return durations
  for (const line of fs.readFileSync(DURATIONS_FILE, 'utf8').split('\n')) {
    const match = /^\s*([\d.]+) s\s+[\d.]+ s seen\s+(\S+)/.exec(line)
    if (match) durations.set(path.resolve(root, match[2]!), Number(match[1]))
  }
  return durations
}

/** This run's durations, kept with the last known ones of the files it did not run. */
function recordDurations(file: string): void {
  if (!fs.existsSync(file)) return
  const lines = new Map(
    [...lastDurations()].map(([test, seconds]) => [
      test,
      `${seconds.toFixed(1)} s  0 s seen  ${path.relative(root, test)}`,
    ]),
  )
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const match = /^\s*[\d.]+ s\s+[\d.]+ s seen\s+(\S+)/.exec(line)
    if (match) lines.set(path.resolve(root, match[1]!), line.trim())
  }
  fs.mkdirSync(path.dirname(DURATIONS_FILE), { recursive: true })
  fs.writeFileSync(DURATIONS_FILE, [...lines.values()].join('\n') + '\n')
}

/** Longest first: last run's seconds where known, else browser suites, then larger files, first. */
function longestFirst(files: string[]): string[] {
  const durations = lastDurations()
  const estimate = (file: string) =>
    durations.get(file) ?? (isBrowserSuite(file) ? 60 : 0) + fs.statSync(file).size / 10_000
  return files
    .map((file) => ({ file, seconds: estimate(file) }))
    .sort((a, b) => b.seconds - a.seconds || a.file.localeCompare(b.file))
    .map(({ file }) => file)
}

const isBrowserSuite = (file: string) => file.includes(`${path.sep}e2e${path.sep}`)
let files = [...findTests(path.join(root, 'src')), ...findTests(path.join(root, 'test'))].sort()
if (only === 'e2e') files = files.filter(isBrowserSuite)
if (filters.length) files = files.filter((file) => filters.some((filter) => file.includes(filter)))

const build = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/build-assets.ts')], {
  stdio: 'inherit',
})
if (build.status !== 0) process.exit(build.status ?? 1)

if (!fs.existsSync(CHROMIUM) && files.some(isBrowserSuite)) {
  if (process.env.CI === 'true') {
    console.error(
      `FAIL: ${CHROMIUM} is missing and CI=true: the browser suites cannot run. Install Debian's chromium.`,
    )
    process.exit(1)
  }
  const skipped = files.filter(isBrowserSuite)
  files = files.filter((file) => !isBrowserSuite(file))
  const bar = '!'.repeat(78)
  console.warn(
    `${bar}\n!! BROWSER SUITES SKIPPED: ${CHROMIUM} not found (apt-get install chromium).\n!! ${skipped.length} file(s) not run: ${skipped.map((f) => path.relative(root, f)).join(', ')}\n${bar}`,
  )
}

if (!process.env.TEST_DATABASE_URL) {
  console.warn('Note: TEST_DATABASE_URL is not set, so the database suites run on PGlite only.')
}

/** The modules started as worker threads: `typeScriptWorkerSource(import.meta.resolve('./x-worker.ts'))`. */
function workerEntryPoints(): string[] {
  const entries = new Set<string>()
  for (const file of findFiles(path.join(root, 'src'), '.ts')) {
    const pattern = /typeScriptWorkerSource\(import\.meta\.resolve\('([^']+)'\)\)/g
    for (const match of fs.readFileSync(file, 'utf8').matchAll(pattern)) {
      entries.add(path.resolve(path.dirname(file), match[1]!))
    }
  }
  return [...entries].filter((entry) => fs.existsSync(entry))
}

// Built here, once, rather than by the first two files that start a worker at the same time.
for (const entry of workerEntryPoints()) {
  if (!freshWorkerBundle(entry)) await bundleWorker(entry)
}
console.log(`Worker bundles up to date in ${path.relative(root, WORKER_BUNDLE_DIR)}`)

const templates = fs.mkdtempSync(path.join(os.tmpdir(), 'upstream-test-templates-'))
const durationsOfThisRun = path.join(templates, 'durations.txt')
process.env[TEMPLATES_DIR_VARIABLE] = templates
if (files.some(isBrowserSuite)) {
  const started = Date.now()
  try {
    await prepareDemoTemplates()
    console.log(
      `Demo data for the browser suites' servers loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    )
  } catch (error) {
    // Each suite then tries again itself and fails with the server's own output.
    console.warn(`The demo data templates could not be built: ${(error as Error).message}`)
  }
}
// Ctrl-C stops the test runner; this process then still removes the run's templates.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => undefined)
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${path.join(root, 'test/file-durations-reporter.mjs')}`,
    `--test-reporter-destination=${durationsOfThisRun}`,
    '--test-concurrency=2',
    ...longestFirst(files),
  ],
  { stdio: 'inherit', cwd: root, env: { ...process.env, UPSTREAM_TEST: 'true' } },
)
try {
  recordDurations(durationsOfThisRun)
  const adminUrl = process.env.TEST_DATABASE_URL
  if (adminUrl) await dropTemplateDatabases(adminUrl, templateDatabases(templates))
} finally {
  fs.rmSync(templates, { recursive: true, force: true })
}
process.exit(result.status ?? 1)
