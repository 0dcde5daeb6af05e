import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { assignPersonIds } from './assign-person-ids.ts'

test('an unchanged linkage keeps every person id', () => {
  const result = assignPersonIds(Int32Array.from([0, 0, 1, 2, 2]), [7, 7, 3, 9, 9], 3)
  assert.deepEqual(result.personOfCluster, [7, 3, 9])
  assert.deepEqual(result.merged, [])
})

test('a merge keeps the id of the larger part and points the other at it; a split keeps it in the larger part', () => {
  const merge = assignPersonIds(Int32Array.from([0, 0, 0]), [5, 5, 8], 1)
  assert.deepEqual(merge.personOfCluster, [5])
  assert.deepEqual(merge.merged, [{ personId: 8, into: { personId: 5 } }])
  const split = assignPersonIds(Int32Array.from([0, 1, 1]), [4, 4, 4], 2)
  assert.deepEqual(split.personOfCluster, [null, 4])
})

test('no person id is given to two clusters, and every previous id is kept or merged', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.option(fc.integer({ min: 1, max: 6 }))), {
        maxLength: 30,
      }),
      (rows) => {
        const clusterOf = Int32Array.from(rows.map(([cluster]) => cluster))
        const previous = rows.map(([, person]) => person)
        const { personOfCluster, merged } = assignPersonIds(clusterOf, previous, 6)
        const kept = personOfCluster.filter((p): p is number => p !== null)
        assert.equal(new Set(kept).size, kept.length)
        const accounted = new Set([...kept, ...merged.map((m) => m.personId)])
        for (const person of previous) if (person !== null) assert.ok(accounted.has(person))
        for (const m of merged) assert.ok(!kept.includes(m.personId))
      },
    ),
  )
})
