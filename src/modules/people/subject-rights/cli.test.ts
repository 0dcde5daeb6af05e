import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, test } from 'node:test'
import { backends } from '../../../../test/backends.ts'
import { freshCliDatabase, runCliCapturing } from '../../../../test/cli-runner.ts'
import { writeLinkablePeopleFiles } from '../test-support/linked-people.ts'

for (const backend of backends()) {
  describe(`upstream people sar on ${backend.name}`, () => {
    const scratch = freshCliDatabase(backend, 'upstream-sar-cli-')

    test('the bundle of a linked person is written to a file, their records and links in it', async () => {
      const { street, people } = await writeLinkablePeopleFiles(scratch.folder)
      assert.equal((await runCliCapturing('import', 'auto', street, people, '--json')).code, 0)
      assert.equal((await runCliCapturing('link', 'run', '--json')).code, 0)
      const out = path.join(scratch.folder, 'OFFICIAL-SENSITIVE-sar.json')
      const run = await runCliCapturing('people', 'sar', '1', '--out', out)
      assert.equal(run.code, 0, run.stderr)
      assert.match(run.stderr, /Wrote \d+ items \(0 withheld\) about person 1/)
      const bundle = JSON.parse(await readFile(out, 'utf8')) as {
        subject: { personId: number }
        items: { kind: string }[]
      }
      assert.equal(bundle.subject.personId, 1)
      assert.ok(bundle.items.some((item) => item.kind === 'record'))
      assert.ok(bundle.items.some((item) => item.kind === 'linkage'))
    })

    test('a person id that is not a number, or no such person, is refused naming it', async () => {
      const word = await runCliCapturing('people', 'sar', 'abc')
      assert.notEqual(word.code, 0)
      assert.match(word.stderr, /The person id must be a whole number, such as 1042, not 'abc'/)
      const missing = await runCliCapturing('people', 'sar', '999999')
      assert.notEqual(missing.code, 0)
      assert.match(missing.stderr, /There is no person 999999/)
    })
  })
}
