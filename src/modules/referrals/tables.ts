import type { ColumnType, Generated } from 'kysely'
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
}
