import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { evaluateRule, runRules } from './evaluate.ts'
import { validateRule, type TriggerRule } from './rule-definition.ts'
import { SHIPPED_RULES, shippedRule } from './shipped-rules.ts'
import type { PersonTimeline, TimelineEvent } from './timeline.ts'

const crime = (
  incidentId: number,
  date: string,
  role: TimelineEvent['role'],
  categoryCode = 'robbery',
): TimelineEvent => ({
  incidentId,
  date,
  kind: 'crime',
  categoryCode,
  role,
  flags: [],
  harmWeight: 1,
  lsoaCode: 'E01000002',
})

const person = (
  personId: number,
  events: TimelineEvent[],
  extra: Partial<PersonTimeline> = {},
): PersonTimeline => ({
  personId,
  dateOfBirth: '1990-01-01',
  homeLsoaCode: `E0100000${personId}`,
  events,
  household: [],
  ...extra,
})

test('a hit carries the rule version, the priority, the home area and each piece of evidence with whose it was', () => {
  const child: PersonTimeline = {
    personId: 7,
    dateOfBirth: '2015-03-03',
    homeLsoaCode: 'E01033333',
    events: [],
    household: [
      {
        personId: 8,
        dateOfBirth: '1987-01-01',
        from: '2015-03-03',
        to: '2099-12-31',
        events: [{ ...crime(900, '2024-02-02', 'suspect', 'violent-crime'), flags: ['domestic-abuse'] }],
      },
    ],
  }
  const hit = evaluateRule(shippedRule('domestic-abuse-in-household'), child, '2024-06-30')
  assert.ok(hit)
  assert.equal(hit.personId, 7)
  assert.equal(hit.ruleVersion, 1)
  assert.equal(hit.priority, 'high')
  assert.equal(hit.lsoaCode, 'E01033333')
  assert.deepEqual(
    hit.evidence.map(({ incidentId, date, personId }) => ({ incidentId, date, personId })),
    [{ incidentId: 900, date: '2024-02-02', personId: 8 }],
  )
  assert.match(
    hit.evidence[0]!.why,
    /an adult of the household \(person 8, aged 37\) as suspect, flagged domestic-abuse; the person was 8/,
  )
})

test('a household member without a date of birth is neither child nor adult, so their events do not count', () => {
  const child: PersonTimeline = {
    ...person(7, []),
    dateOfBirth: '2015-03-03',
    household: [
      {
        personId: 8,
        dateOfBirth: null,
        from: '2015-03-03',
        to: '2099-12-31',
        events: [{ ...crime(900, '2024-02-02', 'suspect'), flags: ['domestic-abuse'] }],
      },
    ],
  }
  assert.equal(evaluateRule(shippedRule('domestic-abuse-in-household'), child, '2024-06-30'), null)
})

test('a rule that fails on a timeline is stopped and reported, and the other rules carry on', () => {
  const victim = person(1, [
    crime(10, '2024-05-01', 'victim'),
    crime(11, '2024-05-02', 'victim'),
    crime(12, '2024-05-03', 'victim'),
  ])
  // A household member's incident with a date that is not a date: only rules reading households meet it.
  const unreadable: PersonTimeline = {
    ...person(2, [], { dateOfBirth: '2015-01-01' }),
    household: [
      {
        personId: 5,
        dateOfBirth: '1980-01-01',
        from: '2015-01-01',
        to: '2099-01-01',
        events: [crime(20, '2024-13-01', 'suspect')],
      },
    ],
  }
  const child = person(3, [{ ...crime(30, '2024-06-01', 'child-present'), flags: ['domestic-abuse'] }], {
    dateOfBirth: '2016-01-01',
  })
  const run = runRules(
    [shippedRule('domestic-abuse-in-household'), shippedRule('repeat-victim')],
    [child, unreadable, victim],
    '2024-06-30',
  )
  assert.deepEqual(run.stopped, [
    {
      ruleKey: 'domestic-abuse-in-household',
      ruleVersion: 1,
      personId: 2,
      message: "person 2, household member 5, incident 20: '2024-13-01' is not a date (expected YYYY-MM-DD)",
    },
  ])
  // The household rule had found person 3 before it failed, but a half-run rule keeps no hits.
  assert.deepEqual(
    run.hits.map((hit) => [hit.ruleKey, hit.personId]),
    [['repeat-victim', 1]],
  )
})

