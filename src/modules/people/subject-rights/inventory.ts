import { personal, plain, type TableInventory } from '../../platform/data-inventory.ts'

/**
 * Subject access requests, rectifications and "beyond use" markings (migration 0022), for the
 * data inventory (C1). Each row goes with the person or record it is about, so it is kept as
 * long as they are: police records, reviewed by their MoPI group.
 */
export const INVENTORY: TableInventory[] = [
  {
    table: 'subject_access_request',
    description: 'A person’s subject access request: the requester’s reference, when received and when due.',
    dataClass: 'person-identity',
    retention: 'police-record',
    columns: {
      id: plain('Surrogate key'),
      person_id: personal('The person the request is about'),
      requester_reference: personal('The case reference of the request (not the requester’s name)'),
      received_on: personal('When the request was received'),
      due_on: personal('When the answer is due: one calendar month after receipt, or as extended'),
      opened_by: personal('The data protection officer who recorded it'),
      opened_at: plain('When it was recorded'),
      version: plain('Bumped on each change, for concurrent edits'),
    },
  },
  {
    table: 'subject_access_extension',
    description: 'Each extension of a subject access request’s due date, with its reason.',
    dataClass: 'person-identity',
    retention: 'police-record',
    columns: {
      id: plain('Surrogate key'),
      request_id: personal('The request'),
      previous_due_on: personal('The due date before the extension'),
      due_on: personal('The due date after it'),
      reason: personal('Why it was extended, in the officer’s words'),
      extended_by: personal('Who extended it'),
      extended_at: plain('When'),
    },
  },
  {
    table: 'subject_access_withholding',
    description: 'Items of a subject access bundle withheld under DPA 2018 s.45(4), with the reason.',
    dataClass: 'person-identity',
    retention: 'police-record',
    columns: {
      id: plain('Surrogate key'),
      request_id: personal('The request'),
      item_key: personal('The item withheld, by its kind and id'),
      reason: personal('Why it is withheld, in the officer’s words'),
      withheld_by: personal('Who withheld it'),
      withheld_at: plain('When'),
    },
  },
  {
    table: 'person_rectification',
    description: 'A correction of a person record, and why; goes with the record.',
    dataClass: 'person-identity',
    retention: 'police-record',
    columns: {
      id: plain('Surrogate key'),
      person_record_id: personal('The record corrected'),
      person_id: personal('The person the record was linked to then'),
      reason: personal('Why it was corrected, in the officer’s words'),
      rectified_by: personal('Who corrected it'),
      rectified_at: plain('When'),
    },
  },
  {
    table: 'person_rectification_field',
    description:
      'The old and new value of each field a correction changed (the audit log keeps the field names only).',
    dataClass: 'person-identity',
    retention: 'police-record',
    columns: {
      rectification_id: personal('The correction'),
      field: plain('The field changed: first_names, last_name, date_of_birth, address or postcode'),
      old_value: personal('The value before the correction'),
      new_value: personal('The value after it'),
    },
  },
  {
    table: 'rectification_notice',
    description:
      'A notice to an organisation the person had been disclosed to that their data was corrected.',
    dataClass: 'person-identity',
    retention: 'police-record',
    columns: {
      id: plain('Surrogate key'),
      reference: plain('The notice number the email quotes (RN-000123)'),
      rectification_id: personal('The correction'),
      organisation_id: personal('The organisation notified'),
      disclosures: personal('How many disclosures of the person it had received'),
      last_disclosed_at: personal('When the latest of them was'),
      emails: plain('How many of its screeners were emailed'),
      created_at: plain('When the notice was made'),
    },
  },
  {
    table: 'person_beyond_use',
    description:
      'A person marked beyond use (restriction of processing), and the lifting of it; kept when lifted.',
    dataClass: 'person-identity',
    retention: 'police-record',
    columns: {
      id: plain('Surrogate key'),
      person_id: personal('The person'),
      reason: personal('Why the person is beyond use, in the officer’s words'),
      marked_by: personal('Who marked them'),
      marked_at: plain('When'),
      lift_reason: personal('Why it was lifted'),
      lifted_by: personal('Who lifted it'),
      lifted_at: plain('When it was lifted; null while in force'),
    },
  },
]
