/**
 * Time limits of a subject access request. The month runs from the day the request is received
 * to the corresponding calendar date of the next month, or the last day of that month when it
 * has no such date (31 January → 28 or 29 February), as the ICO's guidance counts it. An
 * extension may add up to two further months (UK GDPR Art 12(3)); its reason is logged.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** The date as given when it is a real calendar date in YYYY-MM-DD form, else null. */
export function calendarDate(text: string): string | null {
  const match = ISO_DATE.exec(text)
  if (!match) return null
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const date = new Date(Date.UTC(year, month - 1, day))
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return null
  return year < 1000 ? null : text
}

/** The corresponding date `months` calendar months after `date` (YYYY-MM-DD), clamped to the month's last day. */
export function addCalendarMonths(date: string, months: number): string {
  const match = ISO_DATE.exec(date)
  if (!match) throw new Error(`'${date}' is not a date (expected YYYY-MM-DD)`)
  const [year, month, day] = [Number(match[1]), Number(match[2]) - 1 + months, Number(match[3])]
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  return new Date(Date.UTC(year, month, Math.min(day, lastDay))).toISOString().slice(0, 10)
}

export const dueDateOf = (receivedOn: string) => addCalendarMonths(receivedOn, 1)

/** The latest a request may be extended to: two further months after the first. */
export const latestExtendedDueDate = (receivedOn: string) => addCalendarMonths(receivedOn, 3)
