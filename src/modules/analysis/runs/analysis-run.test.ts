import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { parse } from 'csv-parse/sync'
import { sql } from 'kysely'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { ManualClock } from '../../../clock.ts'
import { DomainError, invalid } from '../../../errors.ts'
import { importPoliceUkStreetFile, INCIDENT_KINDS, type IncidentFilter } from '../../data-hub/index.ts'
import { dayNumber, defineMethod, type PointSet } from '../method.ts'
import { loadIncidentPoints } from '../points/incident-points.ts'
import { cancelAnalysisRun, runAnalysis, startAnalysisRun, type AnalysisRequest } from './analysis-run.ts'
import { findAnalysisRun } from './queries.ts'

const SAMPLES = path.resolve(import.meta.dirname, '../../../../samples/police-uk')
const APRIL = path.join(SAMPLES, '2023-04-city-of-london-street.csv')
const MAY = path.join(SAMPLES, '2023-05-city-of-london-street.csv')

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The sample file's rows by crime type, counted by csv-parse: the reference for what the database gives. */
async function locatedRowsByType(file: string): Promise<Record<string, number>> {
  const rows = parse(await readFile(file), { columns: true, bom: true }) as Record<string, string>[]
  const counts: Record<string, number> = {}
  for (const row of rows)
    if (row.Longitude !== '') counts[row['Crime type']!] = (counts[row['Crime type']!] ?? 0) + 1
  return counts
}

/** A tiny method: counts the points per category, and how often it was run. */
let counted = 0
const countPoints = defineMethod<{ minimum: number }, { points: number; byCategory: Record<string, number> }>(
  {
    name: 'count-points',
    title: 'Count points',
    description: 'Counts the points per category.',
    options: [
      { key: 'minimum', flag: 'minimum', description: 'Smallest count listed', type: 'integer', default: 1 },
    ],
    run: (points: PointSet, options) => {
      counted++
      const byCategory: Record<string, number> = {}
      for (const category of points.category) byCategory[category] = (byCategory[category] ?? 0) + 1
      for (const [category, count] of Object.entries(byCategory))
        if (count < options.minimum) delete byCategory[category]
      return { points: points.size, byCategory }
    },
    summarise: (result) => `${result.points} points`,
  },
)

/** A slow method that reports progress each step and counts the steps it took; each test names its own, so none is reused. */
function slowMethod(name: string, steps: number, stepMs: number, onStep?: (step: number) => Promise<void>) {
  const state = { steps: 0 }
  const method = defineMethod<Record<string, never>, { steps: number }>({
    name,
    title: 'Slow',
    description: 'Takes its time.',
    options: [],
    run: async (_points, _options, { progress }) => {
      for (let step = 0; step < steps; step++) {
        progress?.(step / steps, `step ${step + 1} of ${steps}`)
        state.steps++
        await onStep?.(step)
        await sleep(stepMs)
      }
      return { steps }
    },
    summarise: () => '',
  })
  return { method, state }
}

const ALL_KINDS: IncidentFilter = { visibleKinds: INCIDENT_KINDS }

