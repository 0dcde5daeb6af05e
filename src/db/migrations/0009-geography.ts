import type { Kysely } from 'kysely'
import { runStatements } from '../run-statements.ts'

/**
 * Areas and which incidents fall in them. Areas form a hierarchy (each has at most one
 * parent); area_ancestor holds every (area, ancestor) pair including the area itself at
 * depth 0, so "incidents in this area or below" is one join. An incident belongs directly to
 * every area it was assigned to: its LSOA by code, and each boundary polygon holding its point.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, [
    `create table area (
      id bigserial primary key,
      level text not null check (level in
        ('force', 'local-policing-area', 'local-authority', 'ward', 'neighbourhood', 'lsoa')),
      code text not null,
      name text not null,
      parent_id bigint references area (id) on delete set null,
      geometry jsonb,
      min_longitude double precision,
      min_latitude double precision,
      max_longitude double precision,
      max_latitude double precision,
      source text not null,
      unique (level, code)
    )`,
    `create index area_parent on area (parent_id)`,
    `create table area_ancestor (
      area_id bigint not null references area (id) on delete cascade,
      ancestor_id bigint not null references area (id) on delete cascade,
      depth integer not null,
      primary key (area_id, ancestor_id)
    )`,
    `create index area_ancestor_ancestor on area_ancestor (ancestor_id)`,
    `create table incident_area (
      incident_id bigint not null references incident (id) on delete cascade,
      area_id bigint not null references area (id) on delete cascade,
      primary key (incident_id, area_id)
    )`,
    `create index incident_area_area on incident_area (area_id)`,
    // Assigning a run's incidents by point reads them a page at a time in id order.
    `create index incident_run_located on incident (import_run_id, id) where longitude is not null`,
    `grant select, insert, update, delete on area, area_ancestor, incident_area to upstream_app`,
    `grant usage on sequence area_id_seq to upstream_app`,
  ])
}
