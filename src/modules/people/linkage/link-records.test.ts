import assert from 'node:assert/strict'
import { test } from 'node:test'
import { pairwiseScores } from './evaluate.ts'
import { fakePeople, type FakePerson } from './fake-people.ts'
import { linkRecords, type LinkResult } from './link-records.ts'
import type { PersonRecord } from './person-record.ts'

const truthOf = (people: readonly FakePerson[]) => {
  const numbers = new Map<string, number>()
  return people.map((person) => {
    if (!numbers.has(person.trueId)) numbers.set(person.trueId, numbers.size)
    return numbers.get(person.trueId) ?? 0
  })
}

/** The explanation of pair (a, b), whether it was matched or sent to review. */
function explanationOf(result: LinkResult, a: number, b: number) {
  for (let k = 0; k < result.matches.count; k++) {
    const [x, y] = [result.matches.first[k], result.matches.second[k]]
    if ((x === a && y === b) || (x === b && y === a)) return result.explainMatch(k)
  }
  return result.review.find(
    (pair) => (pair.first === a && pair.second === b) || (pair.first === b && pair.second === a),
  )
}

const person = (
  recordId: string,
  firstName: string,
  lastName: string,
  dateOfBirth: string,
  address: string,
  postcode: string,
): PersonRecord => ({
  source: 'test',
  recordId,
  firstName,
  lastName,
  dateOfBirth,
  address,
  postcode,
})

test('made-up records with clerks’ errors are linked with pairwise F1 of at least 0.95', async () => {
  const people = fakePeople({ records: 8000, seed: 3 })
  const result = await linkRecords(people)
  const scores = pairwiseScores(result.identities, truthOf(people))
  assert.ok(scores.f1 >= 0.95, `F1 ${scores.f1} (precision ${scores.precision}, recall ${scores.recall})`)
})

test('a nickname and a transposed date of birth are found and explained field by field', async () => {
  const background = fakePeople({ records: 3000, seed: 5 })
  const william = person('w1', 'William', 'Hargreaves', '1984-03-07', '14 Mill Lane', 'HX1 2QT')
  const bill = person('w2', 'Bill', 'HARGREAVES', '07/03/1984', '14 mill lane', 'hx12qt')
  const records = [...background, william, bill]
  const result = await linkRecords(records)
  const [a, b] = [records.length - 2, records.length - 1]
  assert.equal(result.identities[a], result.identities[b])
  const explanation = explanationOf(result, a, b)
  assert.ok(explanation)
  const level = (name: string) => explanation.fields.find((field) => field.comparison === name)
  assert.equal(level('first name')?.level, 'nickname match')
  assert.equal(level('date of birth')?.level, 'exact match')
  assert.ok((level('first name')?.weight ?? 0) > 0)
  assert.ok(explanation.probability >= 0.9)
})

test('a split decision keeps two matching records in different identities, and a third on one side', async () => {
  const background = fakePeople({ records: 2000, seed: 6 })
  const twins = [
    person('t1', 'Zara', 'Okonkwo', '2001-05-17', '3 Castle Hill', 'YO1 7HH'),
    person('t2', 'Zara', 'Okonkwo', '2001-05-17', '3 Castle Hill', 'YO1 7HH'),
    person('t3', 'Zara', 'Okonkwo', '2001-05-17', '', 'YO1 7HH'),
  ]
  const records = [...background, ...twins]
  const [first, second, third] = [records.length - 3, records.length - 2, records.length - 1]
  const unaided = await linkRecords(records)
  assert.equal(unaided.identities[first], unaided.identities[second])
  const decided = await linkRecords(records, { decisions: [{ first, second, kind: 'different' }] })
  assert.notEqual(decided.identities[first], decided.identities[second])
  assert.ok(
    decided.identities[third] === decided.identities[first] ||
      decided.identities[third] === decided.identities[second],
  )
  const joined = await linkRecords(records, { decisions: [{ first: 0, second: first, kind: 'same' }] })
  assert.equal(joined.identities[0], joined.identities[first])
})

test('pairs between the review band and the threshold go to review with their explanation', async () => {
  const result = await linkRecords(fakePeople({ records: 3000, seed: 8 }), {
    threshold: 0.99,
    reviewBand: 0.2,
  })
  assert.ok(result.review.length > 0)
  for (const pair of result.review) {
    assert.ok(pair.probability >= 0.2 && pair.probability < 0.99)
    assert.equal(pair.fields.length, 4)
    const total = result.model.prior / (1 - result.model.prior)
    const weight = Math.log2(total) + pair.fields.reduce((sum, field) => sum + field.weight, 0)
    assert.ok(Math.abs(weight - pair.weight) < 1e-9)
  }
})

test('two threads give the same identities as one', async () => {
  const people = fakePeople({ records: 6000, seed: 9 })
  const one = await linkRecords(people, { threads: 1 })
  const two = await linkRecords(people, { threads: 2 })
  assert.deepEqual([...two.identities], [...one.identities])
  assert.equal(two.comparedPairs, one.comparedPairs)
})

test('no records, one record, and records with nothing in them give identities without failing', async () => {
  assert.equal((await linkRecords([])).identities.length, 0)
  assert.deepEqual([...(await linkRecords([person('1', 'A', 'B', '', '', '')])).identities], [0])
  const empty = Array.from({ length: 50 }, (_, k) => person(String(k), '', '', '', '', ''))
  assert.equal((await linkRecords(empty)).identityCount, 50)
})

test('options out of range are refused, naming the option', async () => {
  await assert.rejects(linkRecords([], { threshold: 1.5 }), /threshold must be a probability/)
  await assert.rejects(linkRecords([], { threshold: 0.5, reviewBand: 0.9 }), /reviewBand/)
  await assert.rejects(linkRecords([], { threads: 0 }), /threads must be a whole number/)
})

test('a cancelled run stops with the signal’s reason', async () => {
  const controller = new AbortController()
  controller.abort()
  await assert.rejects(linkRecords(fakePeople({ records: 100 }), { signal: controller.signal }), {
    name: 'AbortError',
  })
})

test('twins and a father and son of one name, at one address, stay apart; each one’s records join', async () => {
  const background = fakePeople({ records: 6000, seed: 10 })
  const household = [
    person('h1', 'Noah', 'Farrowdale', '2010-11-01', '3 Chestnut Close', 'CV11 1YQ'),
    person('h2', 'Noah', 'FARROWDALE', '01/11/2010', '3 chestnut close', 'CV111YQ'),
    person('h3', 'Emily', 'Farrowdale', '2010-11-01', '3 Chestnut Close', 'CV11 1YQ'),
    person('h4', 'Emily', 'Farrowdale', '2010-11-01', '3 Chestnut Cl', 'CV11 1YQ'),
    person('h5', 'Terence', 'Farrowdale', '1968-01-05', '3 Chestnut Close', 'CV11 1YQ'),
    person('h6', 'Terence', 'Farrowdale', '1995-09-20', '3 Chestnut Close', 'CV11 1YQ'),
  ]
  const records = [...background, ...household]
  const at = (k: number) => records.length - household.length + k
  const { identities } = await linkRecords(records)
  const identity = (k: number) => identities[at(k)]
  assert.equal(identity(0), identity(1), 'Noah’s two records')
  assert.equal(identity(2), identity(3), 'Emily’s two records')
  assert.notEqual(identity(0), identity(2), 'the twins')
  assert.notEqual(identity(4), identity(5), 'father and son')
  assert.notEqual(identity(4), identity(0))
})
