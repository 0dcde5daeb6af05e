import { isPurpose, PURPOSES, type Purpose } from '../platform/data-classes.ts'
import { DEFAULT_RFG_SCHEME, rfgSchemeProblems, type RfgScheme, type RuleProblem } from './rfg.ts'
import {
  EVENT_FLAGS,
  EVENT_KINDS,
  EVENT_ROLES,
  type EventFlag,
  type EventKind,
  type EventRole,
} from './timeline.ts'

export type { RuleProblem } from './rfg.ts'

/**
 * A trigger rule is data, not code: JSON a supervisor can read, approve and version. The
 * validator below is the only way a rule gets in; everything it returns is checked and complete.
 *
 * Whose events count (evidenceFrom):
 *   person              the person's own events
 *   household-children  events of members of the person's household who were under 18 on the day
 *   household-adults    events of members of the person's household who were 18 or over on the day
 * A household member's event counts only between the member's from and to dates. The person
 * the hit is about is always the owner of the timeline; personAgeAtEvent is their age on the day
 * of each event (so "a child" is under 18 at the time, whatever their age now).
 */
export const EVIDENCE_SOURCES = ['person', 'household-children', 'household-adults'] as const
export type EvidenceSource = (typeof EVIDENCE_SOURCES)[number]

// The referral priorities (referrals module), so a hit routes with its priority unchanged.
export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const
export type Priority = (typeof PRIORITIES)[number]

/** Ages in whole years: atLeast ≤ age < under. */
export interface AgeRange {
  atLeast?: number
  under?: number
}

/** Every field given must match (and); within a list, any value matches (or), except flagsAll. */
export interface EventConditions {
  kinds?: readonly EventKind[]
  categoryCodes?: readonly string[]
  roles?: readonly EventRole[]
  flagsAll?: readonly EventFlag[]
  flagsAny?: readonly EventFlag[]
  minHarmWeight?: number
}

export interface Threshold {
  atLeast: number
  /** events: every matching event; distinct-incidents: an incident counts once however many events it has. */
  count: 'events' | 'distinct-incidents'
}

export interface RuleScore {
  method: 'rfg'
  /** The hit fires only when the score is at least this. */
  cutOff: number
  /** Rank this rule's hits by score, highest first, in a run. */
  rank: boolean
  scheme: RfgScheme
  /** A hit scoring at least atLeast takes this priority instead of the rule's, when it is higher. */
  raisePriority?: { atLeast: number; priority: Priority }
}

export interface TriggerRule {
  key: string
  version: number
  title: string
  description: string
  evidenceNeeded: string
  purpose: Purpose
  priority: Priority
  evidenceFrom: readonly EvidenceSource[]
  personAgeAtEvent?: AgeRange
  events: EventConditions
  windowDays: number
  threshold: Threshold
  score?: RuleScore
}

export type RuleValidation = { ok: true; rule: TriggerRule } | { ok: false; problems: RuleProblem[] }

/** Ten years of days, leap days included: the longest look-back a rule may have. */
export const MAX_WINDOW_DAYS = 3653

