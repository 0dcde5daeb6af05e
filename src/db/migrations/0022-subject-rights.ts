import type { Kysely } from 'kysely'
import { runStatements } from '../run-statements.ts'

/**
 * Subject rights (SECURITY-CHECKLIST C6): subject access requests with their due dates,
 * extensions and the items withheld from the bundle; rectifications of person records with the
 * old and new value of each field, and the notices to the organisations the person had been
 * disclosed to; and the marking of a person as "beyond use" (restriction of processing).
 * History rows go with the person or record they are about (on delete cascade), so they follow
 * its retention; the audit log keeps only ids and field names.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, [
    `create table subject_access_request (
      id bigserial primary key,
      person_id bigint not null references person (id) on delete cascade,
      requester_reference text not null check (requester_reference <> ''),
      received_on date not null,
      due_on date not null,
      opened_by uuid references app_user (id),
      opened_at timestamptz not null,
      version integer not null default 1,
      check (due_on >= received_on)
    )`,
    `create index subject_access_request_person on subject_access_request (person_id)`,
    `create table subject_access_extension (
      id bigserial primary key,
      request_id bigint not null references subject_access_request (id) on delete cascade,
      previous_due_on date not null,
      due_on date not null,
      reason text not null check (reason <> ''),
      extended_by uuid references app_user (id),
      extended_at timestamptz not null,
      check (due_on > previous_due_on)
    )`,
    `create index subject_access_extension_request on subject_access_extension (request_id)`,
    // One row an item kept out of the bundle (DPA 2018 s.45(4)), with the reason for the record.
    `create table subject_access_withholding (
      id bigserial primary key,
      request_id bigint not null references subject_access_request (id) on delete cascade,
      item_key text not null check (item_key <> ''),
      reason text not null check (reason <> ''),
      withheld_by uuid references app_user (id),
      withheld_at timestamptz not null,
      unique (request_id, item_key)
    )`,
    `create table person_rectification (
      id bigserial primary key,
      person_record_id bigint not null references person_record (id) on delete cascade,
      person_id bigint references person (id) on delete cascade,
      reason text not null check (reason <> ''),
      rectified_by uuid references app_user (id),
      rectified_at timestamptz not null
    )`,
    `create index person_rectification_record on person_rectification (person_record_id)`,
    `create index person_rectification_person on person_rectification (person_id)`,
    `create table person_rectification_field (
      rectification_id bigint not null references person_rectification (id) on delete cascade,
      field text not null check (field in ('first_names', 'last_name', 'date_of_birth', 'address', 'postcode')),
      old_value text,
      new_value text,
      primary key (rectification_id, field)
    )`,
    // DPA 2018 s.48(9) and UK GDPR Art 19: each earlier recipient is told of the correction.
    `create table rectification_notice (
      id bigserial primary key,
      reference text generated always as ('RN-' || lpad(id::text, 6, '0')) stored unique,
      rectification_id bigint not null references person_rectification (id) on delete cascade,
      organisation_id uuid not null references organisation (id),
      disclosures integer not null check (disclosures > 0),
      last_disclosed_at timestamptz not null,
      emails integer not null default 0,
      created_at timestamptz not null,
      unique (rectification_id, organisation_id)
    )`,
    `create table person_beyond_use (
      id bigserial primary key,
      person_id bigint not null references person (id) on delete cascade,
      reason text not null check (reason <> ''),
      marked_by uuid references app_user (id),
      marked_at timestamptz not null,
      lift_reason text,
      lifted_by uuid references app_user (id),
      lifted_at timestamptz,
      check ((lifted_at is null) = (lift_reason is null))
    )`,
    `create unique index person_beyond_use_current on person_beyond_use (person_id) where lifted_at is null`,
    `grant select, insert, update, delete on subject_access_request, subject_access_extension,
      subject_access_withholding, person_rectification, person_rectification_field, rectification_notice,
      person_beyond_use to upstream_app`,
    `grant usage on sequence subject_access_request_id_seq, subject_access_extension_id_seq,
      subject_access_withholding_id_seq, person_rectification_id_seq, rectification_notice_id_seq,
      person_beyond_use_id_seq to upstream_app`,
  ])
}
