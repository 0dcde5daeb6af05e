import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { SeededRandom } from './seeded-random.ts'
import { mistype, TYPO_KINDS } from './typos.ts'

/** Optimal string alignment distance, as in person-records.test.ts. */
function editDistance(s: string, t: string): number {
  const d = Array.from({ length: s.length + 1 }, (_, i) =>
    Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  )
  for (let i = 1; i <= s.length; i++)
    for (let j = 1; j <= t.length; j++) {
      d[i]![j] = Math.min(
        d[i - 1]![j]! + 1,
        d[i]![j - 1]! + 1,
        d[i - 1]![j - 1]! + (s[i - 1] === t[j - 1] ? 0 : 1),
      )
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1)
    }
  return d[s.length]![t.length]!
}

const name = fc
  .stringMatching(/^[A-Z][a-z]{1,11}(-[A-Z][a-z]{1,9})?$/)
  .chain((title) => fc.constantFrom(title, title.toUpperCase()))

describe('typos', () => {
  test('a typo is one edit away from the name, never the name itself, and keeps its capitals', () => {
    fc.assert(
      fc.property(name, fc.integer(), (original, seed) => {
        const { typed } = mistype(original, new SeededRandom(seed))
        assert.notEqual(typed.toLowerCase(), original.toLowerCase())
        assert.equal(editDistance(typed.toLowerCase(), original.toLowerCase()), 1)
        if (original === original.toUpperCase()) assert.equal(typed, typed.toUpperCase())
        else assert.match(typed[0]!, /[A-Z]/)
      }),
      { numRuns: 2_000 },
    )
  })

  test('all four kinds of slip occur, in roughly equal numbers', () => {
    const random = new SeededRandom(11)
    const counts = new Map<string, number>()
    for (let i = 0; i < 8_000; i++) {
      const { kind } = mistype('Elizabeth', random)
      counts.set(kind, (counts.get(kind) ?? 0) + 1)
    }
    for (const kind of TYPO_KINDS)
      assert.ok(Math.abs(counts.get(kind)! - 2_000) < 200, `${kind}: ${counts.get(kind)}`)
  })
})
