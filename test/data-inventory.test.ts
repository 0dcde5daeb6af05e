import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { sql } from 'kysely'
import { recordAsCsv, recordAsJson, recordAsMarkdown } from '../src/cli/inventory.ts'
import { dataInventory } from '../src/data-inventory.ts'
import {
  classificationProblems,
  columnsAddedTo,
  compareWithDatabase,
  mergeInventories,
  personal,
  plain,
  policeOnly,
  type DatabaseColumn,
  type TableInventory,
} from '../src/modules/platform/data-inventory.ts'
import { backends, type TestDatabase } from './backends.ts'
import { runCliCapturing } from './cli-runner.ts'

const KYSELY_TABLES = ['kysely_migration', 'kysely_migration_lock']

for (const backend of backends()) {
  describe(`the data inventory against the migrated database on ${backend.name}`, () => {
    let database: TestDatabase
    let columns: DatabaseColumn[]
    before(async () => {
      database = await backend.create()
      const { rows } = await sql<DatabaseColumn>`
        select c.table_name as "table", c.column_name as "column"
        from information_schema.columns c
        join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
        where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
          and c.table_name not in (${sql.join(KYSELY_TABLES)})
        order by c.table_name, c.ordinal_position`.execute(database.db)
      columns = rows
    })
    after(() => database.close())

    test('every column in the database is classified', () => {
      const { tables } = dataInventory()
      const { unclassified } = compareWithDatabase(tables, columns)
      const listed = new Set(tables.map((table) => table.table))
      const unlisted = [...new Set(unclassified.map((name) => name.split('.')[0]!))].filter(
        (t) => !listed.has(t),
      )
      assert.deepEqual(
        unclassified,
        [],
        `${unclassified.length} column(s) have no classification; add them to their module's inventory.\n` +
          `Tables no inventory lists: ${unlisted.join(', ') || 'none'}\n  ${unclassified.join('\n  ')}`,
      )
    })

    test('every classified column is in the database', () => {
      const { stale } = compareWithDatabase(dataInventory().tables, columns)
      assert.deepEqual(
        stale,
        [],
        `${stale.length} classified column(s) are not in the database; remove or rename them:\n  ${stale.join('\n  ')}`,
      )
    })
  })
}

describe('the rules every classification keeps', () => {
  test("the modules' inventories merge without a table listed twice", () => {
    const { problems } = dataInventory()
    assert.deepEqual(problems, [], problems.join('\n'))
  })

  test('the whole inventory keeps every rule', () => {
    const problems = classificationProblems(dataInventory().tables)
    assert.deepEqual(problems, [], problems.join('\n'))
  })

  const table = (
    columns: TableInventory['columns'],
    dataClass: TableInventory['dataClass'] = 'person-identity',
  ) =>
    ({
      table: 'example',
      description: 'An example',
      dataClass,
      retention: 'police-record',
      columns,
    }) as TableInventory

  test('special category data that is not personal is refused, naming the column', () => {
    const problems = classificationProblems([table({ ethnicity: plain('Ethnicity') })])
    assert.deepEqual(problems, [])
    const flagged = classificationProblems([
      table({ ethnicity: { ...plain('Ethnicity'), specialCategory: true } }),
    ])
    assert.match(flagged.join('\n'), /example\.ethnicity is special category data but not marked personal/)
  })

  test('criminal offence data that is not personal is refused', () => {
    const problems = classificationProblems([
      table({ offence: { ...plain('Offence'), criminalOffence: true } }),
    ])
    assert.match(problems.join('\n'), /example\.offence is criminal offence data but not marked personal/)
  })

  test('a police-only column in a table whose data class a partner controls is refused', () => {
    assert.deepEqual(classificationProblems([table({ grade: policeOnly('Grade') }, 'person-identity')]), [])
    const problems = classificationProblems([table({ grade: policeOnly('Grade') }, 'health-injury')])
    assert.match(
      problems.join('\n'),
      /example\.grade is police-only, so its table's data class must be one the police force controls \(it is health-injury\)/,
    )
    const none = classificationProblems([table({ grade: policeOnly('Grade') }, null)])
    assert.match(none.join('\n'), /example\.grade is police-only/)
  })

  test('special category data in a table no agreement governs is refused', () => {
    const problems = classificationProblems([
      table({ health: personal('Health', { specialCategory: true }) }, null),
    ])
    assert.match(problems.join('\n'), /example\.health .* needs a data class/)
  })

  test('an unknown retention class or a missing description is refused', () => {
    const problems = classificationProblems([
      { ...table({ name: plain(' ') }), retention: 'forever' as TableInventory['retention'] },
    ])
    assert.match(problems.join('\n'), /example has the retention class 'forever'/)
    assert.match(problems.join('\n'), /example\.name has no description/)
  })
})

