import { rfgScore, type RfgScore } from './rfg.ts'
import { PRIORITIES, type EvidenceSource, type Priority, type TriggerRule } from './rule-definition.ts'
import { ageOn, checkedEventDay, requireDay, type PersonTimeline, type TimelineEvent } from './timeline.ts'
import type { Purpose } from '../platform/data-classes.ts'

/** One event that counted towards a hit, with whose event it was and why it matched. */
export interface EvidenceItem {
  incidentId: number
  date: string
  personId: number
  why: string
}

export interface TriggerHit {
  personId: number
  ruleKey: string
  ruleVersion: number
  priority: Priority
  purpose: Purpose
  /** The person's home LSOA, which decides the neighbourhood team the referral goes to. */
  lsoaCode: string | null
  firedOn: string
  evidence: EvidenceItem[]
  score?: RfgScore
  /** Place among this rule's hits in a run, by score (rules with score.rank only). */
  rank?: number
}

interface Candidate {
  event: TimelineEvent
  day: number
  personId: number
  source: EvidenceSource
  /** The household member's age on the day (household sources only). */
  memberAge: number | null
  personAge: number | null
}

function* candidates(rule: TriggerRule, timeline: PersonTimeline): Generator<Candidate> {
  const person = timeline.personId
  const birthDay =
    timeline.dateOfBirth === null ? null : requireDay(timeline.dateOfBirth, `person ${person}, date of birth`)
  const personAgeOn = (date: string) =>
    timeline.dateOfBirth === null ? null : ageOn(timeline.dateOfBirth, date)
  for (const source of rule.evidenceFrom) {
    if (source === 'person') {
      for (const event of timeline.events) {
        const day = checkedEventDay(event, `person ${person}`)
        if (birthDay !== null && day < birthDay) continue
        yield { event, day, personId: person, source, memberAge: null, personAge: personAgeOn(event.date) }
      }
      continue
    }
    for (const member of timeline.household) {
      const whose = `person ${person}, household member ${member.personId}`
      const from = requireDay(member.from, `${whose}, from`)
      const to = requireDay(member.to, `${whose}, to`)
      // Without a date of birth we cannot say whether the member was a child or an adult: their
      // events do not count rather than count on a guess.
      if (member.dateOfBirth === null) continue
      requireDay(member.dateOfBirth, `${whose}, date of birth`)
      for (const event of member.events) {
        const day = checkedEventDay(event, whose)
        if (day < from || day > to) continue
        if (birthDay !== null && day < birthDay) continue
        const memberAge = ageOn(member.dateOfBirth, event.date)
        if (memberAge < 0) continue
        if (source === 'household-children' ? memberAge >= 18 : memberAge < 18) continue
        yield { event, day, personId: member.personId, source, memberAge, personAge: personAgeOn(event.date) }
      }
    }
  }
}

function matches(rule: TriggerRule, candidate: Candidate): boolean {
  const { event } = candidate
  const conditions = rule.events
  if (conditions.kinds && !(conditions.kinds as readonly string[]).includes(event.kind)) return false
  if (conditions.categoryCodes && !conditions.categoryCodes.includes(event.categoryCode)) return false
  if (conditions.roles && !conditions.roles.includes(event.role)) return false
  if (conditions.flagsAll && !conditions.flagsAll.every((flag) => event.flags.includes(flag))) return false
  if (conditions.flagsAny && !conditions.flagsAny.some((flag) => event.flags.includes(flag))) return false
  if (conditions.minHarmWeight !== undefined && !(event.harmWeight >= conditions.minHarmWeight)) return false
  const age = rule.personAgeAtEvent
  if (age) {
    if (candidate.personAge === null) return false
    if (age.atLeast !== undefined && candidate.personAge < age.atLeast) return false
    if (age.under !== undefined && candidate.personAge >= age.under) return false
  }
  return true
}

function why(candidate: Candidate): string {
  const { event } = candidate
  const who =
    candidate.source === 'person'
      ? 'the person'
      : `${candidate.source === 'household-adults' ? 'an adult' : 'a child'} of the household (person ${candidate.personId}, aged ${candidate.memberAge})`
  const flags = event.flags.length > 0 ? `, flagged ${event.flags.join(', ')}` : ''
  const age = candidate.personAge === null ? '' : `; the person was ${candidate.personAge}`
  return `${event.kind} (${event.categoryCode}): ${who} as ${event.role}${flags}${age}`
}

