import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { sql, type Kysely } from 'kysely'
import { ROW_SECURED_TABLES } from '../src/db/row-security.ts'
import type { Database } from '../src/db/schema.ts'
import { withViewerScope } from '../src/db/viewer-scope.ts'
import { dataInventory } from '../src/data-inventory.ts'
import { DATA_CLASSES } from '../src/modules/platform/data-classes.ts'
import { defineRoutes } from '../src/server/define-route.ts'
import { testApp } from './app.ts'
import { backends, type TestDatabase } from './backends.ts'
import { createOrganisation, createUser } from './factories.ts'
import { clientSignedInAs } from './http-client.ts'

/**
 * SECURITY-CHECKLIST A6: row-level security as a second line, on both drivers. The policies
 * must hold for raw SQL that skips every check in code.
 */

/** The data classes of people: a table of one of these (or with person columns in scope) is secured. */
const PERSON_CLASSES = new Set(['person-identity', 'person-involvement', 'referral'])

interface Planted {
  police: { id: string }
  council: { id: string }
  personId: number
  referralId: number
}

/** One person, their record and involvement, and a referral from the police to itself: police-only rows. */
async function plantPoliceOnlyRows(db: Kysely<Database>): Promise<Planted> {
  const police = await createOrganisation(db, { kind: 'police_force' })
  const council = await createOrganisation(db, { kind: 'council' })
  const run = await sql<{
    id: string
  }>`insert into import_run (source_kind, file_name, file_size, file_sha256,
      batch_size, status, started_at)
    values ('people-involvements', 'people.csv', 1, md5(random()::text), 5000, 'completed', now()) returning id`.execute(
    db,
  )
  const runId = run.rows[0]!.id
  const record = await sql<{
    id: string
  }>`insert into person_record (source_system, source_person_id, first_names, last_name,
      first_names_normalised, last_name_normalised, import_run_id)
    values ('police', 'P-1', 'Canary', 'Police', 'canary', 'police', ${runId}) returning id`.execute(db)
  const recordId = record.rows[0]!.id
  await sql`insert into person_involvement (person_record_id, natural_key, role, category,
      incident_source_kind, incident_reference, import_run_id)
    values (${recordId}, 'k-1', 'victim', 'victim', 'police-uk-street', 'R-1', ${runId})`.execute(db)
  const linkage = await sql<{
    id: string
  }>`insert into linkage_run (status, started_at, threshold, review_from)
    values ('completed', now(), 0.9, 0.5) returning id`.execute(db)
  const person = await sql<{
    id: string
  }>`insert into person (display_name) values ('Canary Police') returning id`.execute(db)
  const personId = Number(person.rows[0]!.id)
  await sql`insert into person_record_link (person_record_id, person_id, linkage_run_id)
    values (${recordId}, ${personId}, ${linkage.rows[0]!.id})`.execute(db)
  const referral = await sql<{
    id: string
  }>`insert into referral (person_id, purpose, reason, from_organisation_id,
      to_organisation_id, priority, created_at, updated_at)
    values (${personId}, 'safeguarding', 'canary', ${police.id}, ${police.id}, 'normal', now(), now()) returning id`.execute(
    db,
  )
  const referralId = Number(referral.rows[0]!.id)
  await sql`insert into referral_event (referral_id, referral_version, occurred_at, kind)
    values (${referralId}, 1, now(), 'raised')`.execute(db)
  await sql`insert into trigger_run (status, as_of, started_at) values ('completed', current_date, now())`.execute(
    db,
  )
  return { police, council, personId, referralId }
}

/** Counts every secured table's rows as upstream_app with the settings given (raw SQL, no code checks). */
async function countsAs(db: Kysely<Database>, settings: Record<string, string>) {
  return db.transaction().execute(async (trx) => {
    await sql`set local role upstream_app`.execute(trx)
    for (const [name, value] of Object.entries(settings))
      await sql`select set_config(${name}, ${value}, true)`.execute(trx)
    const counts: Record<string, number> = {}
    for (const table of ROW_SECURED_TABLES) {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(
        trx,
      )
      counts[table] = rows[0]!.n
    }
    return counts
  })
}

const none = Object.fromEntries(ROW_SECURED_TABLES.map((table) => [table, 0]))

