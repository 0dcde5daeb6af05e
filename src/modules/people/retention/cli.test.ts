import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, test } from 'node:test'
import { backends } from '../../../../test/backends.ts'
import { freshCliDatabase, runCliCapturing } from '../../../../test/cli-runner.ts'
import { peopleFile, streetFile } from './test-support.ts'

for (const backend of backends()) {
  describe(`upstream retention dispose and upstream people erase on ${backend.name}`, () => {
    const scratch = freshCliDatabase(backend, 'upstream-retention-cli-')

    test('the disposal job disposes of the record past its period, and erase removes a person', async () => {
      const street = path.join(scratch.folder, 'street.csv')
      const people = path.join(scratch.folder, 'people.csv')
      await writeFile(
        street,
        streetFile([
          { n: 1, month: '2023-04', type: 'Shoplifting', outcome: 'Under investigation' },
          { n: 2, month: '2023-04', type: 'Robbery', outcome: 'Under investigation' },
        ]),
      )
      await writeFile(
        people,
        peopleFile([
          ['col-police', 'S1', 'Sally', 'Lifter', '1990-01-01', '1 Moor Lane', 'EC2Y 9AD', '1', 'suspect'],
          ['col-police', 'R1', 'Rob', 'Banks', '1985-01-01', '9 Wood Street', 'EC2V 7AN', '2', 'suspect'],
        ]),
      )
      assert.equal((await runCliCapturing('import', 'auto', street, people)).code, 0)
      assert.equal((await runCliCapturing('link', 'run')).code, 0)
      const disposed = await runCliCapturing('retention', 'dispose', '--as-of', '2030-01-01', '--json')
      assert.equal(disposed.code, 0, disposed.stderr)
      assert.deepEqual(JSON.parse(disposed.stdout), {
        asOf: '2030-01-01',
        disposed: 1,
        byRule: { 'mopi-3': 1 },
        awaitingReview: 0,
      })
      // Person ids start at 1 in a fresh database: one of the two went with the disposed record.
      const first = await runCliCapturing('people', 'erase', '1', '--reason', 'Art 17 request ER-9')
      const second = await runCliCapturing('people', 'erase', '2', '--reason', 'Art 17 request ER-9')
      const outcomes = [first, second].map((r) => r.code).sort()
      assert.deepEqual(outcomes, [0, 1])
      const ok = first.code === 0 ? first : second
      const refused = first.code === 0 ? second : first
      assert.match(ok.stdout, /Erased person \d: 1 identities, 1 records/)
      assert.match(refused.stderr, /Person \d was not found/)
    })

    test('bad options are refused naming them', async () => {
      const day = await runCliCapturing('retention', 'dispose', '--as-of', '2030-02-30')
      assert.notEqual(day.code, 0)
      assert.match(day.stderr, /--as-of must be a day as YYYY-MM-DD/)
      const reason = await runCliCapturing('people', 'erase', '1', '--reason', '  ')
      assert.notEqual(reason.code, 0)
      assert.match(reason.stderr, /Enter why the data is erased/)
    })
  })
}
