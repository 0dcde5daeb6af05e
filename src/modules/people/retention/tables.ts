import type { ColumnType, Generated } from 'kysely'

/** Table types of review, retention and disposal (C4) and of erasure tombstones (C5); migration 0021. */

type Timestamp = ColumnType<Date, Date | string, Date | string>
/** YYYY-MM-DD as text, as the date type is read throughout. */
type DateText = ColumnType<string, string, string>

export type MopiGroup = 1 | 2 | 3 | 4

export interface RecordRetentionTable {
  person_record_id: number
  regime: 'mopi' | 'partner'
  mopi_group: MopiGroup | null
  sharing_agreement_id: string | null
  /** Start of the clear period: the latest incident the record is involved in, or its import. */
  clear_from: DateText
  next_review_on: DateText
  retained_until: DateText | null
  assessed_at: Timestamp
  version: Generated<number>
}

export interface RetentionDecisionTable {
  id: Generated<number>
  person_record_id: number
  decision: 'retain' | 'dispose'
  rationale: Generated<string>
  next_review_on: DateText | null
  decided_by: string
  decided_at: Timestamp
}

export interface ErasureTombstoneTable {
  id: Generated<number>
  subject_kind: 'person' | 'person_record'
  subject_id: number
  source_key_sha256: string | null
  erased_at: Timestamp
  erased_by: string | null
  reason: string
}

export interface RetentionTables {
  record_retention: RecordRetentionTable
  retention_decision: RetentionDecisionTable
  erasure_tombstone: ErasureTombstoneTable
}
