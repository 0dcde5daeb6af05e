import type { Kysely } from 'kysely'
import { runStatements } from '../run-statements.ts'

/**
 * People and their involvements in incidents, from a force's or a partner's extract. A person
 * record is one person in one source system (no linkage across systems here); an involvement
 * links it to an incident by the incident's source and reference, resolved to the incident
 * once that incident has been imported.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, [
    `insert into data_source (kind, name) values ('people-involvements', 'people and their involvements in incidents')`,
    `create table person_record (
      id bigserial primary key,
      source_system text not null,
      source_person_id text not null,
      first_names text not null check (first_names <> ''),
      last_name text not null check (last_name <> ''),
      first_names_normalised text not null,
      last_name_normalised text not null,
      date_of_birth date,
      address text,
      postcode text,
      import_run_id bigint not null references import_run (id),
      unique (source_system, source_person_id)
    )`,
    `create index person_record_import_run on person_record (import_run_id)`,
    `create table person_involvement (
      id bigserial primary key,
      person_record_id bigint not null references person_record (id) on delete cascade,
      natural_key text not null unique,
      role text not null check (role in
        ('victim', 'suspect', 'offender', 'witness', 'reporting-person', 'missing-person', 'child-present', 'other')),
      incident_source_kind text not null,
      incident_reference text not null,
      incident_id bigint references incident (id) on delete set null,
      import_run_id bigint not null references import_run (id)
    )`,
    `create index person_involvement_person on person_involvement (person_record_id)`,
    `create index person_involvement_incident on person_involvement (incident_id)`,
    `create index person_involvement_import_run on person_involvement (import_run_id)`,
    // Only the involvements still waiting for their incident are looked at by resolveInvolvements.
    `create index person_involvement_unresolved on person_involvement (incident_source_kind, incident_reference)
      where incident_id is null`,
    `create index if not exists incident_source_reference on incident (source_kind, source_reference)`,
    `grant select, insert, update on person_record, person_involvement to upstream_app`,
    `grant usage on sequence person_record_id_seq, person_involvement_id_seq to upstream_app`,
  ])
}
