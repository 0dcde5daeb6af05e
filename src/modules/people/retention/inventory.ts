import { columnsAddedTo, personal, plain, type InventoryEntry } from '../../platform/data-inventory.ts'

/** Review, retention and disposal, and erasure tombstones (migration 0021), for the data inventory (C1). */
export const INVENTORY: InventoryEntry[] = [
  columnsAddedTo('sharing_agreement', {
    retention_months: plain(
      'How many months records received under the agreement are kept after their clear period starts',
    ),
    source_systems: plain('Codes of the records systems whose person records came under the agreement'),
  }),
  {
    table: 'record_retention',
    description:
      'Each person record’s retention rule (MoPI group or partner period), the start of its clear period and its next review.',
    dataClass: 'person-identity',
    retention: 'police-record',
    columns: {
      person_record_id: personal('The person record'),
      regime: plain('mopi (police record) or partner (kept for its agreement’s period)'),
      mopi_group: personal('MoPI group 1 to 4, from the record’s most serious involvement', {
        criminalOffence: true,
      }),
      sharing_agreement_id: plain('The agreement whose period applies, for a partner record'),
      clear_from: personal('Date of the record’s latest incident, from which the clear period runs'),
      next_review_on: personal('When the record is next reviewed (or disposed of)'),
      retained_until: personal('Kept at least until this day by a reviewer’s decision'),
      assessed_at: plain('When the schedule was last worked out'),
      version: plain('Optimistic-concurrency version'),
    },
  },
  {
    table: 'retention_decision',
    description: 'Reviewers’ decisions to retain a record, with their rationale; they go with the record.',
    dataClass: 'person-identity',
    retention: 'police-record',
    columns: {
      id: plain('Surrogate key'),
      person_record_id: personal('The record decided on'),
      decision: plain('retain or dispose'),
      rationale: personal('Why the record is still needed', { criminalOffence: true }),
      next_review_on: personal('The next review the decision set'),
      decided_by: personal('The reviewer'),
      decided_at: plain('When'),
    },
  },
  {
    table: 'erasure_tombstone',
    description:
      'That a person or record was erased: its id, when, by whom and why, and for a record a hash of its source key so it is not imported again.',
    dataClass: null,
    retention: 'audit',
    columns: {
      id: plain('Surrogate key'),
      subject_kind: plain('person or person_record'),
      subject_id: plain('Id the erased person or record had'),
      source_key_sha256: personal(
        'SHA-256 of the record’s source system and person ID (pseudonymous): a later import of it is skipped',
      ),
      erased_at: plain('When it was erased'),
      erased_by: personal('The user who erased it; null for the disposal job'),
      reason: plain('Why: a request reference or legal ground, never a name'),
    },
  },
]
