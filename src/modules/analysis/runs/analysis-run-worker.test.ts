import assert from 'node:assert/strict'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { ManualClock } from '../../../clock.ts'
import { importPoliceUkStreetFile, INCIDENT_KINDS, type IncidentFilter } from '../../data-hub/index.ts'
import { dayNumber, pointSet, type PointSet } from '../method.ts'
import { methodByName, type AnyAnalysisMethod } from '../methods.ts'
import { parseMethodOptions, type MethodOptions } from '../options.ts'
import { loadIncidentPoints } from '../points/incident-points.ts'
import { cancelAnalysisRun, runAnalysis, startAnalysisRun, type AnalysisRequest } from './analysis-run.ts'
import { computeWorkersRunning } from './compute-in-worker.ts'
import { findAnalysisRun } from './queries.ts'

const APRIL = path.resolve(
  import.meta.dirname,
  '../../../../samples/police-uk/2023-04-city-of-london-street.csv',
)
const ALL_KINDS: IncidentFilter = { visibleKinds: INCIDENT_KINDS }
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const method = (name: string): AnyAnalysisMethod => methodByName(name)!
const optionsOf = (name: string, raw: Record<string, unknown> = {}) =>
  parseMethodOptions(method(name), raw, 'key')

/** `size` points spread uniformly (a fixed linear congruential stream) over a square of `metres` by Bank junction, over `days` days of 2024. */
function generatedPoints(size: number, metres: number, days: number): PointSet {
  let state = 12_345
  const uniform = () => (state = (state * 16_807) % 2_147_483_647) / 2_147_483_647
  const degreesLatitude = metres / 111_320
  const degreesLongitude = degreesLatitude / Math.cos((51.513 * Math.PI) / 180)
  return pointSet({
    longitude: Array.from({ length: size }, () => -0.089 + uniform() * degreesLongitude),
    latitude: Array.from({ length: size }, () => 51.513 + uniform() * degreesLatitude),
    day: Array.from({ length: size }, () => dayNumber(2024, 1, 1) + Math.floor(uniform() * days)),
  })
}

let files = 0
const fileInput = (points: PointSet) => ({
  kind: 'file' as const,
  name: 'generated.csv',
  // A new checksum per run, so that no run is reused for another.
  sha256: (++files).toString(16).padStart(64, '0'),
  format: 'csv',
  points,
  withoutLocation: 0,
})

/** A kernel density estimate that takes some seconds on this machine: 20,000 points, 5 m cells. */
const LONG_KDE = { bandwidth: 250, cellSize: 5 }

