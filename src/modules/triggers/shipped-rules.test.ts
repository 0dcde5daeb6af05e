import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { evaluateRule } from './evaluate.ts'
import { SHIPPED_RULE_DEFINITIONS, SHIPPED_RULES, shippedRule } from './shipped-rules.ts'
import { validateRule } from './rule-definition.ts'
import type { HouseholdMember, PersonTimeline, TimelineEvent } from './timeline.ts'

interface FixtureCase {
  name: string
  asOf: string
  expect: { fires: boolean; evidence?: number[]; score?: number }
  timeline: Record<string, unknown>
}

const fixtureUrl = (key: string) => new URL(`../../../test/fixtures/triggers/${key}.json`, import.meta.url)

function event(raw: Record<string, unknown>): TimelineEvent {
  return {
    categoryCode: 'other',
    flags: [],
    harmWeight: 1,
    lsoaCode: null,
    ...raw,
  } as unknown as TimelineEvent
}

/** A fixture timeline with the defaults the fixture files state in their "defaults" line. */
export function fixtureTimeline(raw: Record<string, unknown>): PersonTimeline {
  const household = ((raw.household ?? []) as Record<string, unknown>[]).map((member): HouseholdMember => ({
    ...(member as unknown as HouseholdMember),
    events: ((member.events ?? []) as Record<string, unknown>[]).map(event),
  }))
  return {
    personId: 1,
    homeLsoaCode: 'E01000001',
    dateOfBirth: null,
    ...raw,
    events: ((raw.events ?? []) as Record<string, unknown>[]).map(event),
    household,
  } as PersonTimeline
}

test('there are six shipped rules, each valid, with distinct keys, all at version 1', () => {
  assert.equal(SHIPPED_RULES.length, 6)
  assert.equal(new Set(SHIPPED_RULES.map((rule) => rule.key)).size, 6)
  for (const definition of SHIPPED_RULE_DEFINITIONS) assert.equal(validateRule(definition).ok, true)
  assert.ok(SHIPPED_RULES.every((rule) => rule.version === 1))
})

for (const rule of SHIPPED_RULES) {
  const fixture = JSON.parse(readFileSync(fixtureUrl(rule.key), 'utf8')) as {
    rule: string
    cases: FixtureCase[]
  }
  describe(`shipped rule ${rule.key}`, () => {
    test('its fixture names it and has cases that fire and cases that do not', () => {
      assert.equal(fixture.rule, rule.key)
      assert.ok(fixture.cases.some((item) => item.expect.fires))
      assert.ok(fixture.cases.some((item) => !item.expect.fires))
    })
    for (const item of fixture.cases) {
      test(item.name, () => {
        const hit = evaluateRule(shippedRule(rule.key), fixtureTimeline(item.timeline), item.asOf)
        if (!item.expect.fires) {
          assert.equal(hit, null, `expected no hit, got evidence ${JSON.stringify(hit?.evidence)}`)
          return
        }
        assert.ok(hit, 'expected the rule to fire')
        assert.equal(hit.ruleKey, rule.key)
        assert.equal(hit.ruleVersion, 1)
        assert.equal(hit.firedOn, item.asOf)
        if (item.expect.evidence) {
          assert.deepEqual(
            hit.evidence.map((evidence) => evidence.incidentId),
            item.expect.evidence,
          )
        }
        if (item.expect.score !== undefined) assert.equal(hit.score?.total, item.expect.score)
      })
    }
  })
}
