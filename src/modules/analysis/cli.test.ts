import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, test } from 'node:test'
import type { Command } from 'commander'
import { parse } from 'csv-parse/sync'
import { gridDisk, latLngToCell } from 'h3-js'
import { backends } from '../../../test/backends.ts'
import { freshCliDatabase } from '../../../test/cli-runner.ts'
import { buildProgram, runCli } from '../../cli/main.ts'
import { addMethodCommand } from './cli.ts'
import { defineMethod } from './method.ts'
import { ANALYSIS_METHODS } from './methods.ts'

const SAMPLES = path.resolve(import.meta.dirname, '../../../samples/police-uk')
const APRIL = path.join(SAMPLES, '2023-04-city-of-london-street.csv')

/** A tiny method for the command's own behaviour: points per category, at least `minimum` of them. */
const countByCategory = defineMethod<
  { minimum: number; categories: number[] },
  { byCategory: Record<string, number> }
>({
  name: 'count-by-category',
  title: 'Count by category',
  description: 'Counts the points of each category.',
  options: [
    {
      key: 'minimum',
      flag: 'minimum',
      description: 'Smallest count listed',
      type: 'integer',
      minimum: 1,
      maximum: 1000,
      default: 1,
    },
    {
      key: 'categories',
      flag: 'top-categories',
      description: 'Unused list',
      type: 'number-list',
      default: [1, 2],
    },
  ],
  run: (points, options, { progress }) => {
    const byCategory: Record<string, number> = {}
    for (let i = 0; i < points.size; i++) {
      if (i % 100 === 0) progress?.(i / points.size, 'counting')
      byCategory[points.category[i]!] = (byCategory[points.category[i]!] ?? 0) + 1
    }
    for (const [category, count] of Object.entries(byCategory))
      if (count < options.minimum) delete byCategory[category]
    return { byCategory }
  },
  summarise: (result) =>
    Object.entries(result.byCategory)
      .map(([category, count]) => `${category}: ${count}`)
      .join('\n'),
})

function analyseCommand(program: Command): Command {
  return program.commands.find((command) => command.name() === 'analyse')!
}

/** Runs `upstream ...` in-process with the tiny method added, collecting what it prints. */
async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const program = buildProgram()
  addMethodCommand(analyseCommand(program), countByCategory)
  const stdout: string[] = []
  const stderr: string[] = []
  const { log, error } = console
  console.log = (...parts: unknown[]) => void stdout.push(parts.join(' '))
  console.error = (...parts: unknown[]) => void stderr.push(parts.join(' '))
  try {
    const code = await runCli(argv, program)
    return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') }
  } finally {
    console.log = log
    console.error = error
  }
}

/** The April file's located rows per police.uk crime type slug, counted by csv-parse, not by our reader. */
async function aprilByType(): Promise<Record<string, number>> {
  const slugs: Record<string, string> = {
    'Other theft': 'other-theft',
    Burglary: 'burglary',
    'Violence and sexual offences': 'violent-crime',
  }
  const rows = parse(await readFile(APRIL), { columns: true, bom: true }) as Record<string, string>[]
  const counts: Record<string, number> = {}
  for (const row of rows) {
    const slug = slugs[row['Crime type']!]
    if (slug && row.Longitude !== '') counts[slug] = (counts[slug] ?? 0) + 1
  }
  return counts
}

describe('upstream analyse, the commands', () => {
  test('list names every registered method, and --json gives their options', async () => {
    const text = await run('analyse', 'list')
    assert.equal(text.code, 0)
    for (const method of ANALYSIS_METHODS) assert.ok(text.stdout.includes(method.name), method.name)
    const json = await run('analyse', 'list', '--json')
    const listed = (JSON.parse(json.stdout) as { methods: { name: string; options: unknown[] }[] }).methods
    assert.deepEqual(
      listed.map((m) => m.name),
      ANALYSIS_METHODS.map((m) => m.name),
    )
  })

  test("every method's help lists each of its options as a flag, with the input and filter flags", () => {
    const analyse = analyseCommand(buildProgram())
    for (const method of [...ANALYSIS_METHODS, countByCategory]) {
      if (method === countByCategory) addMethodCommand(analyse, method)
      const help = analyse.commands.find((command) => command.name() === method.name)!.helpInformation()
      for (const option of method.options)
        assert.ok(help.includes(`--${option.flag}`), `${method.name} --${option.flag}`)
      for (const flag of ['--input', '--json', '--from', '--to', '--category', '--area'])
        assert.ok(help.includes(flag), `${method.name} ${flag}`)
    }
  })
})