const RULE_FIELDS = [
  'key',
  'version',
  'title',
  'description',
  'evidenceNeeded',
  'purpose',
  'priority',
  'evidenceFrom',
  'personAgeAtEvent',
  'events',
  'windowDays',
  'threshold',
  'score',
]
const EVENT_FIELDS = ['kinds', 'categoryCodes', 'roles', 'flagsAll', 'flagsAny', 'minHarmWeight']
const KEY_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const describe = (value: unknown): string => {
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`
  if (Array.isArray(value)) return 'a list'
  if (value === null) return 'null'
  return typeof value === 'object' ? 'an object' : String(value)
}

class Problems {
  readonly list: RuleProblem[] = []
  add(path: string, message: string): void {
    this.list.push({ path, message })
  }
  unknownFields(value: Record<string, unknown>, known: readonly string[], at: string): void {
    for (const field of Object.keys(value)) {
      if (known.includes(field)) continue
      const name = field === '' ? "''" : field
      this.add(at ? `${at}.${name}` : name, `unknown field (known: ${known.join(', ')})`)
    }
  }
  text(value: unknown, path: string, maxLength: number): string {
    if (typeof value !== 'string' || value.trim() === '') {
      this.add(path, `must be some words (got ${describe(value)})`)
      return ''
    }
    if (value.length > maxLength)
      this.add(path, `must be at most ${maxLength} characters (has ${value.length})`)
    return value.trim()
  }
  wholeNumber(value: unknown, path: string, min: number, max: number, unit: string): number {
    if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
      this.add(path, `must be a whole number of ${unit} from ${min} to ${max} (got ${describe(value)})`)
      return min
    }
    return value as number
  }
  /** A list of values from a vocabulary; absent means "any", an empty list is refused. */
  chosen<T extends string>(
    value: unknown,
    path: string,
    vocabulary: readonly T[],
    noun: string,
  ): T[] | undefined {
    if (value === undefined) return undefined
    if (!Array.isArray(value)) {
      this.add(path, `must be a list of ${noun}s`)
      return undefined
    }
    if (value.length === 0) {
      this.add(path, `an empty list matches nothing; leave ${path} out to match any ${noun}`)
      return undefined
    }
    const seen = new Set<string>()
    value.forEach((item: unknown, index) => {
      if (typeof item !== 'string' || !(vocabulary as readonly string[]).includes(item)) {
        this.add(
          `${path}[${index}]`,
          `${describe(item)} is not a known ${noun} (known: ${vocabulary.join(', ')})`,
        )
      } else if (seen.has(item)) {
        this.add(`${path}[${index}]`, `'${item}' is listed twice`)
      } else {
        seen.add(item)
      }
    })
    return value as T[]
  }
}

function ageRange(value: unknown, path: string, problems: Problems): AgeRange | undefined {
  if (value === undefined) return undefined
  if (!isRecord(value)) {
    problems.add(path, 'must be an object { atLeast?, under? } in whole years')
    return undefined
  }
  problems.unknownFields(value, ['atLeast', 'under'], path)
  if (value.atLeast === undefined && value.under === undefined) {
    problems.add(path, 'must give atLeast, under or both; leave it out to allow any age')
  }
  const range: AgeRange = {}
  if (value.atLeast !== undefined)
    range.atLeast = problems.wholeNumber(value.atLeast, `${path}.atLeast`, 0, 120, 'years')
  if (value.under !== undefined)
    range.under = problems.wholeNumber(value.under, `${path}.under`, 1, 130, 'years')
  if (range.atLeast !== undefined && range.under !== undefined && range.atLeast >= range.under) {
    problems.add(path, `no age is at least ${range.atLeast} and under ${range.under}`)
  }
  return range
}

function eventConditions(value: unknown, problems: Problems): EventConditions {
  if (!isRecord(value)) {
    problems.add('events', 'must be an object of conditions (use {} to match every event)')
    return {}
  }
  problems.unknownFields(value, EVENT_FIELDS, 'events')
  const conditions: EventConditions = {}
  const kinds = problems.chosen(value.kinds, 'events.kinds', EVENT_KINDS, 'kind of event')
  if (kinds) conditions.kinds = kinds
  const roles = problems.chosen(value.roles, 'events.roles', EVENT_ROLES, 'role')
  if (roles) conditions.roles = roles
  const flagsAll = problems.chosen(value.flagsAll, 'events.flagsAll', EVENT_FLAGS, 'flag')
  if (flagsAll) conditions.flagsAll = flagsAll
  const flagsAny = problems.chosen(value.flagsAny, 'events.flagsAny', EVENT_FLAGS, 'flag')
  if (flagsAny) conditions.flagsAny = flagsAny
  if (value.categoryCodes !== undefined) {
    const codes = value.categoryCodes
    if (!Array.isArray(codes) || codes.length === 0) {
      problems.add(
        'events.categoryCodes',
        'must be a non-empty list of category codes; leave it out to match any',
      )
    } else {
      codes.forEach((code: unknown, index) => {
        if (typeof code !== 'string' || code.trim() === '' || code.length > 100) {
          problems.add(`events.categoryCodes[${index}]`, `${describe(code)} is not a category code`)
        }
      })
      conditions.categoryCodes = codes as string[]
    }
  }
  if (value.minHarmWeight !== undefined) {
    const weight = value.minHarmWeight
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
      problems.add('events.minHarmWeight', `must be a number of 0 or more (got ${describe(weight)})`)
    } else {
      conditions.minHarmWeight = weight
    }
  }
  return conditions
}

function threshold(value: unknown, problems: Problems): Threshold {
  if (!isRecord(value)) {
    problems.add('threshold', 'must be an object { atLeast, count? }')
    return { atLeast: 1, count: 'events' }
  }
  problems.unknownFields(value, ['atLeast', 'count'], 'threshold')
  const atLeast = problems.wholeNumber(value.atLeast, 'threshold.atLeast', 1, 1000, 'events')
  const count = value.count ?? 'events'
  if (count !== 'events' && count !== 'distinct-incidents') {
    problems.add('threshold.count', `must be 'events' or 'distinct-incidents' (got ${describe(count)})`)
    return { atLeast, count: 'events' }
  }
  return { atLeast, count }
}

function score(value: unknown, windowDays: number | null, problems: Problems): RuleScore | undefined {
  if (value === undefined) return undefined
  if (!isRecord(value)) {
    problems.add('score', "must be an object { method: 'rfg', cutOff, rank?, scheme? }")
    return undefined
  }
  problems.unknownFields(value, ['method', 'cutOff', 'rank', 'scheme', 'raisePriority'], 'score')
  if (value.method !== 'rfg') problems.add('score.method', `must be 'rfg' (got ${describe(value.method)})`)
  const cutOff = value.cutOff
  if (typeof cutOff !== 'number' || !Number.isFinite(cutOff) || cutOff < 0) {
    problems.add('score.cutOff', `must be a score of 0 or more (got ${describe(cutOff)})`)
  }
  if (value.rank !== undefined && typeof value.rank !== 'boolean')
    problems.add('score.rank', 'must be true or false')
  const scheme = value.scheme ?? DEFAULT_RFG_SCHEME
  // The default scheme's bands run to a year; a shorter rule simply never reaches the last ones.
  const bandLimit = value.scheme === undefined ? null : windowDays
  for (const problem of rfgSchemeProblems(scheme, 'score.scheme', bandLimit))
    problems.add(problem.path, problem.message)
  const raisePriority = scorePriority(value.raisePriority, problems)
  return {
    method: 'rfg',
    cutOff: cutOff as number,
    rank: value.rank === true,
    scheme: scheme as RfgScheme,
    ...(raisePriority ? { raisePriority } : {}),
  }
}

function scorePriority(value: unknown, problems: Problems): RuleScore['raisePriority'] {
  if (value === undefined) return undefined
  if (!isRecord(value)) {
    problems.add('score.raisePriority', 'must be an object { atLeast, priority }')
    return undefined
  }
  problems.unknownFields(value, ['atLeast', 'priority'], 'score.raisePriority')
  const { atLeast, priority } = value
  if (typeof atLeast !== 'number' || !Number.isFinite(atLeast) || atLeast < 0)
    problems.add('score.raisePriority.atLeast', `must be a score of 0 or more (got ${describe(atLeast)})`)
  if (!(PRIORITIES as readonly unknown[]).includes(priority))
    problems.add(
      'score.raisePriority.priority',
      `${describe(priority)} is not a priority (known: ${PRIORITIES.join(', ')})`,
    )
  return { atLeast: atLeast as number, priority: priority as Priority }
}

/** Checks a rule written as JSON; refuses it with every problem, each naming its field path. */
export function validateRule(input: unknown): RuleValidation {
  const problems = new Problems()
  if (!isRecord(input))
    return { ok: false, problems: [{ path: '(rule)', message: 'a rule must be a JSON object' }] }
  problems.unknownFields(input, RULE_FIELDS, '')

  const key = problems.text(input.key, 'key', 63)
  if (key && !KEY_PATTERN.test(key)) {
    problems.add('key', `'${key}' must be lower-case words joined by hyphens, like repeat-missing`)
  }
  const version = problems.wholeNumber(input.version, 'version', 1, 1_000_000, 'versions')
  const title = problems.text(input.title, 'title', 120)
  const description = problems.text(input.description, 'description', 2000)
  const evidenceNeeded = problems.text(input.evidenceNeeded, 'evidenceNeeded', 2000)
  if (!isPurpose(input.purpose)) {
    problems.add(
      'purpose',
      `${describe(input.purpose)} is not a known purpose (known: ${PURPOSES.join(', ')})`,
    )
  }
  if (!(PRIORITIES as readonly unknown[]).includes(input.priority)) {
    problems.add(
      'priority',
      `${describe(input.priority)} is not a priority (known: ${PRIORITIES.join(', ')})`,
    )
  }
  const evidenceFrom =
    input.evidenceFrom === undefined
      ? undefined
      : problems.chosen(input.evidenceFrom, 'evidenceFrom', EVIDENCE_SOURCES, 'source of evidence')
  if (input.evidenceFrom === undefined)
    problems.add('evidenceFrom', `must list whose events count (${EVIDENCE_SOURCES.join(', ')})`)
  const personAgeAtEvent = ageRange(input.personAgeAtEvent, 'personAgeAtEvent', problems)
  const events = eventConditions(input.events, problems)

  let windowDays: number | null = null
  const window = input.windowDays
  if (!Number.isInteger(window) || (window as number) <= 0) {
    problems.add(
      'windowDays',
      `the look-back must be a whole number of days, at least 1 (got ${describe(window)})`,
    )
  } else if ((window as number) > MAX_WINDOW_DAYS) {
    problems.add('windowDays', `${String(window)} days is more than 10 years (${MAX_WINDOW_DAYS} days)`)
  } else {
    windowDays = window as number
  }
  const ruleThreshold = threshold(input.threshold, problems)
  const ruleScore = score(input.score, windowDays, problems)

  if (problems.list.length > 0) return { ok: false, problems: problems.list }
  const rule: TriggerRule = {
    key,
    version,
    title,
    description,
    evidenceNeeded,
    purpose: input.purpose as Purpose,
    priority: input.priority as Priority,
    evidenceFrom: evidenceFrom!,
    ...(personAgeAtEvent ? { personAgeAtEvent } : {}),
    events,
    windowDays: windowDays!,
    threshold: ruleThreshold,
    ...(ruleScore ? { score: ruleScore } : {}),
  }
  // A deep copy, so the caller's object cannot change an accepted rule afterwards.
  return { ok: true, rule: structuredClone(rule) }
}

/** The problems of a refused rule in one message, for the CLI and logs. */
export function describeProblems(problems: readonly RuleProblem[]): string {
  return problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ')
}
