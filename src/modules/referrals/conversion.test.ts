import assert from 'node:assert/strict'
import fs from 'node:fs'
import { test } from 'node:test'
import { conversionByRule, wilsonInterval, type RuleReferral } from './conversion.ts'

const fixture = JSON.parse(
  fs.readFileSync(new URL('../../../test/fixtures/referrals/wilson-interval.json', import.meta.url), 'utf8'),
) as {
  cases: { accepted: number; screened: number; lower: number; upper: number }[]
}

test('the accepted share interval matches R prop.test (Wilson, no continuity correction) to 1e-12', () => {
  assert.ok(fixture.cases.length >= 8)
  for (const { accepted, screened, lower, upper } of fixture.cases) {
    const [low, high] = wilsonInterval(accepted, screened)!
    assert.ok(Math.abs(low - lower) < 1e-12, `${accepted}/${screened} lower ${low} vs ${lower}`)
    assert.ok(Math.abs(high - upper) < 1e-12, `${accepted}/${screened} upper ${high} vs ${upper}`)
  }
  assert.equal(wilsonInterval(0, 0), null)
})

test('conversion counts per rule version: raised, screened, accepted share and outcomes', () => {
  const referral = (
    ruleVersion: number,
    status: RuleReferral['status'],
    accepted: boolean,
    screened: boolean,
    outcome: RuleReferral['outcome'] = null,
  ): RuleReferral => ({ ruleKey: 'repeat-victim', ruleVersion, status, accepted, screened, outcome })
  const rules = conversionByRule([
    referral(1, 'declined', false, true),
    referral(1, 'declined', false, true),
    referral(1, 'closed', true, true, 'support-provided'),
    referral(1, 'new', false, false),
    referral(2, 'closed', true, true, 'support-refused'),
    referral(2, 'in_progress', true, true),
  ])
  assert.equal(rules.length, 2)
  const [first, second] = rules
  assert.deepEqual(
    [first!.raised, first!.screened, first!.accepted, first!.declined, first!.open],
    [4, 3, 1, 2, 1],
  )
  assert.equal(first!.acceptedShare, 1 / 3)
  assert.equal(first!.outcomes['support-provided'], 1)
  assert.deepEqual(
    [second!.ruleVersion, second!.acceptedShare, second!.outcomes['support-refused']],
    [2, 1, 1],
  )
})
