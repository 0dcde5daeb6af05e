import { createReadStream } from 'node:fs'
import path from 'node:path'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { CsvDecoder, CsvTokenizer, type CsvRecord } from '../csv-reader.ts'
import type { AreaLevel } from './tables.ts'

/**
 * `upstream areas population FILE.csv`: the residents of each area from a CSV of area code and
 * population, such as the ONS mid-year LSOA estimates (columns `LSOA 2021 Code` and `Total`). All or
 * nothing: a file with any bad row sets no population and lists the problems by row and column.
 * Codes that name no known area of the level are reported, not refused: a national file holds far
 * more areas than one partnership has loaded.
 */

export interface LoadPopulationOptions {
  file: string
  /** The level of the file's areas; LSOA by default. */
  level?: AreaLevel
  /** The header of the code column; found by name when not given. */
  codeColumn?: string
  /** The header of the population column; found by name when not given. */
  populationColumn?: string
}

export interface PopulationProblem {
  /** The line of the file (the header is line 1); null for the file as a whole. */
  line: number | null
  column: string | null
  message: string
}

export type LoadPopulationResult =
  | {
      status: 'loaded'
      file: string
      level: AreaLevel
      /** Data rows read. */
      rows: number
      /** Known areas whose population was set (changed or not). */
      areasSet: number
      /** Codes of the file naming no known area of the level: how many, and the first 50 in file order. */
      unknownCodes: number
      unknownCodesListed: string[]
    }
  | { status: 'rejected'; file: string; problems: PopulationProblem[] }

/** Header names tried, lower case, when no column is named: ONS mid-year estimates first. */
const CODE_COLUMNS = [
  'lsoa 2021 code',
  'lsoa21cd',
  'lsoa code',
  'lsoa11cd',
  'lsoa 2011 code',
  'area code',
  'code',
]
const POPULATION_COLUMNS = ['total', 'all ages', 'population', 'total population', 'residents']
const MAX_PROBLEMS = 50
const MAX_UNKNOWN_LISTED = 50
// Plain whole numbers, or with thousands separators as spreadsheets export them (12,345).
const WHOLE_NUMBER = /^(\d+|\d{1,3}(,\d{3})+)$/
/** The column is integer: more residents than this is not an area's population. */
const MAX_POPULATION = 2_147_483_647

export function describePopulationProblem(problem: PopulationProblem): string {
  const where = [
    problem.line === null ? null : `row ${problem.line}`,
    problem.column === null ? null : `column '${problem.column}'`,
  ].filter(Boolean)
  return where.length ? `${where.join(', ')}: ${problem.message}` : problem.message
}

function findColumn(
  header: readonly string[],
  given: string | undefined,
  accepted: readonly string[],
  what: string,
): number | PopulationProblem {
  const names = header.map((name) => name.trim().toLowerCase())
  if (given !== undefined) {
    const at = names.indexOf(given.trim().toLowerCase())
    if (at >= 0) return at
    return {
      line: 1,
      column: given,
      message: `the header has no column '${given}' (it has ${header.map((name) => `'${name.trim()}'`).join(', ')})`,
    }
  }
  for (const name of accepted) {
    const at = names.indexOf(name)
    if (at >= 0) return at
  }
  return {
    line: 1,
    column: null,
    message: `no ${what} column found (tried ${accepted.join(', ')}): name it with --${what}-column`,
  }
}

interface PopulationRows {
  rows: number
  /** Code → residents, in file order. */
  population: Map<string, number>
  problems: PopulationProblem[]
  problemCount: number
}

