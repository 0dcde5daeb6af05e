import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { evaluateRule } from './evaluate.ts'
import { dryRun, firstFiring } from './dry-run.ts'
import { SHIPPED_RULES, shippedRule } from './shipped-rules.ts'
import { dateOfDayNumber, dayNumber, type PersonTimeline, type TimelineEvent } from './timeline.ts'

const missing = (incidentId: number, date: string): TimelineEvent => ({
  incidentId,
  date,
  kind: 'missing-episode',
  categoryCode: 'medium-risk',
  role: 'missing-person',
  flags: [],
  harmWeight: 1,
  lsoaCode: null,
})

const child = (personId: number, homeLsoaCode: string | null, dates: string[]): PersonTimeline => ({
  personId,
  dateOfBirth: '2010-01-01',
  homeLsoaCode,
  events: dates.map((date, index) => missing(personId * 100 + index, date)),
  household: [],
})

test('a dry run counts each person once, by home area and by the month the rule first fired', () => {
  const timelines = [
    child(1, 'E01000001', [
      '2024-01-05',
      '2024-01-20',
      '2024-02-03',
      '2024-05-01',
      '2024-05-02',
      '2024-05-03',
    ]),
    child(2, 'E01000001', ['2024-03-01', '2024-03-02', '2024-03-30']),
    child(3, 'E01000002', ['2024-02-10', '2024-02-11', '2024-02-12']),
    child(4, null, ['2024-02-10', '2024-02-11']),
    child(5, 'E01000002', ['2023-12-01', '2023-12-02', '2023-12-03']),
  ]
  const result = dryRun(shippedRule('repeat-missing'), timelines, '2024-01-01', '2024-06-30')
  assert.equal(result.peopleFlagged, 4)
  assert.deepEqual(result.byArea, [
    { lsoaCode: 'E01000001', people: 2 },
    { lsoaCode: 'E01000002', people: 2 },
  ])
  // person 5's episodes of December 2023 still make three in the window on 1 January 2024.
  assert.deepEqual(result.byMonth, [
    { month: '2024-01', people: 1 },
    { month: '2024-02', people: 2 },
    { month: '2024-03', people: 1 },
  ])
  assert.deepEqual(result.byAreaAndMonth, [
    { month: '2024-01', lsoaCode: 'E01000002', people: 1 },
    { month: '2024-02', lsoaCode: 'E01000001', people: 1 },
    { month: '2024-02', lsoaCode: 'E01000002', people: 1 },
    { month: '2024-03', lsoaCode: 'E01000001', people: 1 },
  ])
  assert.equal(result.stopped, null)
})

test('a dry run that meets an unreadable timeline is stopped with the person and the reason', () => {
  const result = dryRun(
    shippedRule('repeat-missing'),
    [child(1, null, ['2024-02-30'])],
    '2024-01-01',
    '2024-06-30',
  )
  assert.equal(result.peopleFlagged, 0)
  assert.deepEqual(result.stopped, {
    personId: 1,
    message: "person 1, incident 100: '2024-02-30' is not a date (expected YYYY-MM-DD)",
  })
})

test('a dry run that ends before it starts is refused', () => {
  assert.throws(
    () => dryRun(shippedRule('repeat-missing'), [], '2024-06-30', '2024-01-01'),
    /ends \(2024-01-01\) before it starts/,
  )
})

test('the first firing found from event days is the first day a day-by-day search finds', () => {
  const start = dayNumber('2024-01-01')!
  const eventArbitrary = fc.record({
    incidentId: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: -120, max: 200 }),
    kind: fc.constantFrom('crime', 'missing-episode', 'call-for-service'),
    categoryCode: fc.constantFrom('robbery', 'shoplifting', 'drugs'),
    role: fc.constantFrom('victim', 'suspect', 'offender', 'missing-person', 'child-present', 'other'),
    flags: fc.subarray(['domestic-abuse', 'substance-misuse', 'mental-health']),
  })
  type EventShape = typeof eventArbitrary extends fc.Arbitrary<infer T> ? T : never
  const toEvent = (raw: EventShape): TimelineEvent => ({
    incidentId: raw.incidentId,
    date: dateOfDayNumber(start + raw.day),
    kind: raw.kind,
    categoryCode: raw.categoryCode,
    role: raw.role,
    flags: raw.flags,
    harmWeight: 1,
    lsoaCode: null,
  })
  const timelineArbitrary = fc.record({
    birthDay: fc.integer({ min: -7000, max: 0 }),
    events: fc.array(eventArbitrary, { maxLength: 8 }),
    memberEvents: fc.array(eventArbitrary, { maxLength: 6 }),
    memberBirthDay: fc.integer({ min: -15000, max: -3000 }),
    memberFrom: fc.integer({ min: -200, max: 100 }),
  })
  fc.assert(
    fc.property(timelineArbitrary, fc.constantFrom(...SHIPPED_RULES), (raw, rule) => {
      const timeline: PersonTimeline = {
        personId: 1,
        dateOfBirth: dateOfDayNumber(start + raw.birthDay),
        homeLsoaCode: null,
        events: raw.events.map(toEvent),
        household: [
          {
            personId: 2,
            dateOfBirth: dateOfDayNumber(start + raw.memberBirthDay),
            from: dateOfDayNumber(start + raw.memberFrom),
            to: dateOfDayNumber(start + raw.memberFrom + 150),
            events: raw.memberEvents.map(toEvent),
          },
        ],
      }
      const from = '2024-01-01'
      const to = dateOfDayNumber(start + 150)
      let expected: string | null = null
      for (let day = start; day <= start + 150 && expected === null; day++) {
        if (evaluateRule(rule, timeline, dateOfDayNumber(day))) expected = dateOfDayNumber(day)
      }
      assert.equal(firstFiring(rule, timeline, from, to), expected)
    }),
    { numRuns: 300 },
  )
})
