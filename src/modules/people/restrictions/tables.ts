import type { ColumnType, Generated } from 'kysely'

/** Table types of restricted records, staff interests, break-glass openings and involvement grants. */

type Timestamp = ColumnType<Date, Date | string, Date | string>

export const RESTRICTION_KINDS = ['high-profile', 'staff-member-or-relative', 'high-risk'] as const
export type RestrictionKind = (typeof RESTRICTION_KINDS)[number]

export const INTEREST_RELATIONSHIPS = ['self', 'relative'] as const
export type InterestRelationship = (typeof INTEREST_RELATIONSHIPS)[number]

export const GRANT_KINDS = ['task', 'involved-worker'] as const
export type GrantKind = (typeof GRANT_KINDS)[number]

export interface PersonRestrictionTable {
  id: Generated<number>
  person_id: number
  kind: RestrictionKind
  reason: string
  set_by: string
  set_at: Timestamp
  last_reviewed_at: Timestamp | null
  last_reviewed_by: string | null
  review_reason: string | null
  next_review_at: Timestamp
  lifted_at: Timestamp | null
  lifted_by: string | null
  lift_reason: string | null
  version: Generated<number>
}

export interface PersonRestrictionUserTable {
  restriction_id: number
  user_id: string
}

export interface StaffInterestTable {
  id: Generated<number>
  user_id: string
  person_id: number
  relationship: InterestRelationship
  declared_by: string
  declared_at: Timestamp
}

export interface BreakGlassAccessTable {
  id: Generated<number>
  user_id: string
  person_id: number
  restriction_id: number | null
  reason: string
  started_at: Timestamp
  expires_at: Timestamp
}

export interface InvolvementGrantTable {
  id: Generated<number>
  user_id: string
  person_id: number
  kind: GrantKind
  granted_by: string
  granted_at: Timestamp
  expires_at: Timestamp
  notice_sent_at: Timestamp | null
}

export interface RestrictionTables {
  person_restriction: PersonRestrictionTable
  person_restriction_user: PersonRestrictionUserTable
  staff_interest: StaffInterestTable
  break_glass_access: BreakGlassAccessTable
  involvement_grant: InvolvementGrantTable
}
