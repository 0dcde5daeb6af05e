import type { ColumnType, Generated } from 'kysely'
import type { DataSubjectCategory } from '../platform/data-subject-categories.ts'
import type { Outcome, Priority, ReferralStatus } from './workflow.ts'

/** Table types of referrals, their evidence and history, and the team settings routing reads. */

type Timestamp = ColumnType<Date, Date | string, Date | string>
type Json<T> = ColumnType<T, string, string>

export interface TeamAreaTable {
  team_id: string
  area_code: string
}

export interface ReferralTeamSettingTable {
  team_id: string
  capacity: number
}

export interface ReferralTable {
  id: Generated<number>
  reference: ColumnType<string, never, never>
  person_id: number | null
  subject: Generated<string>
  purpose: string
  reason: string
  police_note: Generated<string>
  from_organisation_id: string
  from_team_id: string | null
  from_user_id: string | null
  to_organisation_id: string
  to_team_id: string | null
  status: Generated<ReferralStatus>
  priority: Priority
  due_at: Timestamp | null
  assigned_user_id: string | null
  outcome: Outcome | null
  accepted_at: Timestamp | null
  screened_at: Timestamp | null
  closed_at: Timestamp | null
  trigger_rule_key: string | null
  trigger_rule_version: number | null
  onward_from_referral_id: number | null
  version: Generated<number>
  created_at: Timestamp
  updated_at: Timestamp
}

export interface ReferralEvidenceTable {
  id: Generated<number>
  referral_id: number
  incident_id: number
  incident_date: string
  why: string
  rule_key: string | null
  rule_version: number | null
  added_at: Timestamp
  /** The referral's person's category of data subject in the incident (C3). */
  category: DataSubjectCategory
  /** The data source (import format) and the import run the incident came from. */
  source_kind: string
  import_run_id: number
  /** The records system that recorded the person's involvement; null when the category is derived. */
  category_source_system: string | null
}

export type AssessmentKind = 'trigger-finding' | 'rfg-score' | 'priority'

/** An opinion about the referral's subject, kept apart from the facts (C3): see migration 0020. */
export interface ReferralAssessmentTable {
  id: Generated<number>
  referral_id: number
  kind: AssessmentKind
  finding: string
  detail: Json<Record<string, unknown>>
  source: 'rule' | 'user'
  rule_key: string | null
  rule_version: number | null
  author_user_id: string | null
  assessed_at: Timestamp
}

export interface ReferralEventTable {
  id: Generated<number>
  referral_id: number
  referral_version: number
  occurred_at: Timestamp
  actor_user_id: string | null
  actor_organisation_id: string | null
  kind: string
  from_status: string | null
  to_status: string | null
  text: Generated<string>
  details: Json<Record<string, unknown>>
}

export interface ReferralTables {
  team_area: TeamAreaTable
  referral_team_setting: ReferralTeamSettingTable
  referral: ReferralTable
  referral_evidence: ReferralEvidenceTable
  referral_event: ReferralEventTable
  referral_assessment: ReferralAssessmentTable
}