describe('upstream analyse <method> --input FILE', () => {
  let folder: string
  beforeEach(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'upstream-analyse-'))
  })
  afterEach(() => rm(folder, { recursive: true, force: true }))

  test('--json prints the result of the method over the points of a police.uk street file', async () => {
    const result = await run('analyse', 'count-by-category', '--input', APRIL, '--json')
    assert.equal(result.code, 0, result.stderr)
    const { byCategory } = JSON.parse(result.stdout) as { byCategory: Record<string, number> }
    const expected = await aprilByType()
    for (const [slug, count] of Object.entries(expected)) assert.equal(byCategory[slug], count, slug)
    assert.match(
      result.stderr,
      /^\d+ points from 2023-04-city-of-london-street\.csv \(police-uk-street\), \d+ without a location left out$/,
    )
  })

  test('options are flags: --minimum leaves out the smaller categories', async () => {
    const result = await run('analyse', 'count-by-category', '--input', APRIL, '--minimum', '100', '--json')
    const { byCategory } = JSON.parse(result.stdout) as { byCategory: Record<string, number> }
    assert.ok(Object.values(byCategory).every((count) => count >= 100))
    assert.equal(byCategory['other-theft'], (await aprilByType())['other-theft'])
  })

  test('without --json it prints the summary and what was read', async () => {
    const result = await run('analyse', 'count-by-category', '--input', APRIL)
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, new RegExp(`other-theft: ${(await aprilByType())['other-theft']}\\n`))
    assert.match(result.stdout, /points from 2023-04-city-of-london-street\.csv \(police-uk-street\)/)
  })

  test('a bad option exits 1 with one line naming the flag and why', async () => {
    const result = await run('analyse', 'count-by-category', '--input', APRIL, '--minimum', 'x')
    assert.equal(result.code, 1)
    assert.equal(result.stderr, "upstream: --minimum must be a whole number from 1 to 1000, not 'x'")
  })

  test('a number list is given with commas, and a bad one is refused naming its flag', async () => {
    assert.equal(
      (await run('analyse', 'count-by-category', '--input', APRIL, '--top-categories', '0,1,100', '--json'))
        .code,
      0,
    )
    const bad = await run('analyse', 'count-by-category', '--input', APRIL, '--top-categories', '0,,x')
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /^upstream: --top-categories must be a list of numbers/)
  })

  test('a file with bad rows exits 1 listing them by line and column', async () => {
    const file = path.join(folder, 'bad.csv')
    await writeFile(file, 'longitude,latitude,date\n-0.1,51.5,2023-01-01\n-0.1,151.5,2023-01-01\n')
    const result = await run('analyse', 'count-by-category', '--input', file, '--json')
    assert.equal(result.code, 1)
    assert.equal(result.stdout, '')
    assert.equal(
      result.stderr,
      'upstream: bad.csv: 1 problem\n  line 3, column latitude: the latitude 151.5 is outside -90 to 90',
    )
  })

  test('a missing file exits 1 saying so', async () => {
    const result = await run('analyse', 'count-by-category', '--input', path.join(folder, 'none.csv'))
    assert.equal(result.code, 1)
    assert.match(result.stderr, /none\.csv: 1 problem\n {2}no such file/)
  })

  test('database filters with --input are refused: the file is used whole', async () => {
    const result = await run('analyse', 'count-by-category', '--input', APRIL, '--from', '2023-04')
    assert.equal(result.code, 1)
    assert.match(result.stderr, /--from filters incidents in the database/)
  })

  test('--area-level with --input is refused: the areas are those of the file', async () => {
    const result = await run('analyse', 'count-by-category', '--input', APRIL, '--area-level', 'ward')
    assert.equal(result.code, 1)
    assert.match(result.stderr, /--area-level groups incidents in the database/)
  })

  test('an unknown method is refused', async () => {
    const result = await run('analyse', 'no-such-method', '--input', APRIL)
    assert.notEqual(result.code, 0)
  })
})

