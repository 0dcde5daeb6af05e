import assert from 'node:assert/strict'
import { test } from 'node:test'
import { evaluateRule } from './evaluate.ts'
import { validateRule } from './rule-definition.ts'
import { SHIPPED_RULE_DEFINITIONS } from './shipped-rules.ts'
import type { PersonTimeline, TimelineEvent } from './timeline.ts'

/** score.raisePriority: a hit whose RFG score reaches the mark takes the graver priority. */
const offence = (incidentId: number, date: string): TimelineEvent => ({
  incidentId,
  date,
  kind: 'crime',
  categoryCode: 'robbery',
  role: 'offender',
  flags: [],
  harmWeight: 1,
  lsoaCode: 'E01000002',
})

const offender = (events: TimelineEvent[]): PersonTimeline => ({
  personId: 1,
  dateOfBirth: '1990-01-01',
  homeLsoaCode: 'E01000002',
  events,
  household: [],
})

const rfgDefinition = () =>
  structuredClone(
    (SHIPPED_RULE_DEFINITIONS as Record<string, unknown>[]).find((d) => d.key === 'repeat-offender-rfg')!,
  )

const rfgRule = (raisePriority: unknown) => {
  const definition = rfgDefinition()
  const result = validateRule({
    ...definition,
    score: { ...(definition.score as object), cutOff: 0, raisePriority },
  })
  assert.ok(result.ok, JSON.stringify(result))
  return result.rule
}

test('a score at or over raisePriority.atLeast gives the hit the graver priority; under it, the rule’s own', () => {
  const rule = rfgRule({ atLeast: 20, priority: 'high' })
  const two = offender([offence(1, '2024-06-01'), offence(2, '2024-06-10')])
  const five = offender([1, 2, 3, 4, 5].map((n) => offence(n, `2024-06-0${n}`)))
  const low = evaluateRule(rule, two, '2024-06-30')!
  const high = evaluateRule(rule, five, '2024-06-30')!
  assert.ok(low.score!.total < 20 && high.score!.total >= 20, `${low.score!.total} / ${high.score!.total}`)
  assert.equal(low.priority, 'normal')
  assert.equal(high.priority, 'high')
})

test('raisePriority never lowers the rule’s priority', () => {
  const rule = rfgRule({ atLeast: 0, priority: 'low' })
  const hit = evaluateRule(rule, offender([offence(1, '2024-06-01'), offence(2, '2024-06-10')]), '2024-06-30')
  assert.equal(hit?.priority, 'normal')
})

test('a bad raisePriority is refused naming its fields', () => {
  const definition = rfgDefinition()
  const result = validateRule({
    ...definition,
    score: { ...(definition.score as object), raisePriority: { atLeast: -1, priority: 'soon', extra: 1 } },
  })
  assert.ok(!result.ok)
  assert.deepEqual(result.problems.map((p) => p.path).sort(), [
    'score.raisePriority.atLeast',
    'score.raisePriority.extra',
    'score.raisePriority.priority',
  ])
})
