import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DomainError } from '../../../errors.ts'
import { ensureBytes, SharedInt32List, sharedMemory } from './pair-memory.ts'

test('values appended to the shared memory are kept as it grows', () => {
  const list = new SharedInt32List(sharedMemory(), 16, () => 'values')
  const chunk = Int32Array.from({ length: 50_000 }, (_, i) => i * 7 - 3)
  for (let round = 0; round < 3; round++) list.pushAll(chunk, chunk.length - round)
  const values = list.values()
  assert.equal(values.length, 3 * chunk.length - 3)
  assert.equal(values[chunk.length - 1], chunk[chunk.length - 1])
  assert.equal(values[values.length - 1], chunk[chunk.length - 3])
  assert.ok(list.memory.buffer.byteLength >= 16 + 4 * values.length)
})

test('more than 4 GiB is refused with the space bands named, not a failed allocation', () => {
  assert.throws(
    () => ensureBytes(sharedMemory(), 4 * 2 ** 30 + 1, () => 'More than 1,073,741,824 close pairs'),
    (error: unknown) =>
      error instanceof DomainError &&
      error.code === 'invalid' &&
      Object.keys(error.fields).join() === 'spaceBands' &&
      /1,073,741,824 close pairs: more than .* 4 GiB/.test(error.message),
  )
})
