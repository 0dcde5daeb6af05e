import { dayNumber } from '../method.ts'

/**
 * The checks of one value of a points file, shared by the CSV, police.uk and GeoJSON readers.
 * Each returns the value, or a string saying why the text is not one.
 */

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?Z?$/
const MONTH = /^(\d{4})-(\d{2})$/

const quoted = (text: string) => `'${text.length > 40 ? `${text.slice(0, 40)}…` : text}'`

/**
 * A decimal number in plain notation (no exponent, hex or 'Infinity'), within [minimum, maximum].
 * A number already read as one (a JSON number) is only checked against the range.
 */
function decimal(given: string | number, what: string, minimum: number, maximum: number): number | string {
  if (typeof given === 'string' && !DECIMAL.test(given))
    return `${quoted(given)} is not a decimal number (the ${what})`
  const value = Number(given)
  if (!Number.isFinite(value)) return `${quoted(String(given))} is not a decimal number (the ${what})`
  if (value < minimum || value > maximum)
    return `the ${what} ${String(given)} is outside ${minimum} to ${maximum}`
  return value
}

export const parseLongitude = (given: string | number) => decimal(given, 'longitude', -180, 180)
export const parseLatitude = (given: string | number) => decimal(given, 'latitude', -90, 90)

/** An empty weight is 1 (no weighting); otherwise a number of at least 0. */
export function parseWeight(given: string | number): number | string {
  if (given === '') return 1
  return decimal(given, 'weight', 0, Number.MAX_VALUE)
}

function calendarDay(year: number, month: number, day: number): number | null {
  const days = dayNumber(year, month, day)
  const date = new Date(days * 86_400_000)
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  return real ? days : null
}

/**
 * A date (YYYY-MM-DD) or date and time (YYYY-MM-DDTHH:MM[:SS][Z]) as whole days since
 * 1970-01-01. The day is the date as written: a time without Z is taken as the same day.
 */
export function parseDay(text: string): number | string {
  const match = DATE.exec(text) ?? DATETIME.exec(text)
  const problem = `${quoted(text)} is not a date: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z]`
  if (!match) return problem
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const [hour, minute, second] = [Number(match[4] ?? 0), Number(match[5] ?? 0), Number(match[6] ?? 0)]
  if (hour > 23 || minute > 59 || second > 59) return `${quoted(text)} is not a time of day`
  const days = calendarDay(year, month, day)
  return days ?? `${quoted(text)} is not a day of the calendar`
}

/** A police.uk month (YYYY-MM) as the day number of its first day. */
export function parseMonth(text: string): number | string {
  const match = MONTH.exec(text)
  const month = match ? Number(match[2]) : 0
  if (!match || month < 1 || month > 12) return `${quoted(text)} is not a month: expected YYYY-MM`
  return dayNumber(Number(match[1]), month, 1)
}
