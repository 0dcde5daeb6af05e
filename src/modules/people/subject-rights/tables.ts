import type { ColumnType, Generated } from 'kysely'

/** Table types of subject access requests, rectifications and "beyond use" markings (migration 0022). */

type Timestamp = ColumnType<Date, Date | string, Date | string>

export interface SubjectAccessRequestTable {
  id: Generated<number>
  person_id: number
  requester_reference: string
  /** YYYY-MM-DD, as the date type is read throughout. */
  received_on: string
  due_on: string
  opened_by: string | null
  opened_at: Timestamp
  version: Generated<number>
}

export interface SubjectAccessExtensionTable {
  id: Generated<number>
  request_id: number
  previous_due_on: string
  due_on: string
  reason: string
  extended_by: string | null
  extended_at: Timestamp
}

export interface SubjectAccessWithholdingTable {
  id: Generated<number>
  request_id: number
  item_key: string
  reason: string
  withheld_by: string | null
  withheld_at: Timestamp
}

export interface PersonRectificationTable {
  id: Generated<number>
  person_record_id: number
  person_id: number | null
  reason: string
  rectified_by: string | null
  rectified_at: Timestamp
}

export type RectifiableField = 'first_names' | 'last_name' | 'date_of_birth' | 'address' | 'postcode'

export interface PersonRectificationFieldTable {
  rectification_id: number
  field: RectifiableField
  old_value: string | null
  new_value: string | null
}

export interface RectificationNoticeTable {
  id: Generated<number>
  reference: ColumnType<string, never, never>
  rectification_id: number
  organisation_id: string
  disclosures: number
  last_disclosed_at: Timestamp
  emails: Generated<number>
  created_at: Timestamp
}

export interface PersonBeyondUseTable {
  id: Generated<number>
  person_id: number
  reason: string
  marked_by: string | null
  marked_at: Timestamp
  lift_reason: string | null
  lifted_by: string | null
  lifted_at: Timestamp | null
}

export interface SubjectRightsTables {
  subject_access_request: SubjectAccessRequestTable
  subject_access_extension: SubjectAccessExtensionTable
  subject_access_withholding: SubjectAccessWithholdingTable
  person_rectification: PersonRectificationTable
  person_rectification_field: PersonRectificationFieldTable
  rectification_notice: RectificationNoticeTable
  person_beyond_use: PersonBeyondUseTable
}
