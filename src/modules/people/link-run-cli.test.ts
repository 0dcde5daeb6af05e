import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { backends } from '../../../test/backends.ts'
import { freshCliDatabase, runCliCapturing } from '../../../test/cli-runner.ts'
import { writeLinkablePeopleFiles } from './test-support/linked-people.ts'

for (const backend of backends()) {
  describe(`upstream link run and upstream triggers run on ${backend.name}`, () => {
    const scratch = freshCliDatabase(backend, 'upstream-link-cli-')

    test('imported people are linked, and the trigger rules run over them, from the command line', async () => {
      const { street, people } = await writeLinkablePeopleFiles(scratch.folder)
      const imported = await runCliCapturing('import', 'auto', street, people, '--json')
      assert.equal(imported.code, 0, imported.stderr)
      const linked = await runCliCapturing('link', 'run', '--json')
      assert.equal(linked.code, 0, linked.stderr)
      const summary = JSON.parse(linked.stdout) as { records: number; identities: number; newPeople: number }
      assert.deepEqual([summary.records, summary.identities, summary.newPeople], [20, 16, 16])
      const again = JSON.parse((await runCliCapturing('link', 'run', '--json')).stdout) as {
        newPeople: number
      }
      assert.equal(again.newPeople, 0, 'a second run keeps every person')
      const triggered = await runCliCapturing('triggers', 'run', '--as-of', '2023-06-01')
      assert.equal(triggered.code, 0, triggered.stderr)
      assert.match(triggered.stdout, /child-victim-or-suspect: 1/)
      assert.match(
        triggered.stdout,
        /could not be routed to a team/,
        'no team covers the area in this database',
      )
    })

    test('bad options are refused naming them, before anything is read', async () => {
      const threshold = await runCliCapturing('link', 'run', '--threshold', '1.5')
      assert.notEqual(threshold.code, 0)
      assert.match(threshold.stderr, /--threshold must be a probability above 0 and below 1/)
      const order = await runCliCapturing('link', 'run', '--threshold', '0.6', '--review-from', '0.8')
      assert.match(order.stderr, /--review-from \(0.8\) must not be above --threshold \(0.6\)/)
      const day = await runCliCapturing('triggers', 'run', '--as-of', '2023-02-30')
      assert.notEqual(day.code, 0)
      assert.match(day.stderr, /--as-of must be a date as YYYY-MM-DD, not '2023-02-30'/)
    })
  })
}