for (const backend of backends()) {
  describe(`analysis runs in a worker thread on ${backend.name}`, () => {
    let database: TestDatabase
    const clock = new ManualClock('2026-03-02T10:00:00Z')
    const request = (
      name: string,
      options: MethodOptions,
      input?: AnalysisRequest['input'],
    ): AnalysisRequest => ({
      method: method(name),
      options,
      input: input ?? { kind: 'database', filter: ALL_KINDS },
      user: null,
      clock,
    })

    before(async () => {
      database = await backend.create()
      await importPoliceUkStreetFile(database.db, { file: APRIL, clock })
    })
    after(() => database.close())

    for (const [name, raw] of [
      ['counts', {}],
      ['gi-star', { permutations: 99 }],
      ['kernel-density', {}],
    ] as const) {
      test(`${name} stores the result in its worker that the method gives in this thread`, async () => {
        const options = optionsOf(name, raw)
        const { points } = await loadIncidentPoints(database.db, ALL_KINDS)
        const here: unknown = JSON.parse(JSON.stringify(await method(name).run(points, options, {})))
        const { run } = await runAnalysis(database.db, request(name, options))
        assert.equal(run.status, 'completed', run.error ?? '')
        assert.deepEqual(run.result, here)
        assert.equal(computeWorkersRunning(), 0)
      })
    }

    test("a Knox test's own worker threads run from inside the run's worker, to the same result", async () => {
      // 3,000 points within 300 m: every pair is within the largest space band, 4.5 million pairs ×
      // 49 permutations is past Knox's 200 million, so it starts its own workers in both threads.
      const points = generatedPoints(3000, 300, 90)
      const options = optionsOf('near-repeat', { permutations: 49 })
      const here: unknown = JSON.parse(JSON.stringify(await method('near-repeat').run(points, options, {})))
      const { run } = await runAnalysis(database.db, request('near-repeat', options, fileInput(points)))
      assert.equal(run.status, 'completed', run.error ?? '')
      assert.deepEqual(run.result, here)
    })

    test("the event loop keeps turning while a long kernel density run computes, and the file's points stay the caller's", async () => {
      const points = generatedPoints(20_000, 4000, 30)
      let longestGap = 0
      let last = performance.now()
      const ticker = setInterval(() => {
        const now = performance.now()
        longestGap = Math.max(longestGap, now - last)
        last = now
      }, 20)
      const began = performance.now()
      const { run } = await runAnalysis(
        database.db,
        request('kernel-density', optionsOf('kernel-density', LONG_KDE), fileInput(points)),
      ).finally(() => clearInterval(ticker))
      const elapsed = performance.now() - began
      assert.equal(run.status, 'completed', run.error ?? '')
      assert.ok(elapsed > 1500, `the run took ${elapsed.toFixed(0)} ms, too short to show anything`)
      // In this thread the kernel sums would hold the loop for most of the run.
      assert.ok(
        longestGap < elapsed / 3,
        `the longest wait between ticks was ${longestGap.toFixed(0)} ms of ${elapsed.toFixed(0)}`,
      )
      assert.equal(points.longitude.length, 20_000, 'the points were copied to the worker, not moved')
    })

    test('a cancel mid-run ends the worker at once and the run stays cancelled', async () => {
      const points = generatedPoints(20_000, 4000, 30)
      const started = await startAnalysisRun(
        database.db,
        request(
          'kernel-density',
          optionsOf('kernel-density', { ...LONG_KDE, bandwidth: 400 }),
          fileInput(points),
        ),
      )
      // The first progress report is written at once: from then on the worker is computing, and
      // these kernel sums take several seconds more (they report no progress until they are done).
      const deadline = performance.now() + 60_000
      while ((await findAnalysisRun(database.db, started.run.id))!.stage === null) {
        assert.ok(performance.now() < deadline, 'the run did not start within a minute')
        await sleep(20)
      }
      await sleep(200)
      assert.equal(computeWorkersRunning(), 1)
      const cancelledAt = performance.now()
      assert.equal((await cancelAnalysisRun(database.db, started.run.id, clock)).status, 'cancelled')
      const run = await started.finished
      const stopping = performance.now() - cancelledAt
      assert.equal(run.status, 'cancelled')
      assert.equal(run.result, null)
      assert.equal(computeWorkersRunning(), 0)
      assert.ok(stopping < 3000, `the worker took ${stopping.toFixed(0)} ms to stop`)
    })

    test("a method's refusal in its worker is the run's error, and any other failure is recorded with its message", async () => {
      const refused = await runAnalysis(
        database.db,
        request('gi-star', { ...optionsOf('gi-star'), h3Resolution: 99 }),
      )
      assert.equal(refused.run.status, 'failed')
      assert.equal(refused.run.error, 'h3Resolution must be a whole number from 5 to 12, not 99')
      const points = generatedPoints(10, 100, 10)
      const broken = { ...points, latitude: undefined } as unknown as PointSet
      const failed = await runAnalysis(
        database.db,
        request('kernel-density', optionsOf('kernel-density'), fileInput(broken)),
      )
      assert.equal(failed.run.status, 'failed')
      assert.match(failed.run.error ?? '', /^The analysis failed: Cannot read properties of undefined/)
      assert.equal(computeWorkersRunning(), 0)
    })
  })
}
