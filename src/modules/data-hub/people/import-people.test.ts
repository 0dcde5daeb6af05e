import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, afterEach, before, beforeEach, describe, test } from 'node:test'
import fc from 'fast-check'
import { sql } from 'kysely'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { ManualClock } from '../../../clock.ts'
import { importFile } from '../import-run.ts'
import { PEOPLE_INVOLVEMENTS_COLUMNS, peopleInvolvementsFormatOn } from '../formats/people-involvements.ts'
import { POLICE_UK_STREET_COLUMNS, policeUkStreetFormat } from '../formats/police-uk-street.ts'
import { INVENTORY } from '../inventory/people.ts'
import { resolveInvolvements } from './resolve-involvements.ts'

const CRIME_A = 'a'.repeat(64)
const CRIME_B = 'b'.repeat(64)
const streetRow = (crimeId: string, type: string) =>
  `${crimeId},2023-04,City of London Police,City of London Police,-0.110350,51.518090,On or near Holborn,E01000917,Camden 027C,${type},Under investigation,`
const STREET = [
  POLICE_UK_STREET_COLUMNS.join(','),
  streetRow(CRIME_A, 'Robbery'),
  streetRow(CRIME_B, 'Burglary'),
].join('\n')

const HEADER = PEOPLE_INVOLVEMENTS_COLUMNS.join(',')
const person = (id: string, first: string, last: string, address = '1 Moor Lane, London') =>
  `col-police,${id},${first},${last},1980-05-02,"${address}",EC2Y 9AD`
const PEOPLE = [
  HEADER,
  `${person('P1', 'Anna', 'Clarke')},police-uk-street,${CRIME_A},victim`,
  `${person('P2', 'Ben', 'Hughes')},police-uk-street,${CRIME_A},suspect`,
  `${person('P1', 'Anna', 'Clarke')},police-uk-street,${CRIME_B},victim`,
  `${person('P3', 'Cara', 'Patel')},calls-for-service,CAD-2023-0001,reporting-person`,
].join('\n')