for (const backend of backends()) {
  describe(`upstream analyse <method> over the database on ${backend.name}`, () => {
    freshCliDatabase(backend, 'upstream-analyse-db-')

    beforeEach(async () => {
      const imported = await run('import', 'police-uk-street', APRIL, '--json')
      assert.equal(imported.code, 0, imported.stderr)
    })

    test('the filtered incidents are analysed, the run saved, and the same command again reuses it', async () => {
      const first = await run(
        'analyse',
        'count-by-category',
        '--category',
        'burglary',
        '--from',
        '2023-04',
        '--json',
      )
      assert.equal(first.code, 0, first.stderr)
      assert.deepEqual(JSON.parse(first.stdout), { byCategory: { burglary: (await aprilByType()).burglary } })
      const id = /^Analysis run (\d+): count-by-category over \d+ incidents/.exec(first.stderr)?.[1]
      assert.ok(id, first.stderr)
      const second = await run(
        'analyse',
        'count-by-category',
        '--category',
        'burglary',
        '--from',
        '2023-04',
        '--json',
      )
      assert.equal(second.stdout, first.stdout)
      assert.match(second.stderr, new RegExp(`^Analysis run ${id} reused`))
    })

    test('--area-level groups the counts by that level, and a run of another level is not reused', async () => {
      const byAuthority = await run(
        'analyse',
        'counts',
        '--unit',
        'lsoa',
        '--area-level',
        'local-authority',
        '--json',
      )
      assert.equal(byAuthority.code, 0, byAuthority.stderr)
      const areas = (JSON.parse(byAuthority.stdout) as { areas: { area: string; count: number }[] }).areas
      assert.ok(
        areas.length > 1 && areas.every((area) => area.area.startsWith('derived:')),
        byAuthority.stdout,
      )
      const byForce = await run('analyse', 'counts', '--unit', 'lsoa', '--area-level', 'force', '--json')
      assert.equal(byForce.code, 0, byForce.stderr)
      assert.doesNotMatch(byForce.stderr, /reused/)
      const forces = (JSON.parse(byForce.stdout) as { areas: { area: string; count: number }[] }).areas
      assert.equal(
        forces.reduce((sum, area) => sum + area.count, 0),
        areas.reduce((sum, area) => sum + area.count, 0),
      )
      const again = await run(
        'analyse',
        'counts',
        '--unit',
        'lsoa',
        '--area-level',
        'local-authority',
        '--json',
      )
      assert.match(again.stderr, /^Analysis run \d+ reused/)
    })

    test('a bad --area-level exits 1 naming the flag and the levels', async () => {
      const result = await run('analyse', 'count-by-category', '--area-level', 'county')
      assert.equal(result.code, 1)
      assert.match(result.stderr, /^upstream: --area-level must be one of force, .*lsoa, not 'county'/)
    })

    test('a bad filter exits 1 naming its flag', async () => {
      const result = await run('analyse', 'count-by-category', '--from', '2023-13')
      assert.equal(result.code, 1)
      assert.match(result.stderr, /^upstream: --from: /)
    })
  })
}

