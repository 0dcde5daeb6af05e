import { DATA_SUBJECT_CATEGORY_LABELS } from '../platform/data-subject-categories.ts'
import { ASSESSMENT_KIND_LABELS, type ReferralAssessment } from './assessments.ts'
import type { ReferralEvidenceItem } from './queries.ts'

/** Facts and assessments of a referral, shaped for its page: each says which it is (C3). */

export function evidenceRow(item: ReferralEvidenceItem) {
  return {
    date: item.date,
    incidentId: item.incidentId,
    why: item.why,
    rule: item.ruleKey ? `${item.ruleKey} v${item.ruleVersion}` : '',
    category: DATA_SUBJECT_CATEGORY_LABELS[item.category],
    categoryNote: item.source.recordedBy
      ? `recorded by ${item.source.recordedBy}`
      : 'derived: no involvement of theirs is recorded (through their household)',
    source: `${item.source.name}, import run ${item.source.importRunId}`,
  }
}

export function assessmentRow(assessment: ReferralAssessment) {
  return {
    what: ASSESSMENT_KIND_LABELS[assessment.kind],
    finding: assessment.finding,
    source:
      assessment.source === 'rule'
        ? `Trigger rule ${assessment.ruleKey}, version ${assessment.ruleVersion}`
        : 'Made by hand',
    author: assessment.authorName ?? (assessment.source === 'rule' ? 'Shipped with Upstream' : 'Not known'),
    assessedAt: assessment.assessedAt,
  }
}