async function readPopulationCsv(options: LoadPopulationOptions): Promise<PopulationRows> {
  const read: PopulationRows = { rows: 0, population: new Map(), problems: [], problemCount: 0 }
  const problem = (found: PopulationProblem) => {
    read.problemCount++
    if (read.problems.length < MAX_PROBLEMS) read.problems.push(found)
  }
  const firstLine = new Map<string, number>()
  let columns: { code: number; population: number; codeName: string; populationName: string } | null = null
  let headerSeen = false

  const take = (records: CsvRecord[]): boolean => {
    for (const { fields, line } of records) {
      if (!headerSeen) {
        headerSeen = true
        const code = findColumn(fields, options.codeColumn, CODE_COLUMNS, 'code')
        const population = findColumn(fields, options.populationColumn, POPULATION_COLUMNS, 'population')
        if (typeof code !== 'number') problem(code)
        if (typeof population !== 'number') problem(population)
        if (typeof code !== 'number' || typeof population !== 'number') return false
        columns = {
          code,
          population,
          codeName: fields[code]!.trim(),
          populationName: fields[population]!.trim(),
        }
        continue
      }
      if (fields.length === 1 && fields[0]!.trim() === '') continue
      read.rows++
      const { code: codeAt, population: populationAt, codeName, populationName } = columns!
      const code = (fields[codeAt] ?? '').trim()
      const text = (fields[populationAt] ?? '').trim()
      if (code === '') {
        problem({ line, column: codeName, message: 'the area code is empty' })
        continue
      }
      const earlier = firstLine.get(code)
      if (earlier !== undefined) {
        problem({ line, column: codeName, message: `${code} is given twice (first on row ${earlier})` })
        continue
      }
      firstLine.set(code, line)
      const residents = WHOLE_NUMBER.test(text) ? Number(text.replaceAll(',', '')) : Number.NaN
      if (!Number.isSafeInteger(residents) || residents > MAX_POPULATION) {
        problem({
          line,
          column: populationName,
          message: `'${text.slice(0, 40)}' is not a number of residents (a whole number of 0 or more)`,
        })
        continue
      }
      read.population.set(code, residents)
    }
    records.length = 0
    return true
  }

  const decoder = new CsvDecoder()
  const tokenizer = new CsvTokenizer()
  const records: CsvRecord[] = []
  const source = createReadStream(options.file, { highWaterMark: 256 * 1024 })
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      tokenizer.push(decoder.write(chunk), records)
      if (!take(records)) return read
    }
    tokenizer.push(decoder.end(), records)
    const unreadable = tokenizer.end(records)
    if (!take(records)) return read
    if (unreadable)
      problem({
        line: unreadable.line,
        column: null,
        message: `the row cannot be read as CSV: ${unreadable.message}`,
      })
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException
    problem({
      line: null,
      column: null,
      message: code === 'ENOENT' ? 'no such file' : `the file cannot be read (${code ?? message})`,
    })
    return read
  } finally {
    source.destroy()
  }
  if (!headerSeen) problem({ line: null, column: null, message: 'the file is empty: expected a header line' })
  else if (read.rows === 0 && read.problemCount === 0)
    problem({ line: null, column: null, message: 'the file has a header but no rows' })
  return read
}

/** Reads the file and, when every row is good, sets the population of each known area it names. */
export async function loadPopulationFile(
  db: Kysely<Database>,
  options: LoadPopulationOptions,
): Promise<LoadPopulationResult> {
  const file = path.basename(options.file)
  const level = options.level ?? 'lsoa'
  const read = await readPopulationCsv(options)
  if (read.problemCount > 0) {
    const problems = [...read.problems]
    if (read.problemCount > read.problems.length) {
      problems.push({
        line: null,
        column: null,
        message: `and ${read.problemCount - read.problems.length} more problem(s)`,
      })
    }
    return { status: 'rejected', file, problems }
  }
  const rows = JSON.stringify([...read.population].map(([code, population]) => ({ code, population })))
  const updated = await sql<{ code: string }>`
    update area set population = given.population, population_source = ${file}::text
    from jsonb_to_recordset(${rows}::jsonb) as given(code text, population integer)
    where area.level = ${level} and area.code = given.code
    returning area.code`.execute(db)
  const known = new Set(updated.rows.map((row) => row.code))
  const unknown = [...read.population.keys()].filter((code) => !known.has(code))
  return {
    status: 'loaded',
    file,
    level,
    rows: read.rows,
    areasSet: known.size,
    unknownCodes: unknown.length,
    unknownCodesListed: unknown.slice(0, MAX_UNKNOWN_LISTED),
  }
}

/**
 * Residents per area code of the level, for the areas whose population is loaded; with `withinArea`
 * (an area id) only the areas at or below it, so a filtered analysis's study area stays inside it.
 */
export async function areaPopulations(
  db: Kysely<Database>,
  options: { level?: AreaLevel; withinArea?: number } = {},
): Promise<Record<string, number>> {
  const within =
    options.withinArea === undefined
      ? sql``
      : sql`and exists (select 1 from area_ancestor link
                        where link.area_id = area.id and link.ancestor_id = ${options.withinArea})`
  const rows = await sql<{ code: string; population: number }>`
    select code, population from area
    where level = ${options.level ?? 'lsoa'} and population is not null ${within}
    order by code`.execute(db)
  const population: Record<string, number> = {}
  for (const row of rows.rows) population[row.code] = Number(row.population)
  return population
}
