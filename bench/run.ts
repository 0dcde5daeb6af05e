/**
 * `npm run bench [-- name...]`: runs every benchmark in this folder (or those named), one after
 * another, each in its own process so one's memory does not colour the next.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const wanted = process.argv.slice(2)
const benches = fs
  .readdirSync(here)
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts')
  // By exact name: 'import' must not also run 'fuzz-import'.
  .filter((file) => wanted.length === 0 || wanted.some((name) => file === name || file === `${name}.ts`))
  .sort()
let failed = 0
for (const file of benches) {
  console.log(`\n== ${file}`)
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, file)], { stdio: 'inherit' })
  if (result.status !== 0) failed++
}
process.exit(failed ? 1 : 0)
