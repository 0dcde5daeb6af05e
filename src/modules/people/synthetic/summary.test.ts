import assert from 'node:assert/strict'
import { test } from 'node:test'
import { generatePersonRecords } from './person-records.ts'
import { PersonRecordsTally } from './summary.ts'

test('the summary counts what the records hold', () => {
  const records = [...generatePersonRecords({ records: 5_000, seed: 12 })]
  const tally = new PersonRecordsTally()
  for (const record of records) tally.add(record)
  const summary = tally.summary()
  const people = new Map(records.map(({ person }) => [person.id, person]))
  assert.equal(summary.records, 5_000)
  assert.equal(summary.people, people.size)
  const perPerson = [...people.keys()].map(
    (id) => records.filter(({ record }) => record.trueId === id).length,
  )
  assert.equal(
    summary.truePairs,
    perPerson.reduce((sum, count) => sum + (count * (count - 1)) / 2, 0),
  )
  const twins = [...people.values()].filter((person) => person.twinId !== null && people.has(person.twinId))
  assert.equal(summary.twinPairs, twins.length / 2)
  assert.equal(
    summary.recordsWithError['address-missing'],
    records.filter(({ record }) => record.address === '').length,
  )
  assert.equal(
    Object.values(summary.recordsBySource).reduce((a, b) => a + b, 0),
    5_000,
  )
  assert.equal(summary.recordsWithoutErrors, records.filter(({ errors }) => errors.length === 0).length)
})
