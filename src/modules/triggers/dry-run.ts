import { evaluateRule } from './evaluate.ts'
import type { TriggerRule } from './rule-definition.ts'
import { dateOfDayNumber, requireDay, type PersonTimeline } from './timeline.ts'

export interface DryRunCount {
  people: number
}

export interface DryRun {
  ruleKey: string
  ruleVersion: number
  from: string
  to: string
  /** People the rule would have flagged at least once between from and to. */
  peopleFlagged: number
  /** By home LSOA (null: no known home area), largest first. */
  byArea: (DryRunCount & { lsoaCode: string | null })[]
  /** By month (YYYY-MM) of the first day the rule would have fired for them, in order. */
  byMonth: (DryRunCount & { month: string })[]
  byAreaAndMonth: (DryRunCount & { lsoaCode: string | null; month: string })[]
  /** Set when the rule failed on a timeline: the counts are then empty. */
  stopped: { personId: number; message: string } | null
}

/**
 * The first day from `from` to `to` (inclusive) the rule fires for the person, or null.
 *
 * A rule's count and score can only rise on a day something happens: between events, old
 * events leave the window and recency points fall. So the first firing is on `from` itself or
 * on the date of one of the timeline's events, and only those days are evaluated.
 */
export function firstFiring(
  rule: TriggerRule,
  timeline: PersonTimeline,
  from: string,
  to: string,
): string | null {
  const fromDay = requireDay(from, 'the start of the dry run')
  const toDay = requireDay(to, 'the end of the dry run')
  const days = new Set<number>([fromDay])
  const allEvents = [...timeline.events, ...timeline.household.flatMap((member) => member.events)]
  for (const event of allEvents) {
    const day = requireDay(event.date, `person ${timeline.personId}, incident ${event.incidentId}`)
    if (day > fromDay && day <= toDay) days.add(day)
  }
  for (const day of [...days].sort((a, b) => a - b)) {
    const date = dateOfDayNumber(day)
    if (evaluateRule(rule, timeline, date)) return date
  }
  return null
}

/** How many people a rule would flag over past data, by area and month, before it goes live. */
export function dryRun(
  rule: TriggerRule,
  timelines: readonly PersonTimeline[],
  from: string,
  to: string,
): DryRun {
  const empty: DryRun = {
    ruleKey: rule.key,
    ruleVersion: rule.version,
    from,
    to,
    peopleFlagged: 0,
    byArea: [],
    byMonth: [],
    byAreaAndMonth: [],
    stopped: null,
  }
  if (requireDay(to, 'the end of the dry run') < requireDay(from, 'the start of the dry run')) {
    throw new RangeError(`the dry run ends (${to}) before it starts (${from})`)
  }
  const flagged: { lsoaCode: string | null; month: string }[] = []
  for (const timeline of timelines) {
    try {
      const fired = firstFiring(rule, timeline, from, to)
      if (fired) flagged.push({ lsoaCode: timeline.homeLsoaCode, month: fired.slice(0, 7) })
    } catch (error) {
      return {
        ...empty,
        stopped: {
          personId: timeline.personId,
          message: error instanceof Error ? error.message : String(error),
        },
      }
    }
  }
  const tally = <K extends string>(keyOf: (row: (typeof flagged)[number]) => K) => {
    const counts = new Map<K, number>()
    for (const row of flagged) counts.set(keyOf(row), (counts.get(keyOf(row)) ?? 0) + 1)
    return counts
  }
  const areaKey = (code: string | null) => (code === null ? '' : `=${code}`)
  const areaOf = (key: string) => (key === '' ? null : key.slice(1))
  const byArea = [...tally((row) => areaKey(row.lsoaCode))]
    .map(([key, people]) => ({ lsoaCode: areaOf(key), people }))
    .sort((a, b) => b.people - a.people || (a.lsoaCode ?? '').localeCompare(b.lsoaCode ?? ''))
  const byMonth = [...tally((row) => row.month)]
    .map(([month, people]) => ({ month, people }))
    .sort((a, b) => a.month.localeCompare(b.month))
  const byAreaAndMonth = [...tally((row) => `${row.month}${areaKey(row.lsoaCode)}`)]
    .map(([key, people]) => ({ month: key.slice(0, 7), lsoaCode: areaOf(key.slice(7)), people }))
    .sort((a, b) => a.month.localeCompare(b.month) || (a.lsoaCode ?? '').localeCompare(b.lsoaCode ?? ''))
  return { ...empty, peopleFlagged: flagged.length, byArea, byMonth, byAreaAndMonth }
}