describe("the fixed contracts of issue 4 through the command line, on the registry's methods", () => {
  let folder: string
  beforeEach(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'upstream-analyse-contract-'))
  })
  afterEach(() => rm(folder, { recursive: true, force: true }))

  /** Points round Bank junction, a few hundred metres apart, over six weeks (a fixed pseudo-random walk). */
  async function pointsFile(
    count: number,
  ): Promise<{ file: string; points: { longitude: number; latitude: number; day: number }[] }> {
    let state = 12345
    const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648
    const points = Array.from({ length: count }, () => ({
      longitude: -0.09 + (next() - 0.5) * 0.01,
      latitude: 51.513 + (next() - 0.5) * 0.006,
      day: Math.floor(next() * 42),
    }))
    const rows = points.map(
      (p) =>
        `${p.longitude.toFixed(6)},${p.latitude.toFixed(6)},${new Date(Date.UTC(2024, 0, 1 + p.day)).toISOString().slice(0, 10)}`,
    )
    const file = path.join(folder, 'points.csv')
    await writeFile(file, `longitude,latitude,date\n${rows.join('\n')}\n`)
    return {
      file,
      points: points.map((p) => ({
        longitude: Number(p.longitude.toFixed(6)),
        latitude: Number(p.latitude.toFixed(6)),
        day: p.day,
      })),
    }
  }

  /** Great-circle distance in metres on the sphere of the mean Earth radius (IUGG), written here independently. */
  function haversine(
    a: { longitude: number; latitude: number },
    b: { longitude: number; latitude: number },
  ): number {
    const radians = Math.PI / 180
    const h =
      Math.sin(((b.latitude - a.latitude) * radians) / 2) ** 2 +
      Math.cos(a.latitude * radians) *
        Math.cos(b.latitude * radians) *
        Math.sin(((b.longitude - a.longitude) * radians) / 2) ** 2
    return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(h)))
  }

  test('near-repeat --json lists every band pair, observed counts equal to a brute-force count of pairs', async (t) => {
    if (!ANALYSIS_METHODS.some((m) => m.name === 'near-repeat'))
      return t.skip('near-repeat is not registered')
    const { file, points } = await pointsFile(80)
    const spaceBands = [0, 100, 200, 400]
    const timeBands = [0, 1, 8, 15]
    const result = await run(
      'analyse',
      'near-repeat',
      '--input',
      file,
      '--space-bands',
      spaceBands.join(','),
      '--time-bands',
      timeBands.join(','),
      '--permutations',
      '19',
      '--seed',
      '3',
      '--json',
    )
    assert.equal(result.code, 0, result.stderr)
    const { bands } = JSON.parse(result.stdout) as {
      bands: { space: number[]; time: number[]; observed: number; p: number }[]
    }
    assert.equal(bands.length, (spaceBands.length - 1) * (timeBands.length - 1))
    for (const band of bands) {
      let observed = 0
      for (let i = 0; i < points.length; i++) {
        for (let j = i + 1; j < points.length; j++) {
          const distance = haversine(points[i]!, points[j]!)
          const days = Math.abs(points[i]!.day - points[j]!.day)
          if (
            distance >= band.space[0]! &&
            distance < band.space[1]! &&
            days >= band.time[0]! &&
            days < band.time[1]!
          )
            observed++
        }
      }
      assert.equal(band.observed, observed, JSON.stringify(band))
      assert.ok(band.p > 0 && band.p <= 1)
    }
  })

  test('gi-star --json lists every cell of the study area, the counts adding up to the points', async (t) => {
    if (!ANALYSIS_METHODS.some((m) => m.name === 'gi-star')) return t.skip('gi-star is not registered')
    const { file, points } = await pointsFile(80)
    const result = await run(
      'analyse',
      'gi-star',
      '--input',
      file,
      '--h3-resolution',
      '9',
      '--rings',
      '1',
      '--permutations',
      '99',
      '--seed',
      '7',
      '--json',
    )
    assert.equal(result.code, 0, result.stderr)
    const { cells } = JSON.parse(result.stdout) as { cells: Record<string, unknown>[] }
    // The study area, built here from h3-js itself: every cell with a point and its first ring.
    const withPoints = new Set(points.map((p) => latLngToCell(p.latitude, p.longitude, 9)))
    const area = new Set([...withPoints].flatMap((cell) => gridDisk(cell, 1)))
    assert.deepEqual(new Set(cells.map((c) => c.cell)), area)
    assert.equal(
      cells.reduce((sum, c) => sum + (c.count as number), 0),
      points.length,
    )
    for (const cell of cells) {
      for (const key of ['cell', 'count', 'z', 'p', 'pPermutation', 'pFdr', 'class'])
        assert.ok(key in cell, key)
      assert.match(cell.class as string, /^(hot-99|hot-95|hot-90|not-significant|cold-90|cold-95|cold-99)$/)
    }
  })
})