for (const backend of backends()) {
  describe(`analysis runs on ${backend.name}`, () => {
    let database: TestDatabase
    const clock = new ManualClock('2026-03-02T10:00:00Z')
    const request = (overrides: Partial<AnalysisRequest> = {}): AnalysisRequest => ({
      method: countPoints,
      options: { minimum: 1 },
      input: { kind: 'database', filter: ALL_KINDS },
      user: null,
      clock,
      ...overrides,
    })

    before(async () => {
      database = await backend.create()
      await importPoliceUkStreetFile(database.db, { file: APRIL, clock })
    })
    after(() => database.close())

    test("the database's incidents are the points: located ones only, with their month's first day and category", async () => {
      const { points, withoutLocation } = await loadIncidentPoints(database.db, ALL_KINDS)
      const expected = await locatedRowsByType(APRIL)
      const located = Object.values(expected).reduce((a, b) => a + b, 0)
      assert.equal(points.size, located)
      assert.equal(withoutLocation, 738 - located)
      assert.ok(points.day.every((day) => day === dayNumber(2023, 4, 1)))
      assert.equal(points.category.filter((c) => c === 'burglary').length, expected.Burglary)
      const ids = await database.db
        .selectFrom('incident')
        .select('id')
        .where('longitude', 'is not', null)
        .orderBy('id')
        .execute()
      assert.deepEqual(
        [...points.reference],
        ids.map((row) => String(row.id)),
      )
    })

    test('the points follow the filter, and a viewer who may see no kind gets none', async () => {
      const burglary = await loadIncidentPoints(database.db, { ...ALL_KINDS, category: 'burglary' })
      assert.equal(burglary.points.size, (await locatedRowsByType(APRIL)).Burglary)
      assert.equal((await loadIncidentPoints(database.db, { visibleKinds: [] })).points.size, 0)
    })

    test('a run stores its method, parameters, filter, input, data version, duration and result', async () => {
      const { run, reused } = await runAnalysis(database.db, request({ options: { minimum: 2 } }))
      assert.equal(reused, false)
      assert.equal(run.status, 'completed')
      assert.equal(run.method, 'count-points')
      assert.deepEqual(run.parameters, { minimum: 2 })
      assert.deepEqual(run.filter, { visibleKinds: [...INCIDENT_KINDS].sort() })
      assert.equal(run.input, 'database')
      assert.match(run.dataVersion, /^data:[0-9a-f]{32}$/)
      const importRuns = run.inputDetail.importRuns as { id: number; incidents: number }[]
      assert.equal(importRuns.length, 1)
      assert.equal(importRuns[0]!.incidents, 738)
      assert.equal(run.progress, 1)
      assert.ok(run.durationMs !== null && run.durationMs >= 0)
      assert.equal(run.startedAt?.toISOString(), '2026-03-02T10:00:00.000Z')
      const expected = await locatedRowsByType(APRIL)
      assert.equal(
        (run.result as { byCategory: Record<string, number> }).byCategory['other-theft'],
        expected['Other theft'],
      )
    })

    test('the same method, parameters and filter on unchanged data reuse the run without computing', async () => {
      const first = await runAnalysis(database.db, request({ options: { minimum: 3 } }))
      const before = counted
      const second = await runAnalysis(database.db, request({ options: { minimum: 3 } }))
      assert.equal(second.reused, true)
      assert.equal(second.run.id, first.run.id)
      assert.equal(counted, before)
      const other = await runAnalysis(database.db, request({ options: { minimum: 4 } }))
      assert.equal(other.reused, false)
      const filtered = await runAnalysis(
        database.db,
        request({
          options: { minimum: 3 },
          input: { kind: 'database', filter: { ...ALL_KINDS, category: 'burglary' } },
        }),
      )
      assert.equal(filtered.reused, false)
    })

    test('a new import changes the data version, so the run is computed again', async () => {
      const first = await runAnalysis(database.db, request({ options: { minimum: 5 } }))
      await importPoliceUkStreetFile(database.db, { file: MAY, clock })
      const second = await runAnalysis(database.db, request({ options: { minimum: 5 } }))
      assert.equal(second.reused, false)
      assert.notEqual(second.run.dataVersion, first.run.dataVersion)
      const points = (second.run.result as { points: number }).points
      const expected = [await locatedRowsByType(APRIL), await locatedRowsByType(MAY)].flatMap(Object.values)
      assert.equal(
        points,
        expected.reduce((a, b) => a + b, 0),
      )
    })

    test('a population or boundary change to the areas changes the data version, so the run is computed again', async () => {
      const first = await runAnalysis(database.db, request({ options: { minimum: 6 } }))
      assert.equal((await runAnalysis(database.db, request({ options: { minimum: 6 } }))).reused, true)
      await sql`update area set population = 1500, population_source = 'test'
                where id = (select min(id) from area where level = 'lsoa')`.execute(database.db)
      const afterPopulation = await runAnalysis(database.db, request({ options: { minimum: 6 } }))
      assert.equal(afterPopulation.reused, false)
      assert.notEqual(afterPopulation.run.dataVersion, first.run.dataVersion)
      await sql`update area set min_longitude = -0.2, max_longitude = -0.1, min_latitude = 51.5, max_latitude = 51.6
                where id = (select max(id) from area where level = 'lsoa')`.execute(database.db)
      const afterBoundary = await runAnalysis(database.db, request({ options: { minimum: 6 } }))
      assert.equal(afterBoundary.reused, false)
      assert.notEqual(afterBoundary.run.dataVersion, afterPopulation.run.dataVersion)
    })

    test('points from a file are recorded with its name and checksum, and reused by checksum', async () => {
      const points = {
        size: 0,
        longitude: new Float64Array(),
        latitude: new Float64Array(),
        day: new Int32Array(),
        category: [],
        weight: new Float64Array(),
        reference: [],
      }
      const input = {
        kind: 'file' as const,
        name: 'points.csv',
        sha256: 'ab'.repeat(32),
        format: 'csv',
        points,
        withoutLocation: 2,
      }
      const first = await runAnalysis(database.db, request({ input }))
      assert.equal(first.run.input, 'points.csv')
      assert.equal(first.run.filter, null)
      assert.equal(first.run.dataVersion, `file:${'ab'.repeat(32)}`)
      assert.deepEqual(first.run.inputDetail, {
        sha256: 'ab'.repeat(32),
        format: 'csv',
        points: 0,
        withoutLocation: 2,
      })
      assert.equal((await runAnalysis(database.db, request({ input }))).reused, true)
      assert.equal(
        (await runAnalysis(database.db, request({ input: { ...input, sha256: 'cd'.repeat(32) } }))).reused,
        false,
      )
    })

    test('progress is written to the run while it works', async () => {
      let seen: { progress: number; stage: string | null; status: string } | undefined
      let id = 0
      const { method } = slowMethod('slow-progress', 3, 5, async (step) => {
        if (step !== 1) return
        await sleep(50)
        const row = await findAnalysisRun(database.db, id)
        seen = { progress: row!.progress, stage: row!.stage, status: row!.status }
      })
      const started = await startAnalysisRun(database.db, request({ method, options: {} }))
      id = started.run.id
      assert.equal(started.run.status, 'queued')
      const run = await started.finished
      assert.deepEqual(seen, { progress: 0, stage: 'step 1 of 3', status: 'running' })
      assert.equal(run.status, 'completed')
    })

    test('a cancelled run stops at its next progress report and stays cancelled', async () => {
      const { method, state } = slowMethod('slow-cancelled', 200, 10)
      const started = await startAnalysisRun(database.db, request({ method, options: {} }))
      while (state.steps < 3) await sleep(5)
      const cancelled = await cancelAnalysisRun(database.db, started.run.id, clock)
      assert.equal(cancelled.status, 'cancelled')
      const run = await started.finished
      assert.equal(run.status, 'cancelled')
      assert.equal(run.result, null)
      assert.ok(state.steps < 20, `the method went on for ${state.steps} steps`)
      assert.ok(run.durationMs !== null)
    })

    test('a run cancelled by another process, straight in its row, stops at the next progress write', async () => {
      const { method, state } = slowMethod('slow-cancelled-elsewhere', 300, 10)
      const started = await startAnalysisRun(database.db, request({ method, options: {} }))
      while (state.steps < 2) await sleep(5)
      await sql`update analysis_run set status = 'cancelled' where id = ${started.run.id}`.execute(
        database.db,
      )
      const run = await started.finished
      assert.equal(run.status, 'cancelled')
      assert.ok(state.steps < 200, `the method went on for ${state.steps} steps`)
    })

    test('cancelling a finished run is a conflict, and an unknown run is not found', async () => {
      const { run } = await runAnalysis(database.db, request({ options: { minimum: 9 } }))
      await assert.rejects(
        cancelAnalysisRun(database.db, run.id, clock),
        (e: DomainError) => e.code === 'conflict',
      )
      await assert.rejects(
        cancelAnalysisRun(database.db, 987_654, clock),
        (e: DomainError) => e.code === 'not_found',
      )
    })

    test("a method's refusal is the run's error; any other failure is recorded as a failure", async () => {
      const refusing = defineMethod({
        ...countPoints,
        name: 'refusing',
        run: () => {
          throw invalid({ points: 'at least 3 points are needed' })
        },
      })
      const refused = await runAnalysis(database.db, request({ method: refusing }))
      assert.equal(refused.run.status, 'failed')
      assert.equal(refused.run.error, 'at least 3 points are needed')
      const broken = defineMethod({
        ...countPoints,
        name: 'broken',
        run: () => {
          throw new TypeError('x is undefined')
        },
      })
      const failed = await runAnalysis(database.db, request({ method: broken }))
      assert.equal(failed.run.error, 'The analysis failed: x is undefined')
      assert.equal(
        (await runAnalysis(database.db, request({ method: broken }))).reused,
        false,
        'a failed run is not reused',
      )
    })
  })
}
