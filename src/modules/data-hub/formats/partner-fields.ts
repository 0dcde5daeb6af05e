import type { Rejection } from './import-format.ts'
import { UNKNOWN_CATEGORY } from './police-uk-street.ts'
import { h3Cells, LSOA_CODE, parseUkPoint } from './uk-fields.ts'

/**
 * The field readers the partner formats (calls for service, A&E assault attendances, missing
 * episodes) share. Each returns the value or a rejection naming the column and why.
 */

/** A failed field is a rejected row as it stands: `if (!field.ok) return field`. */
export type Field<T> = { ok: true; value: T } | { ok: false; rejection: Rejection }

function ok<T>(value: T): Field<T> {
  return { ok: true, value }
}

function bad<T>(column: string, value: string, reason: string): Field<T> {
  return { ok: false, rejection: { column, value, reason } }
}

/** One string a column, as a tuple: the fields of a row of a format with these columns. */
export type FieldsOf<Columns extends readonly string[]> = { -readonly [Index in keyof Columns]: string }

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})?)?$/

export interface PartnerDateTime {
  /** The instant, or null when only a date was given. */
  instant: Date | null
  /** The date as written ('2023-04-30'), in the writer's local time. */
  date: string
  /** The first day of the month as written: '2023-04-01'. */
  month: string
}

/**
 * Reads 'YYYY-MM-DDTHH:MM[:SS]' with an optional 'Z' or '+01:00'; without an offset the time is
 * UK local time (GMT in winter, BST in summer). With allowDateOnly, 'YYYY-MM-DD' alone is a date
 * whose time is not known. The month is the one written, so a call at 00:30 BST on 1 May is May's.
 */
export function parseDateTime(
  column: string,
  text: string,
  { allowDateOnly = false }: { allowDateOnly?: boolean } = {},
): Field<PartnerDateTime> {
  const expected = allowDateOnly ? 'YYYY-MM-DD or YYYY-MM-DDTHH:MM' : 'YYYY-MM-DDTHH:MM'
  const match = DATE_TIME.exec(text)
  if (!match) return bad(column, text, `the value is not a date and time (expected ${expected})`)
  const [, year, month, day, hour, minute, second, offset] = match as unknown as [
    string,
    string,
    string,
    string,
    string | undefined,
    string | undefined,
    string | undefined,
    string | undefined,
  ]
  const y = Number(year)
  const m = Number(month)
  const d = Number(day)
  const calendar = new Date(Date.UTC(y, m - 1, d))
  if (y < 1900 || m < 1 || m > 12 || calendar.getUTCMonth() !== m - 1 || calendar.getUTCDate() !== d) {
    return bad(column, text, `${year}-${month}-${day} is not a date in the calendar`)
  }
  const date = `${year}-${month}-${day}`
  const monthStart = `${year}-${month}-01`
  if (hour === undefined) {
    if (!allowDateOnly) return bad(column, text, `the time is missing (expected ${expected})`)
    return ok({ instant: null, date, month: monthStart })
  }
  const h = Number(hour)
  const min = Number(minute)
  const s = second === undefined ? 0 : Number(second)
  if (h > 23 || min > 59 || s > 59) return bad(column, text, `${hour}:${minute} is not a time of day`)
  const asWritten = Date.UTC(y, m - 1, d, h, min, s)
  let instant: number
  if (offset === undefined) instant = ukLocalToInstant(asWritten)
  else if (offset === 'Z') instant = asWritten
  else {
    const sign = offset.startsWith('-') ? -1 : 1
    const offsetHours = Number(offset.slice(1, 3))
    const offsetMinutes = Number(offset.slice(4, 6))
    if (offsetHours > 14 || offsetMinutes > 59)
      return bad(column, text, `${offset} is not a time zone offset`)
    instant = asWritten - sign * (offsetHours * 60 + offsetMinutes) * 60_000
  }
  return ok({ instant: new Date(instant), date, month: monthStart })
}

/** The last Sunday of a month (0-based), 01:00 UTC: when UK clocks change (the rule since 1996). */
function lastSundayAtOneUtc(year: number, monthIndex: number): number {
  const lastDay = new Date(Date.UTC(year, monthIndex + 1, 0))
  return Date.UTC(year, monthIndex, lastDay.getUTCDate() - lastDay.getUTCDay(), 1)
}

