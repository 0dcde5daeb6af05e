import type { RuleConversion } from '../referrals/index.ts'
import type { DryRun } from './dry-run.ts'
import type { RuleSummary } from './queries.ts'
import type { AgeRange, EvidenceSource, RuleProblem, TriggerRule } from './rule-definition.ts'
import { DEFAULT_RFG_SCHEME } from './rfg.ts'
import type { TriggerRunRow } from './page-queries.ts'

/** Shapes rules, runs and dry runs for the pages: plain words, counts, no people. */

const SOURCE_WORDS: Record<EvidenceSource, string> = {
  person: 'the person’s own',
  'household-children': 'children of their household (under 18 on the day, while they lived together)',
  'household-adults': 'adults of their household (18 or over on the day, while they lived together)',
}

const list = (values: readonly string[] | undefined) => (values ? values.join(', ') : '')

export function ageInWords(age: AgeRange | undefined): string {
  if (!age || (age.atLeast === undefined && age.under === undefined)) return 'Any age'
  if (age.atLeast === undefined) return `Under ${age.under}`
  if (age.under === undefined) return `${age.atLeast} or over`
  return `From ${age.atLeast} to under ${age.under}`
}

export function eventsInWords(rule: TriggerRule): string[] {
  const { kinds, categoryCodes, roles, flagsAll, flagsAny, minHarmWeight } = rule.events
  const words: string[] = []
  if (kinds) words.push(`of kind ${list(kinds)}`)
  if (categoryCodes) words.push(`in category ${list(categoryCodes)}`)
  if (roles) words.push(`with the role ${list(roles)}`)
  if (flagsAll) words.push(`flagged ${flagsAll.join(' and ')}`)
  if (flagsAny) words.push(`flagged ${flagsAny.join(' or ')}`)
  if (minHarmWeight !== undefined) words.push(`with a harm weight of at least ${minHarmWeight}`)
  return words.length ? words : ['any event']
}

export function thresholdInWords(rule: TriggerRule): string {
  const { atLeast, count } = rule.threshold
  const noun =
    count === 'events'
      ? atLeast === 1
        ? 'matching event'
        : 'matching events'
      : atLeast === 1
        ? 'incident'
        : 'separate incidents'
  return `At least ${atLeast} ${noun}`
}

export function scoreInWords(rule: TriggerRule): string {
  if (!rule.score) return 'No score: the threshold alone decides'
  const scheme =
    JSON.stringify(rule.score.scheme) === JSON.stringify(DEFAULT_RFG_SCHEME)
      ? 'the default scheme'
      : 'its own scheme'
  return `A Recency-Frequency-Gravity score of at least ${rule.score.cutOff} (${scheme})${rule.score.rank ? '; hits ranked by score' : ''}`
}

/** The summary-list rows of a rule's definition, in plain words. */
export function ruleInWords(rule: TriggerRule): { key: { text: string }; value: { text: string } }[] {
  const row = (key: string, text: string) => ({ key: { text: key }, value: { text } })
  return [
    row('What it finds', rule.description),
    row('Evidence needed', rule.evidenceNeeded),
    row('Whose events count', rule.evidenceFrom.map((source) => SOURCE_WORDS[source]).join('; ')),
    row('The person’s age at each event', ageInWords(rule.personAgeAtEvent)),
    row('Events that count', eventsInWords(rule).join('; ')),
    row('Window', `The ${rule.windowDays} days ending on the day of the run`),
    row('Threshold', thresholdInWords(rule)),
    row('Score', scoreInWords(rule)),
    row('Referral priority', rule.priority),
    row('Purpose', rule.purpose),
  ]
}

/** A rule's definition as the textarea shows it: the JSON, without the version the database numbers. */
export function definitionText(rule: TriggerRule): string {
  const { version: _version, ...rest } = rule
  return JSON.stringify(rest, null, 2)
}

/** The validator's problems as error summary entries, each naming its field path and linking to the textarea. */
export function problemList(problems: readonly RuleProblem[]): { text: string; href: string }[] {
  return problems.map((problem) => ({
    text: problem.path ? `${problem.path}: ${problem.message}` : problem.message,
    href: '#definition',
  }))
}

const percent = (share: number) => `${Math.round(share * 100)}%`

export interface ConversionSummary {
  raised: number
  screened: number
  accepted: number
  acceptedShare: string
  outcomes: string
}

/** Conversion of one rule over all its versions: referrals raised, accepted share of those screened, outcomes. */
export function conversionOfRule(
  key: string,
  conversions: readonly RuleConversion[],
): ConversionSummary | null {
  const mine = conversions.filter((conversion) => conversion.ruleKey === key)
  if (mine.length === 0) return null
  const sum = (pick: (c: RuleConversion) => number) => mine.reduce((total, c) => total + pick(c), 0)
  const raised = sum((c) => c.raised)
  const screened = sum((c) => c.screened)
  const accepted = sum((c) => c.accepted)
  const outcomes = new Map<string, number>()
  for (const conversion of mine) {
    for (const [outcome, count] of Object.entries(conversion.outcomes))
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + count)
  }
  return {
    raised,
    screened,
    accepted,
    acceptedShare: screened
      ? `${accepted} of ${screened} screened (${percent(accepted / screened)})`
      : 'None screened yet',
    outcomes:
      [...outcomes]
        .filter(([, count]) => count > 0)
        .map(([outcome, count]) => `${outcome.replace(/-/g, ' ')}: ${count}`)
        .join(', ') || 'None yet',
  }
}

/** One version's row in a rule's history, with a per-version conversion if it raised referrals. */
export function conversionOfVersion(conversion: RuleConversion | undefined): string {
  if (!conversion) return ''
  const share =
    conversion.acceptedShare === null
      ? 'none screened yet'
      : `${percent(conversion.acceptedShare)} of ${conversion.screened} screened accepted`
  const interval = conversion.acceptedShareInterval
  return `${conversion.raised} raised; ${share}${interval ? ` (95% interval ${percent(interval[0])} to ${percent(interval[1])})` : ''}`
}

export interface RuleListRow {
  key: string
  title: string
  live: number | null
  draft: number | null
  lastRunHits: string
  conversion: ConversionSummary | null
}

export function ruleListRows(
  rules: readonly RuleSummary[],
  lastRun: TriggerRunRow | null,
  conversions: readonly RuleConversion[],
): RuleListRow[] {
  return rules.map((rule) => {
    const stopped = lastRun?.stoppedRules.find((s) => s.ruleKey === rule.key)
    let lastRunHits = 'Not run yet'
    if (lastRun && stopped) lastRunHits = 'Stopped'
    else if (lastRun && rule.live !== null) lastRunHits = String(lastRun.hitsByRule[rule.key] ?? 0)
    else if (lastRun) lastRunHits = 'Not live'
    return {
      key: rule.key,
      title: rule.title,
      live: rule.live,
      draft: rule.draft,
      lastRunHits,
      conversion: conversionOfRule(rule.key, conversions),
    }
  })
}

/** The dry run's tables, with LSOA names where the geography has them. */
export function dryRunTables(result: DryRun, names: ReadonlyMap<string, string>) {
  return {
    byMonth: result.byMonth.map((row) => [
      { text: row.month },
      { text: String(row.people), format: 'numeric' },
    ]),
    byArea: result.byArea.map((row) => [
      { text: row.lsoaCode ?? 'No known home area' },
      { text: row.lsoaCode ? (names.get(row.lsoaCode) ?? '') : '' },
      { text: String(row.people), format: 'numeric' },
    ]),
  }
}