for (const backend of backends()) {
  describe(`row-level security on ${backend.name}`, () => {
    let database: TestDatabase
    let planted: Planted
    before(async () => {
      database = await backend.create()
      planted = await plantPoliceOnlyRows(database.db)
    })
    after(() => database.close())

    test('every personal table of people, referrals and triggers has row-level security enabled and forced', async () => {
      const inScope = dataInventory()
        .tables.filter((table) => table.dataClass !== null && PERSON_CLASSES.has(table.dataClass))
        .map((table) => table.table)
      const expected = [...new Set([...inScope, ...ROW_SECURED_TABLES])].sort()
      const { rows } = await sql<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>`
        select relname, relrowsecurity, relforcerowsecurity from pg_class
         where relkind = 'r' and relnamespace = 'public'::regnamespace and relname = any (${expected})
         order by relname`.execute(database.db)
      assert.deepEqual(
        rows.filter((row) => !row.relrowsecurity || !row.relforcerowsecurity).map((row) => row.relname),
        [],
      )
      assert.deepEqual(
        rows.map((row) => row.relname),
        expected,
      )
    })

    test('a request handler runs as upstream_app, which is neither superuser nor bypasses row security', async () => {
      const user = await createUser(database.db, { role: 'officer', organisationId: planted.police.id })
      const { app, clock } = await testApp(database, {
        extraRoutes: (instance) => {
          defineRoutes(instance).get('/test-only/current-role', {
            permission: 'people:read',
            dataClass: 'personal',
            handler: async (request) =>
              withViewerScope(instance.deps.db, request.user!, 'safeguarding', async (trx) => {
                const { rows } = await sql<{ role: string; rolsuper: boolean; rolbypassrls: boolean }>`
                  select current_user as role, rolsuper, rolbypassrls from pg_roles where rolname = current_user`.execute(
                  trx,
                )
                return rows[0]
              }),
          })
        },
      })
      try {
        const client = await clientSignedInAs(app, database.db, clock, user.id)
        const response = await client.get('/test-only/current-role', { accept: 'application/json' })
        assert.equal(response.statusCode, 200, response.body)
        assert.deepEqual(response.json(), { role: 'upstream_app', rolsuper: false, rolbypassrls: false })
      } finally {
        await app.close()
      }
    })

    test('every view over the secured tables is security_invoker', async () => {
      const { rows } = await sql<{ view: string; reloptions: string[] | null }>`
        select distinct v.relname as view, v.reloptions from pg_class v
          join pg_rewrite w on w.ev_class = v.oid
          join pg_depend d on d.objid = w.oid and d.classid = 'pg_rewrite'::regclass
          join pg_class t on t.oid = d.refobjid
         where v.relkind in ('v', 'm') and t.relname = any (${[...ROW_SECURED_TABLES]}) and t.oid <> v.oid`.execute(
        database.db,
      )
      assert.deepEqual(
        rows
          .filter((row) => !(row.reloptions ?? []).includes('security_invoker=true'))
          .map((row) => row.view),
        [],
      )
    })

    test('raw SQL as upstream_app sees no police-only rows for a partner and no rows without an organisation', async () => {
      assert.deepEqual(await countsAs(database.db, {}), none)
      assert.deepEqual(
        await countsAs(database.db, {
          'upstream.organisation_id': planted.council.id,
          'upstream.purpose': 'safeguarding',
        }),
        none,
      )
      // The same raw SQL for the police force's staff sees the rows: the policies hide, not break.
      const police = await countsAs(database.db, { 'upstream.organisation_id': planted.police.id })
      for (const table of [
        'person',
        'person_record',
        'person_involvement',
        'referral',
        'referral_event',
        'trigger_run',
      ])
        assert.ok(police[table]! >= 1, `${table} is empty for the police force`)
    })

    test('a partner sees the identities an active agreement gives it, for its purpose and no other', async () => {
      await database.db
        .insertInto('sharing_agreement')
        .values({
          reference: 'ISA-RLS-1',
          title: 'Identities for safeguarding',
          provider_organisation_id: planted.police.id,
          recipient_organisation_id: planted.council.id,
          data_classes: ['person-identity'],
          purposes: ['safeguarding'],
          status: 'active',
          starts_on: '2020-01-01',
          ends_on: null,
          notes: '',
          updated_at: new Date(),
        })
        .execute()
      try {
        const council = { 'upstream.organisation_id': planted.council.id }
        const safeguarding = await countsAs(database.db, { ...council, 'upstream.purpose': 'safeguarding' })
        assert.equal(safeguarding.person_record, 1)
        assert.equal(safeguarding.person_involvement, 0)
        assert.equal(safeguarding.referral, 0)
        const evaluation = await countsAs(database.db, { ...council, 'upstream.purpose': 'evaluation' })
        assert.equal(evaluation.person_record, 0)
        const later = await countsAs(database.db, {
          ...council,
          'upstream.purpose': 'safeguarding',
          'upstream.day': '2019-12-31',
        })
        assert.equal(later.person_record, 0, 'an agreement not yet started gives nothing')
      } finally {
        await database.db.deleteFrom('sharing_agreement').where('reference', '=', 'ISA-RLS-1').execute()
      }
    })

    test('the class controllers in the database are those of DATA_CLASSES', async () => {
      const { rows } = await sql<{ name: string; controller: string; shareable: boolean }>`
        select name, controller, shareable from upstream_data_class() order by name`.execute(database.db)
      assert.deepEqual(
        rows,
        Object.entries(DATA_CLASSES)
          .map(([name, definition]) => ({
            name,
            controller: definition.controller,
            shareable: definition.shareable,
          }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      )
    })
  })
}
