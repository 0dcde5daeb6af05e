import type { Kysely } from 'kysely'
import { runStatements } from '../run-statements.ts'

/**
 * Partner incidents: calls for service, A&E assault attendances (ISTV / Cardiff Model) and
 * missing-person episodes. Each is an incident; what the incident table has no column for
 * lives in a detail table keyed by the incident, replaced with it on a re-published row.
 * Code columns hold a stable code ('unknown' for a label outside the format's list) beside the
 * label as the file gave it. The formats are documented in docs/formats/.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, [
    `insert into data_source (kind, name) values
      ('call-for-service', 'Upstream calls for service'),
      ('ae-assault', 'Upstream A&E assault attendances (ISTV)'),
      ('missing-episode', 'Upstream missing-person episodes')`,
    `create table call_for_service_detail (
      incident_id bigint primary key references incident (id) on delete cascade,
      initial_category_code text not null,
      initial_category_label text not null,
      final_category_code text,
      final_category_label text,
      grade_code text not null,
      grade_label text not null,
      repeat_caller boolean,
      vulnerability_codes text[] not null default '{}',
      vulnerability_labels text[] not null default '{}',
      closing_code text,
      closing_label text
    )`,
    `create table ae_assault_detail (
      incident_id bigint primary key references incident (id) on delete cascade,
      site_code text not null,
      arrival_at timestamptz,
      assault_date date not null,
      assault_at timestamptz,
      location_type_code text not null,
      location_type_label text not null,
      method_code text not null,
      method_label text not null,
      method_description text,
      assailant_count integer check (assailant_count >= 0),
      assailant_relationship_code text,
      assailant_relationship_label text,
      assailant_gender_code text,
      assailant_gender_label text
    )`,
    `create table missing_episode_detail (
      incident_id bigint primary key references incident (id) on delete cascade,
      person_reference text not null,
      reported_missing_at timestamptz not null,
      returned_at timestamptz check (returned_at >= reported_missing_at),
      missing_from_type_code text,
      missing_from_type_label text,
      found_location_text text,
      found_longitude double precision,
      found_latitude double precision,
      risk_level_code text not null,
      risk_level_label text not null
    )`,
    // Repeat-missing triggers look up a person's episodes in time order.
    `create index missing_episode_detail_person on missing_episode_detail (person_reference, reported_missing_at)`,
    `grant select, insert, update on call_for_service_detail, ae_assault_detail, missing_episode_detail to upstream_app`,
  ])
}
