import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import {
  ACTION_KINDS,
  allowedActions,
  CLOSED_STATUSES,
  isStatus,
  OUTCOMES,
  REFERRAL_STATUSES,
  transition,
  type ActorCapacity,
  type ReferralAction,
  type ReferralStatus,
} from './workflow.ts'

const capacity = fc.record<ActorCapacity>({
  screener: fc.boolean(),
  worker: fc.boolean(),
  referrer: fc.boolean(),
})
const words = fc.oneof(
  fc.constant(''),
  fc.constant('   '),
  fc.string({ maxLength: 30 }),
  fc.string({ minLength: 4001, maxLength: 4100 }),
)
const action: fc.Arbitrary<ReferralAction> = fc.oneof(
  fc.record({ kind: fc.constant('accept' as const), note: words }),
  fc.record({ kind: fc.constant('decline' as const), reason: words }),
  fc.record({ kind: fc.constant('request-information' as const), question: words }),
  fc.record({ kind: fc.constant('supply-information' as const), text: words }),
  fc.record({ kind: fc.constant('assign' as const), userId: fc.oneof(fc.constant(''), fc.uuid()) }),
  fc.record({ kind: fc.constant('start' as const) }),
  fc.record({ kind: fc.constant('note' as const), text: words }),
  fc.record({ kind: fc.constant('action' as const), text: words }),
  fc.record({
    kind: fc.constant('close' as const),
    outcome: fc.oneof(fc.constantFrom(...OUTCOMES), fc.string()),
    note: words,
  }),
  fc.record({
    kind: fc.constant('refer-on' as const),
    reason: words,
    to: fc.oneof(fc.constant(''), fc.constant('team:x')),
  }),
)

test('random sequences of actions by random actors never reach an invalid state, and closed referrals stay closed', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(action, capacity), { maxLength: 40 }), (steps) => {
      let status: ReferralStatus = 'new'
      for (const [step, actor] of steps) {
        const result = transition(status, step, actor)
        if (CLOSED_STATUSES.includes(status))
          assert.equal(result.ok, false, `${step.kind} on a ${status} referral`)
        if (!result.ok) {
          assert.ok(result.field && result.message.length > 0)
          continue
        }
        assert.ok(isStatus(result.transition.to))
        assert.ok(
          allowedActions(status, actor).includes(step.kind),
          `${step.kind} succeeded but was not offered`,
        )
        if (result.transition.to === 'declined')
          assert.ok(step.kind === 'decline' && step.reason.trim().length > 0)
        if (result.transition.to === 'closed') assert.ok(result.transition.outcome !== null)
        status = result.transition.to
      }
    }),
    { numRuns: 2000 },
  )
})

test('declining needs a reason, whoever declines and from whichever status allows it', () => {
  for (const status of ['new', 'needs_information'] as const) {
    const refused = transition(
      status,
      { kind: 'decline', reason: ' ' },
      { screener: true, worker: true, referrer: true },
    )
    assert.deepEqual(refused, { ok: false, field: 'reason', message: 'Enter the reason for declining' })
    assert.equal(
      transition(
        status,
        { kind: 'decline', reason: 'Not for this service' },
        { screener: true, worker: false, referrer: false },
      ).ok,
      true,
    )
  }
})

test('only a screener of the receiving organisation screens; only the referrer answers a request for information', () => {
  const worker = { screener: false, worker: true, referrer: false }
  const referrer = { screener: false, worker: false, referrer: true }
  assert.equal(transition('new', { kind: 'accept' }, worker).ok, false)
  assert.equal(
    transition('needs_information', { kind: 'supply-information', text: 'the address' }, worker).ok,
    false,
  )
  const answered = transition(
    'needs_information',
    { kind: 'supply-information', text: 'the address' },
    referrer,
  )
  assert.ok(answered.ok && answered.transition.to === 'new')
})

test('closing by hand cannot claim "referred on": onward referral has its own action', () => {
  const everyone = { screener: true, worker: true, referrer: true }
  assert.equal(transition('in_progress', { kind: 'close', outcome: 'referred-on' }, everyone).ok, false)
  const onward = transition(
    'in_progress',
    { kind: 'refer-on', reason: 'Housing need', to: 'team:x' },
    everyone,
  )
  assert.ok(onward.ok && onward.transition.to === 'closed' && onward.transition.outcome === 'referred-on')
})

test('every status offers every actor only actions whose rules exist, and a closed referral offers none', () => {
  for (const status of REFERRAL_STATUSES) {
    const offered = allowedActions(status, { screener: true, worker: true, referrer: true })
    assert.ok(offered.every((kind) => ACTION_KINDS.includes(kind)))
    if (CLOSED_STATUSES.includes(status)) assert.deepEqual(offered, [])
  }
})
