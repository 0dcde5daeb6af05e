import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, afterEach, before, beforeEach, describe, test } from 'node:test'
import { parse } from 'csv-parse/sync'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { ManualClock } from '../../../clock.ts'
import { importPoliceUkStreetFile } from '../import-run.ts'
import { areaPopulations, loadPopulationFile, type LoadPopulationResult } from './load-population.ts'

const ROOT = path.resolve(import.meta.dirname, '../../../..')
const APRIL = path.join(ROOT, 'samples/police-uk/2023-04-city-of-london-street.csv')
const SAMPLE = path.join(ROOT, 'samples/population/made-up-lsoa-population.csv')

/** The sample read with csv-parse: LSOA code → residents. */
async function samplePopulation(): Promise<Map<string, number>> {
  const rows = parse(await readFile(SAMPLE), { columns: true }) as Record<string, string>[]
  return new Map(rows.map((row) => [row['LSOA 2021 Code']!, Number(row.Total)]))
}

const problemsOf = (result: LoadPopulationResult) => {
  assert.equal(result.status, 'rejected')
  return result.status === 'rejected' ? result.problems : []
}

for (const backend of backends()) {
  describe(`loading a population file on ${backend.name}`, () => {
    let database: TestDatabase
    let folder: string
    const clock = new ManualClock()
    const write = async (name: string, content: string) => {
      const file = path.join(folder, name)
      await writeFile(file, content)
      return file
    }

    before(async () => {
      folder = await mkdtemp(path.join(os.tmpdir(), 'upstream-population-'))
    })
    after(() => rm(folder, { recursive: true, force: true }))
    beforeEach(async () => {
      database = await backend.create()
      await importPoliceUkStreetFile(database.db, { file: APRIL, clock })
    })
    afterEach(() => database.close())

    test('the sample sets the population of every LSOA of the April file that it names', async () => {
      const expected = await samplePopulation()
      const result = await loadPopulationFile(database.db, { file: SAMPLE })
      assert.equal(result.status, 'loaded')
      if (result.status !== 'loaded') return
      const known = await database.db
        .selectFrom('area')
        .select(['code', 'population', 'population_source'])
        .where('level', '=', 'lsoa')
        .orderBy('code')
        .execute()
      assert.equal(result.rows, expected.size)
      assert.equal(result.areasSet, known.length)
      for (const area of known) {
        assert.equal(area.population, expected.get(area.code), area.code)
        assert.equal(area.population_source, 'made-up-lsoa-population.csv')
      }
      // May's LSOAs not in April's file are not known yet: reported, not refused.
      assert.equal(result.unknownCodes, expected.size - known.length)
      assert.ok(result.unknownCodesListed.every((code) => expected.has(code)))
      assert.deepEqual(
        await areaPopulations(database.db),
        Object.fromEntries(known.map((area) => [area.code, area.population])),
      )
    })

    test('named columns, thousands separators and codes it does not know', async () => {
      const file = await write(
        'named.csv',
        'Code,Name,Mid-2021\nE01000001,City of London 001A,"1,478"\nE99999999,Nowhere,12\n',
      )
      const result = await loadPopulationFile(database.db, {
        file,
        codeColumn: 'code',
        populationColumn: 'Mid-2021',
      })
      assert.deepEqual(result, {
        status: 'loaded',
        file: 'named.csv',
        level: 'lsoa',
        rows: 2,
        areasSet: 1,
        unknownCodes: 1,
        unknownCodesListed: ['E99999999'],
      })
      assert.deepEqual(await areaPopulations(database.db), { E01000001: 1478 })
    })

    test('a file with any bad row sets nothing and names each row and column', async () => {
      await loadPopulationFile(database.db, {
        file: await write('good.csv', 'LSOA 2021 Code,Total\nE01000001,1500\n'),
      })
      const file = await write(
        'bad.csv',
        'LSOA 2021 Code,Total\nE01000002,2000\nE01000003,-5\n,100\nE01000002,2100\nE01000005,12.5\nE01032739,\n',
      )
      const problems = problemsOf(await loadPopulationFile(database.db, { file }))
      assert.deepEqual(
        problems.map((problem) => [problem.line, problem.column]),
        [
          [3, 'Total'],
          [4, 'LSOA 2021 Code'],
          [5, 'LSOA 2021 Code'],
          [6, 'Total'],
          [7, 'Total'],
        ],
      )
      assert.match(problems[0]!.message, /'-5' is not a number of residents/)
      assert.match(problems[2]!.message, /E01000002 is given twice \(first on row 2\)/)
      assert.deepEqual(await areaPopulations(database.db), { E01000001: 1500 }, 'nothing changed')
    })

    test('a header without the columns, a missing file and an empty file are refused with the reason', async () => {
      const noColumns = problemsOf(
        await loadPopulationFile(database.db, {
          file: await write('cols.csv', 'area,people\nE01000001,5\n'),
        }),
      )
      assert.deepEqual(
        noColumns.map((problem) => problem.message),
        [
          'no code column found (tried lsoa 2021 code, lsoa21cd, lsoa code, lsoa11cd, lsoa 2011 code, area code, code): name it with --code-column',
          'no population column found (tried total, all ages, population, total population, residents): name it with --population-column',
        ],
      )
      const wrongName = problemsOf(
        await loadPopulationFile(database.db, {
          file: await write('named.csv', 'Code,Total\nE01000001,5\n'),
          codeColumn: 'LSOA21CD',
        }),
      )
      assert.match(wrongName[0]!.message, /no column 'LSOA21CD' \(it has 'Code', 'Total'\)/)
      const missing = problemsOf(
        await loadPopulationFile(database.db, { file: path.join(folder, 'none.csv') }),
      )
      assert.equal(missing[0]!.message, 'no such file')
      const empty = problemsOf(await loadPopulationFile(database.db, { file: await write('empty.csv', '') }))
      assert.match(empty[0]!.message, /empty/)
    })

    test('the populations within an area are those of the LSOAs at or below it', async () => {
      await loadPopulationFile(database.db, { file: SAMPLE })
      const camden = await database.db
        .selectFrom('area')
        .select('id')
        .where('level', '=', 'local-authority')
        .where('name', '=', 'Camden')
        .executeTakeFirstOrThrow()
      const within = await areaPopulations(database.db, { withinArea: Number(camden.id) })
      const expected = await samplePopulation()
      assert.ok(Object.keys(within).length > 0)
      for (const [code, residents] of Object.entries(within)) {
        assert.equal(residents, expected.get(code))
      }
      const lsoasOfCamden = await database.db
        .selectFrom('area')
        .select('code')
        .where('level', '=', 'lsoa')
        .where('parent_id', '=', camden.id)
        .execute()
      assert.deepEqual(Object.keys(within).sort(), lsoasOfCamden.map((area) => area.code).sort())
    })
  })
}