/** The events of the timeline the rule would count on a day, oldest first. */
function matchingEvents(rule: TriggerRule, timeline: PersonTimeline, asOfDay: number): Candidate[] {
  const found: Candidate[] = []
  for (const candidate of candidates(rule, timeline)) {
    const daysBefore = asOfDay - candidate.day
    // The window is the windowDays calendar days ending on the day itself.
    if (daysBefore < 0 || daysBefore >= rule.windowDays) continue
    if (matches(rule, candidate)) found.push(candidate)
  }
  return found.sort(
    (a, b) => a.day - b.day || a.event.incidentId - b.event.incidentId || a.personId - b.personId,
  )
}

/** Whether the rule fires for this person on asOf (YYYY-MM-DD), and on what evidence. */
export function evaluateRule(rule: TriggerRule, timeline: PersonTimeline, asOf: string): TriggerHit | null {
  const asOfDay = requireDay(asOf, 'the date of the run')
  const found = matchingEvents(rule, timeline, asOfDay)
  const counted =
    rule.threshold.count === 'events'
      ? found.length
      : new Set(found.map((item) => item.event.incidentId)).size
  if (counted < rule.threshold.atLeast) return null
  let score: RfgScore | undefined
  if (rule.score) {
    score = rfgScore(
      found.map((item) => item.event),
      asOf,
      rule.score.scheme,
    )
    if (score.total < rule.score.cutOff) return null
  }
  return {
    personId: timeline.personId,
    ruleKey: rule.key,
    ruleVersion: rule.version,
    priority: hitPriority(rule, score),
    purpose: rule.purpose,
    lsoaCode: timeline.homeLsoaCode,
    firedOn: asOf,
    evidence: found.map((item) => ({
      incidentId: item.event.incidentId,
      date: item.event.date,
      personId: item.personId,
      why: why(item),
    })),
    ...(score ? { score } : {}),
  }
}

/** PRIORITIES runs from the gravest down. */
const gravity = (priority: Priority) => PRIORITIES.length - PRIORITIES.indexOf(priority)

/** The rule's priority, or the higher one its score earns (score.raisePriority). */
function hitPriority(rule: TriggerRule, score: RfgScore | undefined): Priority {
  const raise = rule.score?.raisePriority
  if (!raise || !score || score.total < raise.atLeast) return rule.priority
  return gravity(raise.priority) > gravity(rule.priority) ? raise.priority : rule.priority
}

export interface StoppedRule {
  ruleKey: string
  ruleVersion: number
  /** The timeline being read when the rule failed, when it was one. */
  personId: number | null
  message: string
}

export interface RuleRun {
  hits: TriggerHit[]
  stopped: StoppedRule[]
}

/**
 * Every rule over every timeline. A rule that fails on any timeline is stopped: none of its hits
 * from this run are kept (a half-run rule would flag some people and silently miss others), it
 * is reported with the person and the reason, and the other rules carry on.
 */
export function runRules(
  rules: readonly TriggerRule[],
  timelines: readonly PersonTimeline[],
  asOf: string,
): RuleRun {
  const hits: TriggerHit[] = []
  const stopped: StoppedRule[] = []
  for (const rule of rules) {
    const ruleHits: TriggerHit[] = []
    let personId: number | null = null
    try {
      for (const timeline of timelines) {
        personId = timeline.personId
        const hit = evaluateRule(rule, timeline, asOf)
        if (hit) ruleHits.push(hit)
      }
    } catch (error) {
      stopped.push({
        ruleKey: rule.key,
        ruleVersion: rule.version,
        personId,
        message: error instanceof Error ? error.message : String(error),
      })
      continue
    }
    if (rule.score?.rank) rankByScore(ruleHits)
    hits.push(...ruleHits)
  }
  return { hits, stopped }
}

/** Highest score first; equal scores share a place (1, 2, 2, 4), then by person id. */
function rankByScore(hits: TriggerHit[]): void {
  hits.sort((a, b) => (b.score?.total ?? 0) - (a.score?.total ?? 0) || a.personId - b.personId)
  hits.forEach((hit, index) => {
    const previous = hits[index - 1]
    hit.rank = previous && previous.score?.total === hit.score?.total ? previous.rank! : index + 1
  })
}
