import assert from 'node:assert/strict'
import { test } from 'node:test'
import { addCalendarMonths, calendarDate, dueDateOf, latestExtendedDueDate } from './due-date.ts'

test('a request received on the 3rd is due on the 3rd of the next month', () => {
  assert.equal(dueDateOf('2026-03-03'), '2026-04-03')
})

test('a request received on 31 January is due on the last day of February', () => {
  assert.equal(dueDateOf('2026-01-31'), '2026-02-28')
  assert.equal(dueDateOf('2028-01-31'), '2028-02-29')
})

test('a request received in December is due in January of the next year', () => {
  assert.equal(dueDateOf('2026-12-15'), '2027-01-15')
})

test('an extension may reach two further months after the first', () => {
  assert.equal(latestExtendedDueDate('2026-11-30'), '2027-02-28')
  assert.equal(addCalendarMonths('2026-05-31', 3), '2026-08-31')
})

test('only real calendar dates are dates', () => {
  assert.equal(calendarDate('2026-02-29'), null)
  assert.equal(calendarDate('2026-2-1'), null)
  assert.equal(calendarDate('2028-02-29'), '2028-02-29')
})
