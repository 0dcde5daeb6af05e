import assert from 'node:assert/strict'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { sql, type Kysely } from 'kysely'
import { testApp } from '../../../../test/app.ts'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { createOrganisation, createUser, type TestUser } from '../../../../test/factories.ts'
import { clientSignedInAs } from '../../../../test/http-client.ts'
import type { ManualClock } from '../../../clock.ts'
import type { Database } from '../../../db/schema.ts'
import { verifyAuditChain } from '../../platform/audit/verify.ts'
import { enqueueMail } from '../../platform/mail/outbox.ts'
import { runLinkage } from '../link-run.ts'
import { viewPerson } from '../person-view.ts'
import { importPeople, importWorld, peopleFile, streetFile } from './test-support.ts'

/** C5 (erasure is complete) and B4 (the audit log holds nothing of the erased person, and still verifies). */
const NAME = 'Zyxwv'
const FIRST = 'Canary'
const CANARY_ID = 'CNRY-4417'
const DOB = '1977-07-07'
const STREET = streetFile([
  { n: 1, month: '2025-11', type: 'Robbery', outcome: 'Under investigation' },
  { n: 2, month: '2025-12', type: 'Shoplifting', outcome: 'Under investigation' },
])
const canaryRows = (address: string) => [
  ['col-police', CANARY_ID, FIRST, NAME, DOB, address, 'EC2Y 9AD', '1', 'victim'],
  ['city-council', `${CANARY_ID}-C`, FIRST, NAME, DOB, address, 'EC2Y 9AD', '2', 'victim'],
  [
    'col-police',
    'OTHER-1',
    'Hazel',
    'Norquist',
    '1960-01-01',
    '9 Gresham Street',
    'EC2V 7BX',
    '2',
    'witness',
  ],
]

