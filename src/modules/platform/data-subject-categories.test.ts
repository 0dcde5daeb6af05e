import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { sql } from 'kysely'
import { backends, type TestDatabase } from '../../../test/backends.ts'
import { categoryOfRole, DATA_SUBJECT_CATEGORIES } from './data-subject-categories.ts'

/**
 * Checklist C3, the schema test: every person–event link and every referral evidence item has a
 * category of data subject that is NOT NULL and an enum, and the facts' sources and dates and the
 * assessments' source, author and date are columns the database insists on.
 */

interface ColumnRow {
  table_name: string
  column_name: string
  is_nullable: string
  data_type: string
  udt_name: string
}

const CATEGORY_COLUMNS = [
  ['person_involvement', 'category'],
  ['referral_evidence', 'category'],
] as const

const NOT_NULL_COLUMNS = [
  ['referral_evidence', 'source_kind'],
  ['referral_evidence', 'import_run_id'],
  ['referral_evidence', 'incident_date'],
  ['referral_assessment', 'kind'],
  ['referral_assessment', 'finding'],
  ['referral_assessment', 'source'],
  ['referral_assessment', 'assessed_at'],
] as const

for (const backend of backends()) {
  describe(`data-subject categories in the schema on ${backend.name}`, () => {
    let database: TestDatabase
    let columns: Map<string, ColumnRow>
    before(async () => {
      database = await backend.create()
      const { rows } = await sql<ColumnRow>`
        select table_name, column_name, is_nullable, data_type, udt_name
        from information_schema.columns
        where table_schema = 'public'
          and table_name in ('person_involvement', 'referral_evidence', 'referral_assessment')`.execute(
        database.db,
      )
      columns = new Map(rows.map((row) => [`${row.table_name}.${row.column_name}`, row]))
    })
    after(() => database.close())

    test('the category columns exist, are NOT NULL and are the data_subject_category enum', () => {
      for (const [table, column] of CATEGORY_COLUMNS) {
        const row = columns.get(`${table}.${column}`)
        assert.ok(row, `${table}.${column} exists`)
        assert.deepEqual(
          [row.is_nullable, row.data_type, row.udt_name],
          ['NO', 'USER-DEFINED', 'data_subject_category'],
          `${table}.${column}`,
        )
      }
    })

    test('the enum holds exactly the categories of C3, in order', async () => {
      const { rows } = await sql<{ label: string; typtype: string }>`
        select e.enumlabel as label, t.typtype
        from pg_type t join pg_enum e on e.enumtypid = t.oid
        where t.typname = 'data_subject_category'
        order by e.enumsortorder`.execute(database.db)
      assert.ok(rows.every((row) => row.typtype === 'e'))
      assert.deepEqual(
        rows.map((row) => row.label),
        [...DATA_SUBJECT_CATEGORIES],
      )
    })

    test("the evidence's source and date and the assessment's kind, source and date are NOT NULL", () => {
      for (const [table, column] of NOT_NULL_COLUMNS) {
        assert.equal(columns.get(`${table}.${column}`)?.is_nullable, 'NO', `${table}.${column}`)
      }
    })

    test('a category outside the list is refused by the database', async () => {
      await assert.rejects(
        sql`select 'bystander'::data_subject_category`.execute(database.db),
        /invalid input value for enum data_subject_category/,
      )
    })

    test('an assessment made by a member of staff must name them; one made by a rule must name the rule', async () => {
      const refused = (values: string) =>
        assert.rejects(
          sql
            .raw(
              `insert into referral_assessment (referral_id, kind, finding, source, rule_key, rule_version, author_user_id, assessed_at)
               values ${values}`,
            )
            .execute(database.db),
          /violates check constraint/,
        )
      await refused(`(1, 'priority', 'Priority high', 'user', null, null, null, now())`)
      await refused(`(1, 'priority', 'Priority high', 'rule', null, null, null, now())`)
    })
  })
}

describe('the category of a source role', () => {
  test('a child present is a child at risk; every other role is its own category', () => {
    assert.equal(categoryOfRole('child-present'), 'child-at-risk')
    for (const role of [
      'victim',
      'suspect',
      'offender',
      'witness',
      'reporting-person',
      'missing-person',
      'other',
    ])
      assert.equal(categoryOfRole(role), role)
  })
})