test('a rule that throws for a reason of its own is stopped while the rule after it still gives its hits', () => {
  const victim = person(1, [
    crime(10, '2024-05-01', 'victim'),
    crime(11, '2024-05-02', 'victim'),
    crime(12, '2024-05-03', 'victim'),
  ])
  const faulty = {
    ...shippedRule('repeat-offender-rfg'),
    score: { method: 'rfg', cutOff: 0, rank: true, scheme: null },
  } as unknown as TriggerRule
  const offender = person(3, [crime(30, '2024-06-01', 'suspect'), crime(31, '2024-06-02', 'suspect')])
  const run = runRules([faulty, shippedRule('repeat-victim')], [victim, offender], '2024-06-30')
  assert.equal(run.stopped.length, 1)
  assert.equal(run.stopped[0]!.ruleKey, 'repeat-offender-rfg')
  assert.equal(run.stopped[0]!.personId, 3)
  assert.deepEqual(
    run.hits.map((hit) => [hit.ruleKey, hit.personId]),
    [['repeat-victim', 1]],
  )
})

test('hits of a ranked rule come highest score first, equal scores sharing a place', () => {
  const offender = (personId: number, categoryCode: string) =>
    person(personId, [
      crime(personId * 10, '2024-06-25', 'suspect', categoryCode),
      crime(personId * 10 + 1, '2024-06-26', 'suspect', categoryCode),
    ])
  const timelines = [
    offender(1, 'shoplifting'),
    offender(2, 'robbery'),
    offender(3, 'burglary'),
    offender(4, 'robbery'),
  ]
  const run = runRules([shippedRule('repeat-offender-rfg')], timelines, '2024-06-30')
  // robbery 5 + 4 + 8 = 17, burglary 5 + 4 + 6 = 15, shoplifting 5 + 4 + 2 = 11 (below 12)
  assert.deepEqual(
    run.hits.map((hit) => [hit.personId, hit.score?.total, hit.rank]),
    [
      [2, 17, 1],
      [4, 17, 1],
      [3, 15, 3],
    ],
  )
})

test('counting events rather than incidents counts each record', () => {
  const result = validateRule({
    ...structuredClone(shippedRule('repeat-victim')),
    key: 'repeat-victim-records',
    threshold: { atLeast: 3, count: 'events' },
  })
  assert.ok(result.ok)
  const twice = person(1, [
    crime(10, '2024-05-01', 'victim'),
    crime(10, '2024-05-01', 'victim'),
    crime(11, '2024-05-03', 'victim'),
  ])
  assert.ok(evaluateRule(result.rule, twice, '2024-06-30'))
  assert.equal(evaluateRule(shippedRule('repeat-victim'), twice, '2024-06-30'), null)
})

test('timelines with broken fields never crash a run: every rule either runs or is stopped with a reason', () => {
  const date = fc.oneof(
    fc
      .date({ min: new Date('2023-01-01'), max: new Date('2024-12-31'), noInvalidDate: true })
      .map((day) => day.toISOString().slice(0, 10)),
    fc.constantFrom('2024-02-30', '2024-13-01', '', '30/06/2024', '2024-6-1'),
    fc.string(),
  )
  const junk = fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.integer(),
    fc.string(),
    fc.array(fc.string()),
  )
  const event = fc.record({
    incidentId: fc.oneof(fc.integer({ min: 1, max: 20 }), junk),
    date,
    kind: fc.oneof(fc.constantFrom('crime', 'missing-episode', 'call-for-service'), junk),
    categoryCode: fc.oneof(fc.constantFrom('robbery', 'drugs'), junk),
    role: fc.oneof(fc.constantFrom('victim', 'suspect', 'missing-person', 'child-present'), junk),
    flags: fc.oneof(fc.subarray(['domestic-abuse', 'mental-health']), junk),
    harmWeight: fc.oneof(fc.double(), junk),
    lsoaCode: fc.constant(null),
  })
  const timeline = fc.record({
    personId: fc.integer({ min: 1, max: 50 }),
    dateOfBirth: fc.oneof(fc.constant(null), date),
    homeLsoaCode: fc.constant('E01000001'),
    events: fc.array(event, { maxLength: 6 }),
    household: fc.array(
      fc.record({
        personId: fc.integer({ min: 51, max: 99 }),
        dateOfBirth: fc.oneof(fc.constant(null), date),
        from: date,
        to: date,
        events: fc.array(event, { maxLength: 4 }),
      }),
      { maxLength: 2 },
    ),
  })
  fc.assert(
    fc.property(fc.array(timeline, { maxLength: 4 }), (timelines) => {
      const run = runRules(SHIPPED_RULES, timelines as unknown as PersonTimeline[], '2024-06-30')
      const stopped = new Set(run.stopped.map((entry) => entry.ruleKey))
      assert.equal(stopped.size, run.stopped.length, 'a rule is stopped once')
      for (const entry of run.stopped) {
        assert.match(
          entry.message,
          /^(person \d+|the date of the run)/,
          'the message names whose timeline failed',
        )
      }
      for (const hit of run.hits) assert.ok(!stopped.has(hit.ruleKey))
    }),
    { numRuns: 500 },
  )
})
