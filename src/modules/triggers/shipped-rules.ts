import { describeProblems, validateRule, type TriggerRule } from './rule-definition.ts'

/**
 * The six rules Upstream ships, as the JSON a supervisor sees and approves (version 1 of each).
 * TIPT (West Midlands Police, seed 001) looks for Adverse Childhood Experiences around a child and
 * for the pathways that lead a young person towards harm; these are its common triggers. Each has
 * a fixture in test/fixtures/triggers/<key>.json of timelines that must and must not fire.
 */
export const SHIPPED_RULE_DEFINITIONS: readonly unknown[] = [
  {
    key: 'domestic-abuse-in-household',
    version: 1,
    title: 'Domestic abuse in a child’s household',
    description:
      'A child lives in a household where domestic abuse was recorded in the last 12 months: an adult they lived with was a victim, suspect or offender of a domestic abuse incident, or the child was recorded as present.',
    evidenceNeeded:
      'At least one incident flagged domestic abuse, dated while the child was under 18 and (for an adult’s incident) while the adult lived with the child.',
    purpose: 'safeguarding',
    priority: 'high',
    evidenceFrom: ['person', 'household-adults'],
    personAgeAtEvent: { under: 18 },
    events: { flagsAll: ['domestic-abuse'], roles: ['victim', 'suspect', 'offender', 'child-present'] },
    windowDays: 365,
    threshold: { atLeast: 1, count: 'distinct-incidents' },
  },
  {
    key: 'parental-substance-or-mental-health',
    version: 1,
    title: 'Parental substance misuse or mental ill-health',
    description:
      'Adults a child lives with were involved in two or more incidents flagged for substance misuse or mental ill-health in the last 12 months.',
    evidenceNeeded:
      'Two distinct incidents flagged substance misuse or mental health in which an adult of the household was a victim, suspect, offender, missing person or otherwise the subject, dated while the child was under 18 and lived with them.',
    purpose: 'safeguarding',
    priority: 'normal',
    evidenceFrom: ['household-adults'],
    personAgeAtEvent: { under: 18 },
    events: {
      flagsAny: ['substance-misuse', 'mental-health'],
      roles: ['victim', 'suspect', 'offender', 'missing-person', 'other'],
    },
    windowDays: 365,
    threshold: { atLeast: 2, count: 'distinct-incidents' },
  },
  {
    key: 'child-victim-or-suspect',
    version: 1,
    title: 'A child as victim or suspect',
    description: 'A child was recorded as the victim, suspect or offender of a crime in the last 6 months.',
    evidenceNeeded: 'A crime in which the person, then under 18, was a victim, suspect or offender.',
    purpose: 'safeguarding',
    priority: 'normal',
    evidenceFrom: ['person'],
    personAgeAtEvent: { under: 18 },
    events: { kinds: ['crime'], roles: ['victim', 'suspect', 'offender'] },
    windowDays: 182,
    threshold: { atLeast: 1, count: 'distinct-incidents' },
  },
  {
    key: 'repeat-missing',
    version: 1,
    title: 'Repeat missing child',
    description: 'A child was reported missing three or more times in 90 days.',
    evidenceNeeded: 'Three missing episodes of the person, then under 18, within 90 days.',
    purpose: 'safeguarding',
    priority: 'high',
    evidenceFrom: ['person'],
    personAgeAtEvent: { under: 18 },
    events: { kinds: ['missing-episode'], roles: ['missing-person'] },
    windowDays: 90,
    threshold: { atLeast: 3, count: 'distinct-incidents' },
  },
  {
    key: 'repeat-victim',
    version: 1,
    title: 'Repeat victim',
    description: 'A person was the victim of three or more crimes in 12 months.',
    evidenceNeeded: 'Three distinct crimes in which the person was recorded as the victim, within 365 days.',
    purpose: 'crime-prevention',
    priority: 'normal',
    evidenceFrom: ['person'],
    events: { kinds: ['crime'], roles: ['victim'] },
    windowDays: 365,
    threshold: { atLeast: 3, count: 'distinct-incidents' },
  },
  {
    key: 'repeat-offender-rfg',
    version: 1,
    title: 'Repeat offender (Recency, Frequency, Gravity)',
    description:
      'A person was a suspect or offender in two or more crimes in 12 months and scores 12 or more on the Recency-Frequency-Gravity scale; hits are ranked by score.',
    evidenceNeeded:
      'Two distinct crimes with the person as suspect or offender within 365 days; the score counts how recent the latest is, how many there were and how grave each was.',
    purpose: 'crime-prevention',
    priority: 'normal',
    evidenceFrom: ['person'],
    events: { kinds: ['crime'], roles: ['suspect', 'offender'] },
    windowDays: 365,
    threshold: { atLeast: 2, count: 'distinct-incidents' },
    score: { method: 'rfg', cutOff: 12, rank: true },
  },
]

/** The shipped rules, validated: a shipped rule that does not pass its own validator is a bug. */
export const SHIPPED_RULES: readonly TriggerRule[] = SHIPPED_RULE_DEFINITIONS.map((definition) => {
  const result = validateRule(definition)
  if (!result.ok) throw new Error(`shipped rule is invalid: ${describeProblems(result.problems)}`)
  return result.rule
})

export function shippedRule(key: string): TriggerRule {
  const rule = SHIPPED_RULES.find((candidate) => candidate.key === key)
  if (!rule) throw new Error(`no shipped rule '${key}'`)
  return rule
}