describe('merging the modules’ inventories', () => {
  const owner: TableInventory = {
    table: 'incident',
    description: 'Incidents',
    dataClass: 'incident-summary',
    retention: 'police-record',
    columns: { id: plain('Identifier') },
  }

  test('columns another module adds join the owner’s table', () => {
    const { tables, problems } = mergeInventories([
      { module: 'core', entries: [owner] },
      { module: 'geography', entries: [columnsAddedTo('incident', { area_id: plain('Area') })] },
    ])
    assert.deepEqual(problems, [])
    assert.deepEqual(Object.keys(tables[0]!.columns), ['id', 'area_id'])
    assert.deepEqual(Object.keys(owner.columns), ['id'], 'the owner’s list is not changed')
  })

  test('a table listed by two modules, or columns added to a table nobody lists, are reported', () => {
    const { problems } = mergeInventories([
      { module: 'core', entries: [owner] },
      { module: 'police-uk', entries: [owner, columnsAddedTo('nowhere', { x: plain('X') })] },
      { module: 'people', entries: [columnsAddedTo('incident', { id: plain('Again') })] },
    ])
    assert.deepEqual(problems, [
      'incident is listed by both core and police-uk: the module that creates a table lists it, others use columnsAddedTo()',
      "police-uk adds columns to nowhere, which no module's inventory lists",
      'incident.id is classified by both core and people',
    ])
  })

  test('the comparison names unclassified and stale columns as table.column', () => {
    const result = compareWithDatabase(
      [owner],
      [
        { table: 'incident', column: 'month' },
        { table: 'area', column: 'code' },
      ],
    )
    assert.deepEqual(result, { unclassified: ['area.code', 'incident.month'], stale: ['incident.id'] })
  })
})

describe('upstream inventory export, the record of processing', () => {
  test('markdown names each table with its data class, controller and retention rule', async () => {
    const result = await runCliCapturing('inventory', 'export')
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /^# Record of processing/)
    assert.match(result.stdout, /## incident\n\nOne row per incident/)
    assert.match(
      result.stdout,
      /- Data class: Incident summaries \(`incident-summary`\), controlled by the police force/,
    )
    assert.match(result.stdout, /- Retention: `audit`: Append-only; kept for 6 years/)
    assert.match(result.stdout, /\| email \| Work email address, also the sign-in name \| personal \|/)
  })

  test('CSV has one row per column with every flag, data class and retention rule', async () => {
    const result = await runCliCapturing('inventory', 'export', '--format', 'csv')
    assert.equal(result.code, 0, result.stderr)
    const lines = result.stdout.replace(/^\uFEFF/, '').split('\r\n')
    assert.equal(
      lines[0],
      'table,column,description,personal,special_category,criminal_offence,police_only,data_class,controller,retention_class,retention_rule',
    )
    const columnCount = dataInventory().tables.reduce((sum, t) => sum + Object.keys(t.columns).length, 0)
    assert.equal(lines.length - 1, columnCount)
    assert.ok(
      lines.some(
        (line) => line.startsWith('app_user,email,') && line.includes(',true,false,false,false,,,account,'),
      ),
    )
  })

  test('JSON lists every table and column as classified', async () => {
    const result = await runCliCapturing('inventory', 'export', '--format', 'json')
    assert.equal(result.code, 0, result.stderr)
    const record = JSON.parse(result.stdout) as {
      tables: {
        table: string
        dataClass: { controller: string } | null
        retention: { rule: string }
        columns: { column: string }[]
      }[]
    }
    const incident = record.tables.find((t) => t.table === 'incident')!
    assert.equal(incident.dataClass?.controller, 'police_force')
    assert.match(incident.retention.rule, /MoPI/)
    assert.deepEqual(
      record.tables.map((t) => t.table),
      dataInventory().tables.map((t) => t.table),
    )
  })

  test('an unknown format is refused with the formats there are', async () => {
    const result = await runCliCapturing('inventory', 'export', '--format', 'xml')
    assert.equal(result.code, 1)
    assert.match(result.stderr, /--format must be one of markdown, csv, json, not 'xml'/)
  })

  test('the three renderings agree on the tables', () => {
    const { tables } = dataInventory()
    const json = JSON.parse(recordAsJson(tables)) as { tables: unknown[] }
    assert.equal(json.tables.length, tables.length)
    for (const { table } of tables) {
      assert.ok(recordAsMarkdown(tables).includes(`## ${table}\n`), table)
      assert.ok(recordAsCsv(tables).includes(`\r\n${table},`), table)
    }
  })
})
