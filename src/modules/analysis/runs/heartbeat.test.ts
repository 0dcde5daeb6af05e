import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { sql } from 'kysely'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { ManualClock } from '../../../clock.ts'
import { defineMethod, type PointSet } from '../method.ts'
import { startAnalysisRun, type AnalysisRequest } from './analysis-run.ts'
import { failStaleRuns, findAnalysisRun, insertAnalysisRun, STALE_RUN_ERROR } from './queries.ts'
import { listAnalysisRuns } from './run-list.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const NO_POINTS: PointSet = {
  size: 0,
  longitude: new Float64Array(),
  latitude: new Float64Array(),
  day: new Int32Array(),
  category: [],
  weight: new Float64Array(),
  reference: [],
}

/**
 * A method that runs until the test lets it finish or its signal aborts it, and never reports
 * progress; each test names its own, so none is reused.
 */
function waitingMethod(name: string) {
  const state = { aborted: false }
  let release!: () => void
  const released = new Promise<void>((resolve) => (release = resolve))
  let started!: () => void
  const running = new Promise<void>((resolve) => (started = resolve))
  const method = defineMethod<Record<string, never>, { done: boolean }>({
    name,
    title: 'Waiting',
    description: 'Waits to be released.',
    options: [],
    run: async (_points, _options, { signal }) => {
      started()
      await new Promise<void>((resolve) => {
        void released.then(resolve)
        signal?.addEventListener('abort', () => resolve(), { once: true })
      })
      state.aborted = signal?.aborted ?? false
      return { done: true }
    },
    summarise: () => '',
  })
  return { method, running, release, state }
}

for (const backend of backends()) {
  describe(`heartbeats of analysis runs on ${backend.name}`, () => {
    let database: TestDatabase
    let fileNumber = 0
    const clock = new ManualClock('2026-03-02T10:00:00Z')
    const request = (method: AnalysisRequest['method']): AnalysisRequest => ({
      method,
      options: {},
      input: {
        kind: 'file',
        name: 'points.csv',
        sha256: (++fileNumber).toString(16).padStart(64, '0'),
        format: 'csv',
        points: NO_POINTS,
        withoutLocation: 0,
      },
      user: null,
      clock,
    })

    /** A run as a process that has since died would have left it: status set, heartbeat given in SQL. */
    async function leftRun(status: 'queued' | 'running', heartbeat: string): Promise<number> {
      const run = await insertAnalysisRun(database.db, {
        method: 'count-points',
        parameters: {},
        filter: null,
        input: 'database',
        inputDetail: {},
        dataVersion: 'data:left',
        startedBy: null,
        createdAt: clock.now(),
      })
      await sql`update analysis_run set status = ${status}, heartbeat_at = ${sql.raw(heartbeat)}
        where id = ${run.id}`.execute(database.db)
      return run.id
    }

    before(async () => {
      database = await backend.create()
    })
    after(() => database.close())

    test('a queued run gets its heartbeat from the database clock when it is recorded', async () => {
      const id = await leftRun('queued', 'heartbeat_at')
      const { rows } = await sql<{ age: number }>`
        select extract(epoch from now() - heartbeat_at)::float8 as age from analysis_run where id = ${id}`.execute(
        database.db,
      )
      assert.ok(rows[0]!.age >= 0 && rows[0]!.age < 5, `the heartbeat is ${rows[0]!.age} s old`)
    })

    test('a running run whose heartbeat is older than a minute is failed when read, with the reason', async () => {
      const id = await leftRun('running', `now() - interval '61 seconds'`)
      const run = await findAnalysisRun(database.db, id)
      assert.equal(run?.status, 'failed')
      assert.equal(
        run?.error,
        'The run stopped without finishing: the process running it ended (for example a restart). Run it again.',
      )
      assert.ok(run?.finishedAt instanceof Date)
      assert.equal(run?.stage, null)
    })

    test('a queued run left by an ended process is failed when the run list is read', async () => {
      const id = await leftRun('queued', `now() - interval '5 minutes'`)
      const listed = (await listAnalysisRuns(database.db, { limit: 50 })).find((run) => run.id === id)
      assert.equal(listed?.status, 'failed')
      assert.equal((await findAnalysisRun(database.db, id))?.error, STALE_RUN_ERROR)
    })

    test('a run with a fresh heartbeat is left running by every reader', async () => {
      const id = await leftRun('running', `now() - interval '50 seconds'`)
      assert.equal((await findAnalysisRun(database.db, id))?.status, 'running')
      const listed = (await listAnalysisRuns(database.db, { limit: 50 })).find((run) => run.id === id)
      assert.equal(listed?.status, 'running')
      assert.equal((await findAnalysisRun(database.db, id))?.error, null)
    })

    test('a finished run is never touched, however old its heartbeat', async () => {
      const id = await leftRun('running', `now() - interval '1 day'`)
      await sql`update analysis_run set status = 'completed', result = '{}' where id = ${id}`.execute(
        database.db,
      )
      const run = await findAnalysisRun(database.db, id)
      assert.equal(run?.status, 'completed')
      assert.equal(run?.error, null)
    })

    test('of two readers at once, exactly one marks the stale run', async () => {
      const id = await leftRun('running', `now() - interval '2 minutes'`)
      const changed = await Promise.all([
        failStaleRuns(database.db, { id }),
        failStaleRuns(database.db, { id }),
      ])
      assert.deepEqual([...changed].sort(), [0, 1])
      assert.equal((await findAnalysisRun(database.db, id))?.status, 'failed')
    })

    test(
      'a run working in this process keeps its heartbeat fresh, and stops beating when it ends',
      { timeout: 5000 },
      async () => {
        const { method, running, release } = waitingMethod('waiting-heartbeat')
        const started = await startAnalysisRun(database.db, { ...request(method), heartbeatIntervalMs: 20 })
        const id = started.run.id
        await running
        // As if the beats so far had been missed: the process's next beat makes it fresh again.
        await sql`update analysis_run set heartbeat_at = now() - interval '2 minutes' where id = ${id}`.execute(
          database.db,
        )
        await sleep(150)
        const live = await findAnalysisRun(database.db, id)
        assert.equal(live?.status, 'running')
        const first = live!.heartbeatAt!.getTime()
        await sleep(150)
        const later = (await findAnalysisRun(database.db, id))!.heartbeatAt!.getTime()
        assert.ok(later > first, 'the heartbeat moved on while the run worked')

        release()
        const finished = await started.finished
        assert.equal(finished.status, 'completed')
        const last = finished.heartbeatAt!.getTime()
        await sleep(100)
        assert.equal((await findAnalysisRun(database.db, id))!.heartbeatAt!.getTime(), last)
      },
    )

    test(
      'a live run that another process marked stale stops at its next heartbeat and stays failed',
      { timeout: 5000 },
      async () => {
        const { method, running, state } = waitingMethod('waiting-marked-stale')
        const started = await startAnalysisRun(database.db, { ...request(method), heartbeatIntervalMs: 20 })
        await running
        await sql`update analysis_run set status = 'failed', error = ${STALE_RUN_ERROR} where id = ${started.run.id}`.execute(
          database.db,
        )
        // Never released: only the heartbeat, seeing the row has ended, can stop the method.
        const run = await started.finished
        assert.equal(state.aborted, true)
        assert.equal(run.status, 'failed')
        assert.equal(run.error, STALE_RUN_ERROR)
        assert.equal(run.result, null)
      },
    )
  })
}
