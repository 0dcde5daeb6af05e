/**
 * `npm test`: builds the assets, then runs every *.test.ts under src/ and test/ with Node's
 * test runner, whose summary (ℹ pass N / ℹ fail N) is the last thing printed.
 *
 * Browser suites (test/e2e) need Debian's Chromium at /usr/bin/chromium. Without it they are
 * skipped with a loud notice, except in CI (CI=true), where a missing browser is a failure.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const CHROMIUM = '/usr/bin/chromium'
const args = process.argv.slice(2)
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined
const filters = args.filter((arg, i) => arg !== '--only' && args[i - 1] !== '--only')

function findTests(dir: string): string[] {
  if (!fs.existsSync(dir)) return []
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : findTests(full)
    return entry.name.endsWith('.test.ts') ? [full] : []
  })
}

let files = [...findTests(path.join(root, 'src')), ...findTests(path.join(root, 'test'))].sort()
const isBrowserSuite = (file: string) => file.includes(`${path.sep}e2e${path.sep}`)
if (only === 'e2e') files = files.filter(isBrowserSuite)
if (filters.length) files = files.filter((file) => filters.some((filter) => file.includes(filter)))

const build = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/build-assets.ts')], { stdio: 'inherit' })
if (build.status !== 0) process.exit(build.status ?? 1)

if (!fs.existsSync(CHROMIUM) && files.some(isBrowserSuite)) {
  if (process.env.CI === 'true') {
    console.error(`FAIL: ${CHROMIUM} is missing and CI=true: the browser suites cannot run. Install Debian's chromium.`)
    process.exit(1)
  }
  const skipped = files.filter(isBrowserSuite)
  files = files.filter((file) => !isBrowserSuite(file))
  const bar = '!'.repeat(78)
  console.warn(`${bar}\n!! BROWSER SUITES SKIPPED: ${CHROMIUM} not found (apt-get install chromium).\n!! ${skipped.length} file(s) not run: ${skipped.map((f) => path.relative(root, f)).join(', ')}\n${bar}`)
}

if (!process.env.TEST_DATABASE_URL) {
  console.warn('Note: TEST_DATABASE_URL is not set, so the database suites run on PGlite only.')
}

const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
  { stdio: 'inherit', cwd: root, env: { ...process.env, UPSTREAM_TEST: 'true' } },
)
process.exit(result.status ?? 1)
