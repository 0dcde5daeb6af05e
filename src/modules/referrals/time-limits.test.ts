import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ManualClock } from '../../clock.ts'
import { dueAtFor, dueDescription, isOverdue, SCREENING_DAYS, WORKING_DAYS } from './time-limits.ts'

const DAY = 24 * 60 * 60 * 1000

test('an urgent referral is due for screening a day after it is made, and overdue a moment after that', () => {
  const clock = new ManualClock('2026-03-02T09:00:00Z')
  const dueAt = dueAtFor('new', 'urgent', clock.now(), null)!
  assert.equal(dueAt.toISOString(), '2026-03-03T09:00:00.000Z')
  clock.advance(DAY)
  assert.equal(isOverdue({ status: 'new', dueAt }, clock.now()), false)
  clock.advance(1)
  assert.equal(isOverdue({ status: 'new', dueAt }, clock.now()), true)
  assert.equal(
    isOverdue({ status: 'closed', dueAt }, clock.now()),
    false,
    'a closed referral is never overdue',
  )
})

test('acceptance starts the working limit; assigning and starting keep it', () => {
  const start = new Date('2026-03-02T09:00:00Z')
  for (const priority of ['low', 'normal', 'high', 'urgent'] as const) {
    assert.equal(
      dueAtFor('new', priority, start, null)!.getTime() - start.getTime(),
      SCREENING_DAYS[priority] * DAY,
    )
    const working = dueAtFor('accepted', priority, start, null)!
    assert.equal(working.getTime() - start.getTime(), WORKING_DAYS[priority] * DAY)
    const later = new Date(start.getTime() + 3 * DAY)
    assert.equal(dueAtFor('assigned', priority, later, working), working)
    assert.equal(dueAtFor('in_progress', priority, later, working), working)
    assert.equal(dueAtFor('closed', priority, later, working), null)
  }
})

test('the due description says how long until, or how long overdue', () => {
  const now = new Date('2026-03-02T09:00:00Z')
  assert.equal(dueDescription(new Date(now.getTime() + 3 * DAY + 5000), now), 'due in 3 days')
  assert.equal(dueDescription(new Date(now.getTime() - 2 * 60 * 60 * 1000), now), '2 hours overdue')
  assert.equal(dueDescription(new Date(now.getTime() - DAY), now), '1 day overdue')
  assert.equal(dueDescription(null, now), '')
})
