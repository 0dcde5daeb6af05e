import assert from 'node:assert/strict'
import path from 'node:path'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { ManualClock } from '../../../clock.ts'
import { DEMO_PEOPLE_FILE, loadDemoPeople } from '../demo-people.ts'
import { detectFormat } from '../formats/index.ts'
import { policeUkStreetFormat } from '../formats/police-uk-street.ts'
import { importFile } from '../import-run.ts'
import { DEMO_STREET_FILES } from '../index.ts'

const MISSING_FILE = path.join(path.dirname(DEMO_PEOPLE_FILE), 'missing-episodes.csv')

for (const backend of backends()) {
  describe(`the demo people on ${backend.name}`, () => {
    let database: TestDatabase
    const clock = new ManualClock()
    beforeEach(async () => {
      database = await backend.create()
    })
    afterEach(async () => {
      await database.close()
    })

    test('every demo involvement imports and is linked to a crime or a missing episode of the demo', async () => {
      for (const file of DEMO_STREET_FILES)
        await importFile(database.db, policeUkStreetFormat, { file, clock })
      const missingFormat = await detectFormat(MISSING_FILE)
      assert.ok(missingFormat, 'the missing-episodes sample is in a known format')
      await importFile(database.db, missingFormat, { file: MISSING_FILE, clock })

      const line = await loadDemoPeople(database.db, clock)
      assert.match(line, /\(0 not linked to an incident\)/)
      const run = await database.db
        .selectFrom('import_run')
        .select(['rows_read', 'rows_rejected', 'status'])
        .where('source_kind', '=', 'people-involvements')
        .executeTakeFirstOrThrow()
      assert.deepEqual([run.status, run.rows_rejected], ['completed', 0])
      assert.ok(run.rows_read > 100)
      const kinds = await database.db
        .selectFrom('person_involvement as pi')
        .innerJoin('incident', 'incident.id', 'pi.incident_id')
        .select(['incident.kind', 'pi.role'])
        .distinct()
        .execute()
      assert.ok(kinds.some((row) => row.kind === 'missing-episode' && row.role === 'missing-person'))
      assert.ok(kinds.some((row) => row.kind === 'crime' && row.role === 'child-present'))
      assert.match(await loadDemoPeople(database.db, clock), /^no new involvements/)
    })
  })
}
