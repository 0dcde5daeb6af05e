import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { clusterRecords, type LinkageDecision } from './cluster.ts'

const pairsOf = (list: readonly [number, number][]) => ({
  first: Int32Array.from(list.map(([a]) => a)),
  second: Int32Array.from(list.map(([, b]) => b)),
})

/** Connected components by search, the reference for union-find. */
function components(size: number, list: readonly [number, number][]): number[] {
  const label = new Array<number>(size).fill(-1)
  const neighbours = Array.from({ length: size }, () => [] as number[])
  for (const [a, b] of list) {
    neighbours[a]?.push(b)
    neighbours[b]?.push(a)
  }
  let next = 0
  for (let start = 0; start < size; start++) {
    if ((label[start] ?? -1) >= 0) continue
    const stack = [start]
    label[start] = next
    while (stack.length) {
      const k = stack.pop() ?? 0
      for (const n of neighbours[k] ?? []) {
        if ((label[n] ?? -1) < 0) {
          label[n] = next
          stack.push(n)
        }
      }
    }
    next++
  }
  return label
}

const graph = fc.integer({ min: 1, max: 30 }).chain((size) =>
  fc.record({
    size: fc.constant(size),
    pairs: fc.array(fc.tuple(fc.nat(size - 1), fc.nat(size - 1)), { maxLength: 60 }),
    decisions: fc.array(
      fc.record({
        first: fc.nat(size - 1),
        second: fc.nat(size - 1),
        kind: fc.constantFrom('same' as const, 'different' as const),
      }),
      { maxLength: 10 },
    ),
  }),
)

test('without decisions, identities are the connected components of the matched pairs', () => {
  fc.assert(
    fc.property(graph, ({ size, pairs }) => {
      const { identities } = clusterRecords(size, pairsOf(pairs))
      const reference = components(size, pairs)
      for (let a = 0; a < size; a++) {
        for (let b = 0; b < size; b++)
          assert.equal(identities[a] === identities[b], reference[a] === reference[b])
      }
    }),
  )
})

test('a "different" decision keeps two records apart, even through chains of matched pairs', () => {
  fc.assert(
    fc.property(graph, ({ size, pairs, decisions }) => {
      const { identities, conflictingLinks } = clusterRecords(size, pairsOf(pairs), decisions)
      for (const decision of decisions) {
        if (decision.kind === 'different' && decision.first !== decision.second) {
          assert.notEqual(identities[decision.first], identities[decision.second])
        }
      }
      // A "same" decision holds unless it contradicted a "different" one.
      for (const decision of decisions) {
        if (decision.kind === 'same' && !conflictingLinks.includes(decision)) {
          assert.equal(identities[decision.first], identities[decision.second])
        }
      }
    }),
  )
})

test('a split between two records refuses the weakest link of the chain that would join them', () => {
  // 0-1 and 1-2 matched, strongest first; the reviewer said 0 and 2 are different people.
  const split: LinkageDecision[] = [{ first: 0, second: 2, kind: 'different' }]
  const { identities, refused } = clusterRecords(
    3,
    pairsOf([
      [0, 1],
      [1, 2],
    ]),
    split,
  )
  assert.equal(identities[0], identities[1])
  assert.notEqual(identities[1], identities[2])
  assert.deepEqual([...refused], [0, 1])
})

test('a merge poorly supported by the records on both sides is refused by the cohesion check', () => {
  // Records 0, 1 are one person, 2, 3 another; only the 1-2 pair looks alike.
  const probability = (i: number, j: number) =>
    i < 2 === j < 2 || (i === 1 && j === 2) || (i === 2 && j === 1) ? 0.99 : 0.01
  const { identities } = clusterRecords(
    4,
    pairsOf([
      [0, 1],
      [2, 3],
      [1, 2],
    ]),
    [],
    { probability, minimum: 0.5 },
  )
  assert.equal(identities[0], identities[1])
  assert.equal(identities[2], identities[3])
  assert.notEqual(identities[0], identities[2])
})

test('identities are numbered 0, 1, 2 ... in order of their first record', () => {
  const { identities, identityCount } = clusterRecords(
    5,
    pairsOf([
      [3, 4],
      [1, 3],
    ]),
  )
  assert.deepEqual([...identities], [0, 1, 2, 1, 1])
  assert.equal(identityCount, 3)
})