/**
 * UK local time (given as if it were UTC) to the instant. In the hour repeated in October the
 * first (BST) one is taken; a time in the hour skipped in March is read as GMT.
 */
export function ukLocalToInstant(asWritten: number): number {
  const year = new Date(asWritten).getUTCFullYear()
  const summer = asWritten - 3_600_000
  const inBst = summer >= lastSundayAtOneUtc(year, 2) && summer < lastSundayAtOneUtc(year, 9)
  return inBst ? summer : asWritten
}

export interface PartnerPlace {
  longitude: number | null
  latitude: number | null
  h3_res7: string | null
  h3_res8: string | null
  h3_res9: string | null
}

/** Both coordinates or neither; inside the United Kingdom, as every format checks them. */
export function parseCoordinates(
  columns: { longitude: string; latitude: string },
  longitudeText: string,
  latitudeText: string,
): Field<PartnerPlace> {
  const point = parseUkPoint(longitudeText, latitudeText, columns)
  if (!point.ok) return point
  return ok({
    longitude: point.longitude,
    latitude: point.latitude,
    ...h3Cells(point.latitude, point.longitude),
  })
}

export function parseLsoaCode(column: string, text: string): Field<string | null> {
  if (text === '') return ok(null)
  if (!LSOA_CODE.test(text)) return bad(column, text, 'the LSOA code is not E01 or W01 followed by 6 digits')
  return ok(text)
}

const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9_./-]{0,63}$/

/** A source's own identifier: letters, digits and . _ / -, at most 64 characters. */
export function parseReference(column: string, text: string): Field<string> {
  if (text === '') return bad(column, text, 'the reference is empty')
  if (!REFERENCE.test(text)) {
    return bad(
      column,
      text,
      'the reference may hold only letters, digits and . _ / - (at most 64 characters)',
    )
  }
  return ok(text)
}

export function parseYesNo(column: string, text: string): Field<boolean | null> {
  const answer = text.toLowerCase()
  if (answer === '') return ok(null)
  if (['y', 'yes', 'true', '1'].includes(answer)) return ok(true)
  if (['n', 'no', 'false', '0'].includes(answer)) return ok(false)
  return bad(column, text, 'the value is not Y or N (or empty when not known)')
}

// ---------------------------------------------------------------------------------------------
// Code lists: each value has a stable code and a label; a file may give either.

export interface CodeListEntry {
  code: string
  label: string
}

export interface Coded {
  code: string
  label: string
}

function normalised(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim()
}

export class CodeList {
  private readonly byText = new Map<string, CodeListEntry>()

  constructor(readonly entries: readonly CodeListEntry[]) {
    for (const entry of entries) {
      this.byText.set(normalised(entry.code), entry)
      this.byText.set(normalised(entry.label), entry)
    }
  }

  /** The entry the text names by code or label (any case); an unknown text is kept as 'unknown' with its label. */
  lookup(text: string): Coded {
    const entry = this.byText.get(normalised(text))
    return entry ? { code: entry.code, label: entry.label } : { code: UNKNOWN_CATEGORY, label: text }
  }
}

/** A required coded value: empty is a rejection, unknown labels are kept. */
export function parseCoded(column: string, text: string, list: CodeList): Field<Coded> {
  if (text === '') return bad(column, text, 'the value is empty')
  return ok(list.lookup(text))
}

export function parseOptionalCoded(text: string, list: CodeList): Coded | null {
  return text === '' ? null : list.lookup(text)
}

export { UNKNOWN_CATEGORY }

/** A coded value a row kept as 'unknown', with the label the file gave: the run's report lists them. */
export interface UnknownLabel {
  column: string
  label: string
}

/** The unknown codes among a row's coded columns, in the order given: [column, code, label as written]. */
export function unknownLabelsOf(
  coded: readonly (readonly [string, string | null, string | null])[],
): UnknownLabel[] {
  return coded.flatMap(([column, code, label]) =>
    code === UNKNOWN_CATEGORY ? [{ column, label: label ?? '' }] : [],
  )
}
