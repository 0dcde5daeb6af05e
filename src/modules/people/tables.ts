import type { ColumnType, Generated } from 'kysely'

/** Table types of person identities, their links, reviews, decisions and households (personal data). */

type Timestamp = ColumnType<Date, Date | string, Date | string>
/** A timestamp the database fills in on insert (default now()). */
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>

export interface LinkageRunTable {
  id: Generated<number>
  status: 'running' | 'completed' | 'failed'
  started_by: string | null
  started_at: Timestamp
  finished_at: Timestamp | null
  records: Generated<number>
  identities: Generated<number>
  linked_pairs: Generated<number>
  review_pairs: Generated<number>
  threshold: number
  review_from: number
  model: unknown
  error: string | null
}

export interface PersonTable {
  id: Generated<number>
  display_name: string
  /** YYYY-MM-DD as text, as the date type is read throughout. */
  date_of_birth: string | null
  merged_into: number | null
  created_at: DefaultedTimestamp
  updated_at: DefaultedTimestamp
}

export interface PersonRecordLinkTable {
  person_record_id: number
  person_id: number
  linkage_run_id: number
  match_probability: number | null
}

export interface FieldExplanation {
  field: string
  level: string
  /** log2 of the Bayes factor the level contributes. */
  weight: number
}

export interface LinkReviewTable {
  id: Generated<number>
  linkage_run_id: number
  record_a: number
  record_b: number
  match_probability: number
  match_weight: number
  explanation: ColumnType<FieldExplanation[], string, string>
  status: Generated<'open' | 'decided' | 'superseded'>
}

export type LinkDecisionKind = 'same' | 'different'

export interface LinkDecisionTable {
  id: Generated<number>
  record_a: number
  record_b: number
  decision: LinkDecisionKind
  reason: Generated<string>
  decided_by: string
  decided_at: Timestamp
  undone_by: string | null
  undone_at: Timestamp | null
}

export interface HouseholdTable {
  id: Generated<number>
  address_key: string
  address: string
  postcode: string | null
  linkage_run_id: number
}

export interface HouseholdMemberTable {
  household_id: number
  person_id: number
  present_from: string
  present_to: string
  /** The first day the person was seen there while under 18; null for an adult throughout. */
  child_from: string | null
}

export interface PersonIdentityTables {
  linkage_run: LinkageRunTable
  person: PersonTable
  person_record_link: PersonRecordLinkTable
  link_review: LinkReviewTable
  link_decision: LinkDecisionTable
  household: HouseholdTable
  household_member: HouseholdMemberTable
}
