import type { Generated } from 'kysely'
import type { DataSubjectCategory } from '../../platform/data-subject-categories.ts'

/** Table types of people and their involvements in incidents (personal data). */

/** The roles a source gives for how a person is linked to an incident; each maps to a data-subject category. */
export const INVOLVEMENT_ROLES = [
  'victim',
  'suspect',
  'offender',
  'witness',
  'reporting-person',
  'missing-person',
  'child-present',
  'other',
] as const
export type InvolvementRole = (typeof INVOLVEMENT_ROLES)[number]

export interface PersonRecordTable {
  id: Generated<number>
  /** The records system the person id belongs to: person ids are only unique within one. */
  source_system: string
  source_person_id: string
  first_names: string
  last_name: string
  /** Lower case, accents and punctuation removed: for matching, never for display. */
  first_names_normalised: string
  last_name_normalised: string
  /** YYYY-MM-DD as text, as the date type is read throughout. */
  date_of_birth: string | null
  address: string | null
  /** The standard form: upper case, one space before the inward code. */
  postcode: string | null
  /** The run that last wrote the record. */
  import_run_id: number
}

export interface PersonInvolvementTable {
  id: Generated<number>
  person_record_id: number
  /** The row's identity: a hash of source system, person ID, incident source and reference, and role. */
  natural_key: string
  role: InvolvementRole
  /** The category of data subject (C3), from the role: categoryOfRole. */
  category: DataSubjectCategory
  /** The data_source kind of the incident's source, and the incident's reference in it. */
  incident_source_kind: string
  incident_reference: string
  /** Null until an incident with that source and reference is in the database. */
  incident_id: number | null
  import_run_id: number
}

export interface PeopleTables {
  person_record: PersonRecordTable
  person_involvement: PersonInvolvementTable
}
