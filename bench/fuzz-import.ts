/**
 * The nightly form of checklist D1: the generated-bad-file properties of the import tests, run
 * 10,000 times each (CI runs them a few dozen times) with the seed printed so a failure can be
 * replayed: UPSTREAM_FUZZ_SEED=<seed> npm run bench -- fuzz-import.
 * UPSTREAM_FUZZ_RUNS sets the number of runs; TEST_DATABASE_URL adds PostgreSQL.
 */
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const runs = process.env.UPSTREAM_FUZZ_RUNS ?? '10000'
const seed = process.env.UPSTREAM_FUZZ_SEED ?? String(Date.now() % 2 ** 31)
console.log(`fuzzing the importer: ${runs} runs per property, seed ${seed}`)
const began = performance.now()
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-name-pattern',
    'generated',
    path.join(root, 'src/modules/data-hub/import-run.test.ts'),
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, UPSTREAM_FUZZ_RUNS: runs, UPSTREAM_FUZZ_SEED: seed },
  },
)
console.log(
  `${result.status === 0 ? 'no failure' : 'FAILED'} in ${((performance.now() - began) / 1000).toFixed(0)} s (seed ${seed}; ` +
    'the peer is the checklist D1 target: 10,000 runs without a crash, a half-written batch or a misreported row)',
)
process.exit(result.status ?? 1)
