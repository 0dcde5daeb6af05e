import { createHash } from 'node:crypto'
import type { RuleProblem, TriggerRule } from './rule-definition.ts'
import { dateOfDayNumber, dayNumber } from './timeline.ts'

/** Reading the rules pages' forms: the definition textarea and the dry run's period. */

/** Keys the pages use as words in their addresses, so no rule may take them. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['new', 'runs'])

/** The same rule language key pattern, for addresses: anything else is not a rule. */
export const isRuleKey = (text: string) => text.length <= 100 && /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(text)

export type ParsedDefinition = { ok: true; definition: unknown } | { ok: false; problems: RuleProblem[] }

/** The textarea's JSON, or why it is not JSON. The rule itself is validateRule's to check. */
export function parseDefinition(text: string): ParsedDefinition {
  if (text.trim() === '')
    return { ok: false, problems: [{ path: 'definition', message: 'write the rule as a JSON object' }] }
  try {
    return { ok: true, definition: JSON.parse(text) as unknown }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return { ok: false, problems: [{ path: 'definition', message: `is not JSON (${reason})` }] }
  }
}

/** The key a posted definition gives, if it gives a string one. */
export function keyOf(definition: unknown): string | null {
  if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) return null
  const key = (definition as Record<string, unknown>).key
  return typeof key === 'string' ? key : null
}

/**
 * What a supervisor read: the approve form carries it, so that a draft saved again after the
 * page was opened (same version, new definition) is not approved unread.
 */
export function fingerprintOf(rule: TriggerRule): string {
  return createHash('sha256').update(JSON.stringify(rule)).digest('hex').slice(0, 32)
}

/** The longest period a dry run covers: the longest window a rule may have. */
export const MAX_DRY_RUN_DAYS = 3653

export type DryRunPeriod =
  { ok: true; from: string; to: string } | { ok: false; errors: Record<'from' | 'to', string | undefined> }

export function dryRunPeriod(fromText: string, toText: string): DryRunPeriod {
  const from = dayNumber(fromText)
  const to = dayNumber(toText)
  const errors: Record<'from' | 'to', string | undefined> = { from: undefined, to: undefined }
  const notADate = (text: string) =>
    `'${text.slice(0, 20)}' is not a date: write it as YYYY-MM-DD, for example 2024-01-31`
  if (from === null)
    errors.from = fromText ? `Start: ${notADate(fromText)}` : 'Start: enter the first day of the period'
  if (to === null) errors.to = toText ? `End: ${notADate(toText)}` : 'End: enter the last day of the period'
  if (from !== null && to !== null) {
    if (to < from) errors.to = `End: ${toText} is before the start, ${fromText}`
    else if (to - from + 1 > MAX_DRY_RUN_DAYS)
      errors.to = `End: the period is ${to - from + 1} days; a dry run covers at most ${MAX_DRY_RUN_DAYS} days (10 years)`
  }
  if (errors.from || errors.to || from === null || to === null) return { ok: false, errors }
  return { ok: true, from: dateOfDayNumber(from), to: dateOfDayNumber(to) }
}

/** The default period: the year up to today. */
export function lastYear(today: string): { from: string; to: string } {
  const day = dayNumber(today) ?? 0
  return { from: dateOfDayNumber(day - 364), to: dateOfDayNumber(day) }
}

/** A version number from the query string or a form, or null if it is not one. */
export function versionNumber(text: string): number | null {
  if (!/^\d{1,9}$/.test(text)) return null
  return Number(text)
}