/** Every text, character, json, jsonb and array column of every table, from information_schema. */
async function canaryHits(db: Kysely<Database>, needles: string[]): Promise<string[]> {
  const { rows: columns } = await sql<{ table_name: string; column_name: string }>`
    select c.table_name, c.column_name from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
      and (c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'USER-DEFINED'))
    order by c.table_name, c.column_name`.execute(db)
  assert.ok(columns.length > 50, 'the scan reads the whole schema')
  const hits: string[] = []
  for (const { table_name, column_name } of columns) {
    for (const needle of needles) {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table_name)}
        where position(${needle.toLowerCase()} in lower(${sql.ref(column_name)}::text)) > 0`.execute(db)
      if (rows[0]!.n > 0) hits.push(`${table_name}.${column_name} holds ${needle}`)
    }
  }
  return hits
}

async function filesHolding(folder: string, needles: string[]): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => [])
  const hits: string[] = []
  for (const entry of entries) {
    if (!entry.isFile()) continue
    const file = path.join(entry.parentPath, entry.name)
    const text = await readFile(file, 'utf8').catch(() => '')
    for (const needle of needles) if (text.includes(needle)) hits.push(`${file} holds ${needle}`)
  }
  return hits
}

for (const backend of backends()) {
  describe(`erasing a person on ${backend.name}`, () => {
    let database: TestDatabase
    let app: FastifyInstance
    let clock: ManualClock
    let dataDir: string
    let officer: TestUser
    let dpo: TestUser
    let personId: number

    before(async () => {
      database = await backend.create()
      ;({ app, clock } = await testApp(database, {}))
      dataDir = app.deps.config.dataDir
      const police = await createOrganisation(database.db, { kind: 'police_force' })
      officer = await createUser(database.db, { role: 'officer', organisationId: police.id })
      dpo = await createUser(database.db, { role: 'auditor', organisationId: police.id })
      const folder = path.join(dataDir, 'imports-for-test')
      await mkdir(folder, { recursive: true })
      // Created, then updated by a later extract with a new address.
      await importWorld(
        database.db,
        clock,
        { street: STREET, people: peopleFile(canaryRows('1 Moor Lane, London')) },
        folder,
      )
      await importPeople(database.db, clock, folder, peopleFile(canaryRows('7 Wood Street, London')))
      await runLinkage(database.db, { clock })
      const link = await database.db
        .selectFrom('person_record_link as l')
        .innerJoin('person_record as r', 'r.id', 'l.person_record_id')
        .select('l.person_id')
        .where('r.source_person_id', '=', CANARY_ID)
        .executeTakeFirstOrThrow()
      personId = Number(link.person_id)
      // Viewed for a purpose.
      const view = await viewPerson(database.db, officer, 'safeguarding', personId, { clock })
      assert.ok('found' in view && view.found)
      // A referral with the canary in its reason and history, a trigger run that could not route it,
      // a notification about the person, and a stray upload holding their row.
      const referral = await sql<{
        id: number
      }>`insert into referral (person_id, purpose, reason, police_note,
          from_organisation_id, to_organisation_id, priority, created_at, updated_at)
        values (${personId}, 'safeguarding', ${`Concern for ${FIRST} ${NAME}`}, ${`Note on ${NAME}`},
          ${police.id}, ${police.id}, 'normal', ${clock.now()}, ${clock.now()}) returning id`.execute(
        database.db,
      )
      await sql`insert into referral_event (referral_id, referral_version, occurred_at, kind, text, details)
        values (${referral.rows[0]!.id}, 1, ${clock.now()}, 'note', ${`Spoke to ${NAME}`},
          ${JSON.stringify({ about: NAME })})`.execute(database.db)
      await sql`insert into trigger_run (status, as_of, started_at, unrouted)
        values ('completed', '2026-01-01', ${clock.now()},
          ${JSON.stringify([
            { personId, ruleKey: 'repeat-victim', reason: `No team covers ${NAME}` },
            { personId: personId + 1000, ruleKey: 'repeat-victim', reason: 'someone else' },
          ])})`.execute(database.db)
      await enqueueMail(
        database.db,
        {
          kind: 'referral-received',
          to: 'team@example.test',
          subject: `About ${NAME}`,
          text: `See ${NAME}`,
          subjectPersonId: personId,
        },
        clock.now(),
      )
      await mkdir(path.join(dataDir, 'uploads'), { recursive: true })
      await writeFile(
        path.join(dataDir, 'uploads', 'left-over.csv'),
        peopleFile(canaryRows('1 Moor Lane, London')),
      )
    })
    after(async () => {
      await app.close()
      await database.close()
    })

    test('the DPO confirms and erases the person through the page', async () => {
      const client = await clientSignedInAs(app, database.db, clock, dpo.id)
      const page = await client.get(`/people/${personId}/erase`)
      assert.equal(page.statusCode, 200)
      assert.ok(page.body.includes(CANARY_ID), 'the confirmation lists the source records')
      assert.ok(!page.body.includes(NAME), 'the confirmation names no one')
      const unconfirmed = await client.postForm(`/people/${personId}/erase`, {
        reason: 'Art 17 request ER-1',
      })
      assert.equal(unconfirmed.statusCode, 400)
      assert.match(unconfirmed.body, /Confirm that everything listed is to be erased/)
      const noReason = await client.postForm(`/people/${personId}/erase`, { reason: ' ', confirm: 'yes' })
      assert.equal(noReason.statusCode, 400)
      assert.match(noReason.body, /Enter why the person is erased/)
      const erased = await client.postForm(`/people/${personId}/erase`, {
        reason: 'Art 17 request ER-1',
        confirm: 'yes',
      })
      assert.equal(erased.statusCode, 200)
      assert.match(erased.body, /erased/)
    })

    test('no table and no file under the data folder holds the canary', async () => {
      assert.deepEqual(await canaryHits(database.db, [NAME, CANARY_ID]), [])
      assert.deepEqual(await filesHolding(dataDir, [NAME]), [
        // The test's own import files stay: they are the source extracts, outside uploads and exports.
        ...(await filesHolding(path.join(dataDir, 'imports-for-test'), [NAME])),
      ])
      const other = await sql<{
        n: number
      }>`select count(*)::int as n from trigger_run, jsonb_array_elements(unrouted) e
        where (e->>'personId')::bigint = ${personId + 1000}`.execute(database.db)
      assert.equal(other.rows[0]!.n, 1, 'the other person’s unrouted hit stays')
      const stranger = await database.db
        .selectFrom('person_record')
        .select('id')
        .where('source_person_id', '=', 'OTHER-1')
        .execute()
      assert.equal(stranger.length, 1, 'the other person’s record stays')
    })

    test('a tombstone remains for the person and each record, with nothing personal', async () => {
      const tombstones = await database.db.selectFrom('erasure_tombstone').selectAll().orderBy('id').execute()
      assert.ok(tombstones.some((t) => t.subject_kind === 'person' && Number(t.subject_id) === personId))
      assert.equal(tombstones.filter((t) => t.subject_kind === 'person_record').length, 2)
      for (const t of tombstones) {
        assert.equal(t.erased_by, dpo.id)
        assert.equal(t.reason, 'Art 17 request ER-1')
      }
    })

    test('the audit log holds neither the name nor the date of birth, verifies, and has the erase row', async () => {
      const text = await sql<{ t: string }>`select string_agg(a::text, ' ') as t from audit_event a`.execute(
        database.db,
      )
      assert.ok(!text.rows[0]!.t.includes(NAME))
      assert.ok(!text.rows[0]!.t.includes(DOB))
      assert.ok(!text.rows[0]!.t.includes(CANARY_ID))
      const verification = await verifyAuditChain(database.db)
      assert.equal(verification.ok, true)
      const erase = await database.db
        .selectFrom('audit_event')
        .select(['actor_user_id', 'occurred_at', 'record_ids'])
        .where('action', '=', 'erase')
        .where('event', '=', 'ERASE_PERSON')
        .executeTakeFirstOrThrow()
      assert.equal(erase.actor_user_id, dpo.id)
      assert.equal(new Date(erase.occurred_at).getTime(), clock.now().getTime())
      assert.deepEqual(erase.record_ids, [String(personId)])
    })

    test('a later import of the erased records skips them, and reports it', async () => {
      const folder = path.join(dataDir, 'imports-for-test')
      const rows = canaryRows('1 Moor Lane, London')
      await importPeople(
        database.db,
        clock,
        folder,
        peopleFile([
          ...rows,
          ['col-police', 'NEW-1', 'Ivy', 'Quell', '1990-01-01', '3 Milk Street', 'EC2V 8BR', '1', 'witness'],
        ]),
      )
      const back = await database.db
        .selectFrom('person_record')
        .select('id')
        .where('source_person_id', 'in', [CANARY_ID, `${CANARY_ID}-C`])
        .execute()
      assert.equal(back.length, 0)
      const reported = await database.db
        .selectFrom('audit_event')
        .select('details')
        .where('event', '=', 'ERASED_RECORDS_NOT_IMPORTED')
        .executeTakeFirstOrThrow()
      assert.deepEqual(reported.details, { rowsSkipped: 2 })
      await runLinkage(database.db, { clock })
      assert.deepEqual(await canaryHits(database.db, [NAME]), [])
    })
  })
}