for (const backend of backends()) {
  describe(`importing people and involvements on ${backend.name}`, () => {
    let database: TestDatabase
    let folder: string
    const clock = new ManualClock('2026-01-15T09:00:00Z')
    const format = peopleInvolvementsFormatOn(clock)
    const writeCsv = async (name: string, content: string) => {
      const file = path.join(folder, name)
      await writeFile(file, content)
      return file
    }
    const importPeople = async (name: string, content: string) =>
      importFile(database.db, format, { file: await writeCsv(name, content), clock })
    const importStreet = async () =>
      importFile(database.db, policeUkStreetFormat, { file: await writeCsv('street.csv', STREET), clock })
    const count = async (table: 'person_record' | 'person_involvement') =>
      Number(
        (
          await database.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    const unresolved = async () =>
      (
        await database.db
          .selectFrom('person_involvement')
          .select('incident_reference')
          .where('incident_id', 'is', null)
          .execute()
      ).map((row) => row.incident_reference)

    before(async () => {
      folder = await mkdtemp(path.join(os.tmpdir(), 'upstream-people-'))
    })
    after(async () => {
      await rm(folder, { recursive: true, force: true })
    })
    beforeEach(async () => {
      database = await backend.create()
    })
    afterEach(async () => {
      await database.close()
    })

    test('one person on many rows is one record; each row is an involvement linked to its incident when present', async () => {
      await importStreet()
      const result = await importPeople('people.csv', PEOPLE)
      assert.equal(result.status, 'completed')
      assert.deepEqual([result.rowsRead, result.rowsInserted, result.rowsRejected], [4, 4, 0])
      assert.equal(await count('person_record'), 3)
      assert.equal(await count('person_involvement'), 4)
      const linked = await database.db
        .selectFrom('person_involvement as pi')
        .innerJoin('incident', 'incident.id', 'pi.incident_id')
        .innerJoin('person_record as p', 'p.id', 'pi.person_record_id')
        .select(['p.source_person_id', 'pi.role', 'incident.crime_id'])
        .orderBy('p.source_person_id')
        .orderBy('incident.crime_id')
        .execute()
      assert.deepEqual(linked, [
        { source_person_id: 'P1', role: 'victim', crime_id: CRIME_A },
        { source_person_id: 'P1', role: 'victim', crime_id: CRIME_B },
        { source_person_id: 'P2', role: 'suspect', crime_id: CRIME_A },
      ])
      assert.deepEqual(await unresolved(), ['CAD-2023-0001'])
    })

    test('importing the same file again adds nothing', async () => {
      await importPeople('people.csv', PEOPLE)
      const again = await importPeople('people.csv', PEOPLE)
      assert.equal(again.status, 'already-imported')
      assert.equal(await count('person_involvement'), 4)
    })

    test('a later extract updates a changed person in place, with its run, and adds no duplicate involvement', async () => {
      const first = await importPeople('people.csv', PEOPLE)
      const moved = PEOPLE.replaceAll(
        person('P1', 'Anna', 'Clarke'),
        person('P1', 'Anna', 'Clarke', '9 Wood Street, London'),
      )
      const second = await importPeople('people-2.csv', `${moved}\n`)
      assert.equal(second.status, 'completed')
      assert.deepEqual([second.rowsInserted, second.rowsUpdated], [0, 4])
      assert.equal(await count('person_record'), 3)
      assert.equal(await count('person_involvement'), 4)
      const records = await database.db
        .selectFrom('person_record')
        .select(['source_person_id', 'address', 'import_run_id'])
        .orderBy('source_person_id')
        .execute()
      assert.deepEqual(records, [
        { source_person_id: 'P1', address: '9 Wood Street, London', import_run_id: second.runId },
        { source_person_id: 'P2', address: '1 Moor Lane, London', import_run_id: first.runId },
        { source_person_id: 'P3', address: '1 Moor Lane, London', import_run_id: first.runId },
      ])
    })

    test('the same person ID in two source systems is two people: no linkage across sources', async () => {
      const other = PEOPLE.split('\n')[1]!.replace('col-police', 'council-asb')
      await importPeople('people.csv', `${PEOPLE}\n${other}`)
      assert.equal(await count('person_record'), 4)
    })

    test('involvements imported before their incidents are linked by resolveInvolvements, which is audited', async () => {
      await importPeople('people.csv', PEOPLE)
      assert.equal((await unresolved()).length, 4)
      await importStreet()
      const result = await resolveInvolvements(database.db, { occurredAt: clock.now() })
      assert.deepEqual(result, { resolved: 3, unresolved: 1 })
      const audit = await database.db
        .selectFrom('audit_event')
        .select(['action', 'details'])
        .where('event', '=', 'RESOLVE_INVOLVEMENTS')
        .execute()
      assert.deepEqual(audit, [{ action: 'combine', details: { resolved: 3, unresolved: 1 } }])
      assert.deepEqual(await resolveInvolvements(database.db), { resolved: 0, unresolved: 1 })
    })

    test('a later people import resolves the involvements of earlier ones whose incidents have arrived', async () => {
      await importPeople('people.csv', PEOPLE)
      await importStreet()
      await importPeople(
        'more.csv',
        `${HEADER}\n${person('P9', 'Dev', 'Shah')},police-uk-street,${CRIME_B},witness`,
      )
      assert.deepEqual(await unresolved(), ['CAD-2023-0001'])
    })

    test('bad rows are reported by row and column without their personal values, and good rows go in', async () => {
      const canary = 'CANARY-PERSON-7f3a'
      const file = [
        PEOPLE,
        `col-police,P4,${canary}\u0007,Jones,1980-01-01,,,police-uk-street,${CRIME_A},witness`,
        `col-police,P5,Ed,${canary},2999-01-01,,,police-uk-street,${CRIME_A},witness`,
        `col-police,P6,Fay,Gill,,,,police-uk-street,${CRIME_A},bystander`,
        `col-police,P7,${canary}`,
      ].join('\n')
      const result = await importPeople('bad.csv', file)
      assert.equal(result.status, 'completed')
      assert.deepEqual([result.rowsInserted, result.rowsRejected], [4, 4])
      const report = await database.db
        .selectFrom('import_rejection')
        .select(['row_number', 'column_name', 'value_excerpt', 'reason'])
        .orderBy('row_number')
        .execute()
      assert.deepEqual(
        report.map((r) => [r.row_number, r.column_name, r.value_excerpt]),
        [
          [6, 'First names', null],
          [7, 'Date of birth', null],
          [8, 'Role', 'bystander'],
          [9, null, null],
        ],
      )
      assert.ok(!JSON.stringify(report).includes(canary))
      assert.equal(await count('person_record'), 3)
    })

    test('one row a batch gives the same people and links as one batch', async () => {
      await importStreet()
      const result = await importFile(database.db, format, {
        file: await writeCsv('people.csv', PEOPLE),
        clock,
        batchSize: 1,
      })
      assert.deepEqual([result.status, result.rowsInserted], ['completed', 4])
      assert.equal(await count('person_record'), 3)
      assert.deepEqual(await unresolved(), ['CAD-2023-0001'])
    })

    test('generated files of good, bad and broken rows never crash the import, and every row is counted once', async () => {
      const good = PEOPLE.split('\n').slice(1)
      const line = fc.oneof(
        fc.constantFrom(...good),
        fc.constantFrom(...good).map((row) => row.replace('victim', 'bystander')),
        fc.constantFrom(...good).map((row) => row.replace('1980-05-02', '1980-02-31')),
        fc.string({ maxLength: 40 }).filter((text) => !/[\r\n]/.test(text)),
        fc.constantFrom('"unclosed,quote', ',,,,,,,,,', '\u0000,x'),
      )
      let runs = 0
      await fc.assert(
        fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 12 }), async (lines) => {
          runs += 1
          const result = await importPeople(
            `generated-${runs}.csv`,
            `${HEADER}\n${lines.join('\n')}\n#${runs}\n`,
          )
          assert.ok(['completed', 'already-imported'].includes(result.status), result.message ?? '')
          if (result.status === 'completed') {
            assert.equal(result.rowsInserted + result.rowsUpdated + result.rowsRejected, result.rowsRead)
          }
        }),
        { numRuns: 15 },
      )
    })

    test('the same involvement twice in one file is one involvement, counted as inserted then updated', async () => {
      const row = PEOPLE.split('\n')[1]!
      const result = await importPeople('twice.csv', `${HEADER}\n${row}\n${row}\n`)
      assert.deepEqual([result.rowsInserted, result.rowsUpdated], [1, 1])
      assert.equal(await count('person_involvement'), 1)
    })

    test('the role is a NOT NULL enum in the database (checklist C3)', async () => {
      await importPeople('people.csv', PEOPLE)
      const column = await sql<{ is_nullable: string }>`
        select is_nullable from information_schema.columns
        where table_name = 'person_involvement' and column_name = 'role'`.execute(database.db)
      assert.equal(column.rows[0]!.is_nullable, 'NO')
      await assert.rejects(
        sql`update person_involvement set role = 'bystander'`.execute(database.db),
        /person_involvement_role_check/,
      )
    })

    test('the data inventory classifies exactly the columns of the people tables', async () => {
      for (const entry of INVENTORY) {
        const columns = await sql<{ column_name: string }>`
          select column_name from information_schema.columns
          where table_schema = current_schema() and table_name = ${entry.table}`.execute(database.db)
        assert.deepEqual(
          columns.rows.map((row) => row.column_name).sort(),
          Object.keys(entry.columns).sort(),
          entry.table,
        )
      }
      assert.deepEqual(INVENTORY.map((entry) => entry.table).sort(), ['person_involvement', 'person_record'])
    })
  })
}
