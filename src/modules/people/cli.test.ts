import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { after, before, test } from 'node:test'
import { fakePeople, fakePeopleCsv } from './linkage/fake-people.ts'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../../../', import.meta.url))
let folder = ''

before(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'link-cli-'))
})
after(async () => {
  await rm(folder, { recursive: true, force: true })
})

/** Runs `upstream link ...` as its own process; no database is involved. */
async function upstream(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'link', ...args],
      {
        cwd: root,
        env: { ...process.env, DATABASE_URL: '' },
      },
    )
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

test('link evaluate prints pairwise precision, recall and F1 of a file, and the time taken', async () => {
  const file = path.join(folder, 'people.csv')
  await writeFile(file, fakePeopleCsv(fakePeople({ records: 3000, seed: 4 })))
  const text = await upstream('evaluate', '--input', file)
  assert.equal(text.code, 0, text.stderr)
  assert.match(text.stdout, /Linked 3,000 records into [\d,]+ identities/)
  assert.match(text.stdout, /Pairwise precision 0\.\d{4}, recall 0\.\d{4}, F1 0\.\d{4}/)
  const json = await upstream('evaluate', '--input', file, '--json', '--threshold', '0.95', '--threads', '1')
  assert.equal(json.code, 0, json.stderr)
  const result = JSON.parse(json.stdout) as {
    records: number
    f1: number
    threshold: number
    seconds: { total: number }
  }
  assert.equal(result.records, 3000)
  assert.equal(result.threshold, 0.95)
  assert.ok(result.f1 > 0.9, `F1 ${result.f1}`)
  assert.ok(result.seconds.total > 0)
})

test('link evaluate refuses a bad file and bad options with a message and exit code 1', async () => {
  const file = path.join(folder, 'bad.csv')
  await writeFile(
    file,
    'source,record_id,first_name,last_name,date_of_birth,address,postcode,true_id\nx,1,A,B,someday,,,T\n',
  )
  const bad = await upstream('evaluate', '--input', file)
  assert.equal(bad.code, 1)
  assert.match(bad.stderr, /Row 2, column date_of_birth: 'someday' is not a date/)
  const threshold = await upstream('evaluate', '--input', file, '--threshold', '2')
  assert.equal(threshold.code, 1)
  assert.match(threshold.stderr, /--threshold must be a probability/)
  const missing = await upstream('evaluate', '--input', path.join(folder, 'none.csv'))
  assert.equal(missing.code, 1)
  assert.match(missing.stderr, /Cannot read/)
})
