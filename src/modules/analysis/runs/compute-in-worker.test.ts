import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DomainError } from '../../../errors.ts'
import { pointSet } from '../method.ts'
import { computeInWorker, computeWorkersRunning } from './compute-in-worker.ts'

const points = pointSet({ longitude: [-0.09, -0.091], latitude: [51.51, 51.511], day: [19_800, 19_801] })

test('a method the registry does not have fails in the worker with its name, and the worker is gone', async () => {
  await assert.rejects(computeInWorker({ method: 'no-such-method', options: {}, points }), {
    message: 'there is no analysis method called no-such-method',
  })
  assert.equal(computeWorkersRunning(), 0)
})

test('an already cancelled request starts no worker', async () => {
  const controller = new AbortController()
  controller.abort()
  await assert.rejects(
    computeInWorker({ method: 'counts', options: {}, points, signal: controller.signal }),
    { name: 'AbortError' },
  )
  assert.equal(computeWorkersRunning(), 0)
})

test("a refusal in the worker comes back as the method's DomainError, with its fields", async () => {
  await assert.rejects(
    computeInWorker({ method: 'emerging-hotspots', options: { confidence: 97 }, points }),
    (error: unknown) =>
      error instanceof DomainError &&
      error.code === 'invalid' &&
      error.fields.confidence === 'confidence must be 90, 95 or 99 (percent), not 97',
  )
})
