import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../../db/schema.ts'
import type { AssessmentKind } from './tables.ts'
import { PRIORITY_LABELS, type Priority } from './workflow.ts'

/**
 * Assessments on a referral: the opinions (a rule's finding, an RFG score, a priority) kept
 * apart from the recorded facts, each with its source, author and date (checklist C3, DPA
 * s.38(2)). A rule's assessment is authored by whoever wrote that rule version; null for the
 * rules shipped with Upstream.
 */

export type AssessmentSource =
  | { kind: 'rule'; ruleKey: string; ruleVersion: number; authorUserId: string | null }
  | { kind: 'user'; userId: string }

export interface NewAssessment {
  kind: AssessmentKind
  finding: string
  detail?: Record<string, unknown>
}

export interface ReferralAssessment {
  kind: AssessmentKind
  finding: string
  detail: Record<string, unknown>
  source: 'rule' | 'user'
  ruleKey: string | null
  ruleVersion: number | null
  authorName: string | null
  assessedAt: Date
}

export const ASSESSMENT_KIND_LABELS: Record<AssessmentKind, string> = {
  'trigger-finding': 'Trigger rule finding',
  'rfg-score': 'Recency-Frequency-Gravity score',
  priority: 'Priority',
}

export const priorityAssessment = (priority: Priority): NewAssessment => ({
  kind: 'priority',
  finding: `Priority ${PRIORITY_LABELS[priority].toLowerCase()}`,
  detail: { priority },
})

export async function recordAssessments(
  trx: Transaction<Database>,
  referralId: number,
  source: AssessmentSource,
  assessments: readonly NewAssessment[],
  now: Date,
): Promise<void> {
  if (assessments.length === 0) return
  await trx
    .insertInto('referral_assessment')
    .values(
      assessments.map((assessment) => ({
        referral_id: referralId,
        kind: assessment.kind,
        finding: assessment.finding,
        detail: JSON.stringify(assessment.detail ?? {}),
        source: source.kind,
        rule_key: source.kind === 'rule' ? source.ruleKey : null,
        rule_version: source.kind === 'rule' ? source.ruleVersion : null,
        author_user_id: source.kind === 'rule' ? source.authorUserId : source.userId,
        assessed_at: now,
      })),
    )
    .execute()
}

/** An onward referral carries the assessments of the one it came from, still their authors' own. */
export async function copyAssessments(
  trx: Transaction<Database>,
  fromReferralId: number,
  toReferralId: number,
): Promise<void> {
  await trx
    .insertInto('referral_assessment')
    .columns([
      'referral_id',
      'kind',
      'finding',
      'detail',
      'source',
      'rule_key',
      'rule_version',
      'author_user_id',
      'assessed_at',
    ])
    .expression((eb) =>
      eb
        .selectFrom('referral_assessment')
        .select([
          eb.val(toReferralId).as('referral_id'),
          'kind',
          'finding',
          'detail',
          'source',
          'rule_key',
          'rule_version',
          'author_user_id',
          'assessed_at',
        ])
        .where('referral_id', '=', fromReferralId),
    )
    .execute()
}

/** A referral's assessments, oldest first; the evidence-derived kinds only when the evidence may be shown. */
export async function assessmentsOf(
  db: Kysely<Database>,
  referralId: number,
  options: { evidenceShown: boolean },
): Promise<ReferralAssessment[]> {
  let query = db
    .selectFrom('referral_assessment as a')
    .leftJoin('app_user as author', 'author.id', 'a.author_user_id')
    .select([
      'a.kind',
      'a.finding',
      'a.detail',
      'a.source',
      'a.rule_key',
      'a.rule_version',
      'author.display_name as author_name',
      'a.assessed_at',
    ])
    .where('a.referral_id', '=', referralId)
  // A rule's finding and its score are drawn from the evidence: withheld with it.
  if (!options.evidenceShown) query = query.where('a.kind', '=', 'priority')
  const rows = await query.orderBy('a.assessed_at').orderBy('a.id').execute()
  return rows.map((row) => ({
    kind: row.kind,
    finding: row.finding,
    detail: row.detail,
    source: row.source,
    ruleKey: row.rule_key,
    ruleVersion: row.rule_version,
    authorName: row.author_name,
    assessedAt: row.assessed_at,
  }))
}
