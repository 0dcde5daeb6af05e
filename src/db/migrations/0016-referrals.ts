import type { Kysely } from 'kysely'
import { runStatements } from '../run-statements.ts'

/**
 * Referrals to a team or a partner organisation (issue 5): the referral itself, the incidents
 * that support it, its append-only history, and the team settings routing reads (which areas a
 * team covers, how many open referrals it can carry).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, [
    `create table team_area (
      team_id uuid not null references team (id) on delete cascade,
      area_code text not null,
      primary key (team_id, area_code)
    )`,
    `create index team_area_code on team_area (area_code)`,
    `create table referral_team_setting (
      team_id uuid primary key references team (id) on delete cascade,
      capacity integer not null check (capacity > 0)
    )`,
    `create table referral (
      id bigserial primary key,
      reference text generated always as ('REF-' || lpad(id::text, 6, '0')) stored unique,
      -- Null for a referral about a place or a group rather than one known person.
      person_id bigint references person (id) on delete cascade,
      subject text not null default '',
      purpose text not null check (purpose in ('safeguarding', 'crime-prevention', 'problem-solving', 'evaluation', 'strategic-planning')),
      reason text not null,
      -- Seen only by staff of the police force, whatever the agreements say.
      police_note text not null default '',
      from_organisation_id uuid not null references organisation (id),
      from_team_id uuid references team (id) on delete set null,
      from_user_id uuid references app_user (id),
      to_organisation_id uuid not null references organisation (id),
      to_team_id uuid references team (id) on delete set null,
      status text not null default 'new' check (status in
        ('new', 'needs_information', 'accepted', 'declined', 'assigned', 'in_progress', 'closed')),
      priority text not null check (priority in ('low', 'normal', 'high', 'urgent')),
      due_at timestamptz,
      assigned_user_id uuid references app_user (id),
      outcome text check (outcome in
        ('support-provided', 'support-refused', 'unable-to-contact', 'no-further-action', 'referred-on')),
      accepted_at timestamptz,
      screened_at timestamptz,
      closed_at timestamptz,
      trigger_rule_key text,
      trigger_rule_version integer,
      onward_from_referral_id bigint references referral (id) on delete set null,
      version integer not null default 1,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      check (person_id is not null or subject <> ''),
      check ((trigger_rule_key is null) = (trigger_rule_version is null)),
      check ((status in ('declined', 'closed')) = (closed_at is not null))
    )`,
    // One open referral per person per rule: new evidence joins it (raiseFromTrigger).
    `create unique index referral_open_per_person_rule on referral (person_id, trigger_rule_key)
      where trigger_rule_key is not null and person_id is not null and status not in ('declined', 'closed')`,
    `create index referral_to_organisation on referral (to_organisation_id, status, due_at)`,
    `create index referral_to_team on referral (to_team_id, status)`,
    `create index referral_from_organisation on referral (from_organisation_id, created_at)`,
    `create index referral_person on referral (person_id)`,
    `create table referral_evidence (
      id bigserial primary key,
      referral_id bigint not null references referral (id) on delete cascade,
      incident_id bigint not null references incident (id) on delete cascade,
      incident_date date not null,
      why text not null,
      rule_key text,
      rule_version integer,
      added_at timestamptz not null,
      unique (referral_id, incident_id)
    )`,
    `create table referral_event (
      id bigserial primary key,
      referral_id bigint not null references referral (id) on delete cascade,
      -- The referral's version after this event: a stale writer is shown the events after its version.
      referral_version integer not null,
      occurred_at timestamptz not null,
      actor_user_id uuid references app_user (id),
      actor_organisation_id uuid references organisation (id),
      kind text not null check (kind in ('raised', 'evidence-added', 'accept', 'decline', 'request-information',
        'supply-information', 'assign', 'start', 'note', 'action', 'close', 'refer-on')),
      from_status text,
      to_status text,
      text text not null default '',
      details jsonb not null default '{}'
    )`,
    `create index referral_event_referral on referral_event (referral_id, id)`,
    // History is never rewritten; rows go only with their referral (erasure cascades).
    `create function referral_event_is_append_only() returns trigger language plpgsql as $$
     begin
       raise exception 'referral_event is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
     end $$`,
    `create trigger referral_event_no_update before update on referral_event
       for each row execute function referral_event_is_append_only()`,
    `grant select, insert, update, delete on team_area, referral_team_setting, referral, referral_evidence to upstream_app`,
    `grant select, insert, delete on referral_event to upstream_app`,
    `grant usage on sequence referral_id_seq, referral_evidence_id_seq, referral_event_id_seq to upstream_app`,
  ])
}
