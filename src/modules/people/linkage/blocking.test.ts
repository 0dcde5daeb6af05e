import assert from 'node:assert/strict'
import { test } from 'node:test'
import { BLOCKING_RULES, buildBlocks, visitPairs } from './blocking.ts'
import { encodePeople } from './encode.ts'
import { fakePeople } from './fake-people.ts'
import type { PersonRecord } from './person-record.ts'

function allVisited(records: readonly PersonRecord[], budget?: number): [number, number][] {
  const blocks = buildBlocks(encodePeople(records), BLOCKING_RULES, budget)
  const pairs: [number, number][] = []
  blocks.forEach((block, r) => visitPairs(blocks, r, 0, block.kept.length, (i, j) => pairs.push([i, j])))
  return pairs
}

test('each pair any rule finds is visited exactly once, smaller record first', () => {
  const pairs = allVisited(fakePeople({ records: 2000, seed: 2 }))
  const keys = pairs.map(([i, j]) => i * 1_000_000 + j)
  assert.equal(new Set(keys).size, keys.length)
  assert.ok(pairs.every(([i, j]) => i < j))
  assert.ok(pairs.length > 1000)
})

test('records agreeing on date of birth and postcode are compared, whatever their names', () => {
  const a = {
    source: 's',
    recordId: '1',
    firstName: 'Ann',
    lastName: 'Lee',
    dateOfBirth: '1990-01-02',
    address: '',
    postcode: 'LS1 1AA',
  }
  const b = { ...a, recordId: '2', firstName: 'Zoe', lastName: 'Quist' }
  assert.deepEqual(allVisited([a, b]), [[0, 1]])
})

test('past its budget of pairs, a rule leaves out its largest blocks and says so', () => {
  const same = Array.from({ length: 100 }, (_, k) => ({
    source: 's',
    recordId: String(k),
    firstName: 'John',
    lastName: 'Smith',
    dateOfBirth: '',
    address: '',
    postcode: '',
  }))
  const blocks = buildBlocks(encodePeople(same), BLOCKING_RULES, 1000)
  const byName = blocks.find((block) => block.rule.name === 'first and last name')
  assert.equal(byName?.blocksLeftOut, 1)
  assert.equal(byName?.pairsLeftOut, (100 * 99) / 2)
  assert.equal(byName?.pairs, 0)
})
