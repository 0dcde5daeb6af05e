/**
 * What a trigger rule reads: one person's linked timeline, with the people they lived with and
 * when. The lead fills it from the data hub (person identities, involvements, households); rules
 * never read tables.
 */

export const EVENT_KINDS = [
  'crime',
  'anti-social-behaviour',
  'call-for-service',
  'missing-episode',
  'ae-assault',
] as const
export type EventKind = (typeof EVENT_KINDS)[number]

export const EVENT_ROLES = [
  'victim',
  'suspect',
  'offender',
  'witness',
  'reporting-person',
  'missing-person',
  'child-present',
  'other',
] as const
export type EventRole = (typeof EVENT_ROLES)[number]

/** Flags the data hub sets on an incident; a rule may only name these. */
export const EVENT_FLAGS = [
  'domestic-abuse',
  'substance-misuse',
  'mental-health',
  'child',
  'exploitation',
  'weapon',
  'hate',
] as const
export type EventFlag = (typeof EVENT_FLAGS)[number]

export interface TimelineEvent {
  incidentId: number
  /** YYYY-MM-DD, the date of the incident. */
  date: string
  kind: string
  categoryCode: string
  role: EventRole
  flags: readonly string[]
  harmWeight: number
  lsoaCode: string | null
}

export interface HouseholdMember {
  personId: number
  dateOfBirth: string | null
  /** The first and last days (YYYY-MM-DD, inclusive) the member lived with the person. */
  from: string
  to: string
  events: readonly TimelineEvent[]
}

export interface PersonTimeline {
  personId: number
  dateOfBirth: string | null
  homeLsoaCode: string | null
  events: readonly TimelineEvent[]
  household: readonly HouseholdMember[]
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** Days since 1970-01-01 of a YYYY-MM-DD date, or null when it is not a real calendar date. */
export function dayNumber(date: string): number | null {
  if (typeof date !== 'string') return null
  const match = ISO_DATE.exec(date)
  if (!match) return null
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const time = Date.UTC(year, month - 1, day)
  const back = new Date(time)
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day)
    return null
  return time / 86_400_000
}

export function dateOfDayNumber(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10)
}

/** The day number of a date that must be valid; the message names whose date it is. */
export function requireDay(date: string, whose: string): number {
  const day = dayNumber(date)
  if (day === null) throw new TimelineError(`${whose}: '${String(date)}' is not a date (expected YYYY-MM-DD)`)
  return day
}

/**
 * The day number of an event after checking its fields, so a malformed timeline stops its rule
 * with a message naming the incident and the field rather than a TypeError.
 */
export function checkedEventDay(event: TimelineEvent, whose: string): number {
  const where = `${whose}, incident ${String(event.incidentId)}`
  if (!Number.isInteger(event.incidentId))
    throw new TimelineError(`${where}: the incident id is not a whole number`)
  for (const field of ['kind', 'categoryCode', 'role'] as const) {
    if (typeof event[field] !== 'string') throw new TimelineError(`${where}: ${field} is not text`)
  }
  if (!Array.isArray(event.flags) || !event.flags.every((flag) => typeof flag === 'string')) {
    throw new TimelineError(`${where}: flags is not a list of words`)
  }
  if (typeof event.harmWeight !== 'number' || Number.isNaN(event.harmWeight)) {
    throw new TimelineError(`${where}: harmWeight is not a number`)
  }
  if (typeof event.date !== 'string') throw new TimelineError(`${where}: the date is not text`)
  return requireDay(event.date, where)
}

/**
 * Age in whole years on a date. Someone born on 29 February is taken to reach each new age on
 * 1 March in other years, as English law reads "the anniversary of birth".
 */
export function ageOn(dateOfBirth: string, date: string): number {
  const birth = ISO_DATE.exec(dateOfBirth)
  const on = ISO_DATE.exec(date)
  if (!birth || !on) throw new TimelineError(`cannot compute an age from '${dateOfBirth}' on '${date}'`)
  const years = Number(on[1]) - Number(birth[1])
  const beforeBirthday = on[2]! + on[3]! < birth[2]! + birth[3]!
  return beforeBirthday ? years - 1 : years
}

/** A timeline that cannot be read (a date that is not a date); the rule reading it is stopped. */
export class TimelineError extends Error {
  override name = 'TimelineError'
}
