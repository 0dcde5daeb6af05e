import type { Kysely } from 'kysely'
import { runStatements } from '../run-statements.ts'

/**
 * data.police.uk outcomes and stop and search. Outcomes are a history of their own, one row per
 * crime, month and outcome, kept whether or not the crime has been imported; the latest of them
 * is copied onto the crime's incidents, found by Crime ID. A stop and search is an incident, and
 * the columns the incident does not hold are in a detail table keyed by the incident.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, [
    `insert into data_source (kind, name) values
      ('police-uk-outcomes', 'data.police.uk outcomes'),
      ('police-uk-stop-search', 'data.police.uk stop and search')`,
    `create table police_uk_outcome (
      id bigserial primary key,
      import_run_id bigint not null references import_run (id),
      natural_key text not null unique,
      crime_id text not null,
      month date not null check (extract(day from month) = 1),
      outcome_code text not null,
      outcome_label text not null,
      reported_by text,
      falls_within text,
      longitude double precision,
      latitude double precision,
      location_text text,
      lsoa_code text,
      lsoa_name text
    )`,
    `create index police_uk_outcome_crime on police_uk_outcome (crime_id, month)`,
    // Outcomes find their crimes by Crime ID, in either order of import.
    `create index incident_crime_id on incident (crime_id)`,
    `create table police_uk_stop_search (
      incident_id bigint primary key references incident (id) on delete cascade,
      import_run_id bigint not null references import_run (id),
      search_type text not null,
      part_of_policing_operation boolean,
      policing_operation text,
      gender text,
      age_range text,
      self_defined_ethnicity text,
      officer_defined_ethnicity text,
      legislation text,
      object_of_search text,
      outcome text,
      outcome_linked_to_object_of_search boolean,
      removal_of_more_than_just_outer_clothing boolean
    )`,
    `grant select, insert, update on police_uk_outcome, police_uk_stop_search to upstream_app`,
    `grant usage on sequence police_uk_outcome_id_seq to upstream_app`,
  ])
}
