import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'
import { OUTCOMES, type Outcome, type ReferralStatus } from './workflow.ts'

/**
 * Conversion by trigger rule: how many referrals each rule version raised, what share of those
 * screened were accepted, and how the accepted ones ended. A rule whose referrals are mostly
 * declined is raising the wrong people and needs retuning.
 */
export interface RuleReferral {
  ruleKey: string
  ruleVersion: number
  status: ReferralStatus
  accepted: boolean
  screened: boolean
  outcome: Outcome | null
}

export interface RuleConversion {
  ruleKey: string
  ruleVersion: number
  raised: number
  screened: number
  accepted: number
  declined: number
  /** Accepted ÷ screened; null until one has been screened. */
  acceptedShare: number | null
  /** Wilson score interval for the accepted share at 95% (Wilson 1927), as R's prop.test(correct = FALSE) gives it. */
  acceptedShareInterval: [number, number] | null
  open: number
  outcomes: Record<Outcome, number>
}

const Z95 = 1.959963984540054

export function wilsonInterval(successes: number, trials: number, z = Z95): [number, number] | null {
  if (trials === 0) return null
  const p = successes / trials
  const z2 = z * z
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
  const half = (z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))
  return [Math.max(0, centre - half), Math.min(1, centre + half)]
}

export function conversionByRule(referrals: readonly RuleReferral[]): RuleConversion[] {
  const groups = new Map<string, RuleConversion>()
  for (const referral of referrals) {
    const key = `${referral.ruleKey}\u0000${referral.ruleVersion}`
    let group = groups.get(key)
    if (!group) {
      group = {
        ruleKey: referral.ruleKey,
        ruleVersion: referral.ruleVersion,
        raised: 0,
        screened: 0,
        accepted: 0,
        declined: 0,
        acceptedShare: null,
        acceptedShareInterval: null,
        open: 0,
        outcomes: Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as Record<Outcome, number>,
      }
      groups.set(key, group)
    }
    group.raised += 1
    if (referral.screened) group.screened += 1
    if (referral.accepted) group.accepted += 1
    if (referral.status === 'declined') group.declined += 1
    if (referral.status !== 'declined' && referral.status !== 'closed') group.open += 1
    if (referral.outcome) group.outcomes[referral.outcome] += 1
  }
  return [...groups.values()]
    .map((group) => ({
      ...group,
      acceptedShare: group.screened ? group.accepted / group.screened : null,
      acceptedShareInterval: wilsonInterval(group.accepted, group.screened),
    }))
    .sort((a, b) => a.ruleKey.localeCompare(b.ruleKey) || a.ruleVersion - b.ruleVersion)
}

/** The referrals triggers raised to one organisation: counts only, no person and no text. */
export async function referralConversion(
  db: Kysely<Database>,
  organisationId: string,
): Promise<RuleConversion[]> {
  const rows = await db
    .selectFrom('referral')
    .select(['trigger_rule_key', 'trigger_rule_version', 'status', 'outcome', 'accepted_at', 'screened_at'])
    .where('trigger_rule_key', 'is not', null)
    .where('to_organisation_id', '=', organisationId)
    .execute()
  return conversionByRule(
    rows.map((row) => ({
      ruleKey: row.trigger_rule_key!,
      ruleVersion: Number(row.trigger_rule_version),
      status: row.status,
      accepted: row.accepted_at !== null,
      screened: row.screened_at !== null,
      outcome: row.outcome,
    })),
  )
}
