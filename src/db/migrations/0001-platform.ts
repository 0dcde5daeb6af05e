import type { Kysely } from 'kysely'
import { runStatements } from '../run-statements.ts'

/**
 * Platform tables: partnership, organisations, teams, users, sessions, sharing agreements
 * and the append-only, hash-chained audit log.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, [
    `create table partnership (
      id int primary key check (id = 1),
      name text not null,
      force_name text not null,
      areas_served jsonb not null default '[]',
      updated_at timestamptz not null default now(),
      version int not null default 1
    )`,
    `create table organisation (
      id uuid primary key default gen_random_uuid(),
      name text not null,
      kind text not null,
      oidc_issuer text,
      oidc_client_id text,
      oidc_client_secret text,
      oidc_require_mfa boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      version int not null default 1
    )`,
    `create unique index organisation_name_unique on organisation (lower(name))`,
    `create table team (
      id uuid primary key default gen_random_uuid(),
      organisation_id uuid not null references organisation (id),
      name text not null,
      kind text not null,
      created_at timestamptz not null default now(),
      version int not null default 1,
      unique (organisation_id, name)
    )`,
    `create table app_user (
      id uuid primary key default gen_random_uuid(),
      organisation_id uuid not null references organisation (id),
      email text not null,
      display_name text not null,
      role text not null,
      password_hash text,
      oidc_issuer text,
      oidc_subject text,
      disabled boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      last_sign_in_at timestamptz,
      password_changed_at timestamptz,
      version int not null default 1,
      unique (oidc_issuer, oidc_subject)
    )`,
    `create unique index app_user_email_unique on app_user (lower(email))`,
    `create table team_membership (
      team_id uuid not null references team (id) on delete cascade,
      user_id uuid not null references app_user (id) on delete cascade,
      primary key (team_id, user_id)
    )`,
    `create table user_session (
      id text primary key,
      user_id uuid not null references app_user (id) on delete cascade,
      csrf_token text not null,
      created_at timestamptz not null,
      last_seen_at timestamptz not null,
      absolute_expires_at timestamptz not null,
      ip text,
      user_agent text,
      ended_at timestamptz,
      ended_reason text
    )`,
    `create index user_session_user on user_session (user_id) where ended_at is null`,
    `create table sign_in_failure (
      id bigserial primary key,
      account_key text not null,
      ip text not null,
      failed_at timestamptz not null
    )`,
    `create index sign_in_failure_account on sign_in_failure (account_key, failed_at)`,
    `create index sign_in_failure_ip on sign_in_failure (ip, failed_at)`,
    `create table sharing_agreement (
      id uuid primary key default gen_random_uuid(),
      reference text not null unique,
      title text not null,
      provider_organisation_id uuid not null references organisation (id),
      recipient_organisation_id uuid not null references organisation (id),
      data_classes text[] not null,
      purposes text[] not null,
      status text not null check (status in ('active', 'suspended')),
      starts_on date not null,
      ends_on date,
      requires_involvement boolean not null default false,
      notes text not null default '',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      version int not null default 1,
      check (ends_on is null or ends_on >= starts_on)
    )`,
    `create index sharing_agreement_recipient on sharing_agreement (recipient_organisation_id)`,
    `create table audit_event (
      seq bigint primary key,
      occurred_at timestamptz not null,
      action text not null,
      event text not null,
      outcome text not null,
      actor_user_id uuid,
      actor_organisation_id uuid,
      record_type text,
      record_ids jsonb not null default '[]',
      record_count int not null default 0,
      record_ids_sha256 text,
      purpose text,
      sharing_agreement_id uuid,
      recipients jsonb not null default '[]',
      request_id text,
      ip text,
      details jsonb not null default '{}',
      prev_hash text not null,
      hash text not null unique
    )`,
    `create index audit_event_occurred on audit_event (occurred_at)`,
    `create index audit_event_actor on audit_event (actor_user_id, occurred_at)`,
    // Append-only: the application may insert and read, never change or remove.
    `create function audit_event_is_append_only() returns trigger language plpgsql as $$
     begin
       raise exception 'audit_event is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
     end $$`,
    `create trigger audit_event_no_update_or_delete before update or delete on audit_event
       for each row execute function audit_event_is_append_only()`,
    `create trigger audit_event_no_truncate before truncate on audit_event
       for each statement execute function audit_event_is_append_only()`,
    // The plain role the application runs as where it can (PostgreSQL servers; SET LOCAL ROLE on PGlite).
    // Roles are cluster-wide, so another database on the same server may have made it already.
    `do $$ begin
       create role upstream_app nologin nosuperuser nobypassrls;
     exception when duplicate_object then null;
     end $$`,
    `grant select, insert on audit_event to upstream_app`,
    `grant select, insert, update, delete on partnership, organisation, team, app_user, team_membership,
       user_session, sign_in_failure, sharing_agreement to upstream_app`,
    `grant usage on sequence sign_in_failure_id_seq to upstream_app`,
  ])
}
