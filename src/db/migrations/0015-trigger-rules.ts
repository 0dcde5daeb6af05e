import { sql, type Kysely } from 'kysely'
import { runStatements } from '../run-statements.ts'
import { SHIPPED_RULES } from '../../modules/triggers/shipped-rules.ts'

/**
 * Trigger rules (issue 5): a rule is a key and a title; its versions hold the JSON definition.
 * A version is a draft until a supervisor other than its author approves it; approving retires
 * the version that was live, so a rule has at most one approved version at a time. Versions are
 * never deleted: a hit names the version that raised it.
 *
 * The six shipped rules go in as approved version 1, with no author or approver: they come with
 * Upstream and are documented in docs/triggers/README.md.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, [
    `create table trigger_rule (
      id bigserial primary key,
      key text not null unique check (key ~ '^[a-z][a-z0-9]*(-[a-z0-9]+)*$'),
      title text not null,
      created_at timestamptz not null default now()
    )`,
    `create table trigger_rule_version (
      id bigserial primary key,
      rule_id bigint not null references trigger_rule (id),
      version integer not null check (version >= 1),
      definition jsonb not null,
      status text not null check (status in ('draft', 'approved', 'retired')),
      created_by uuid references app_user (id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      approved_by uuid references app_user (id),
      approved_at timestamptz,
      retired_at timestamptz,
      unique (rule_id, version),
      check (status = 'draft' or approved_at is not null),
      check (status <> 'retired' or retired_at is not null),
      -- Four eyes: whoever wrote a version cannot be the one who approves it.
      check (approved_by is null or created_by is null or approved_by <> created_by)
    )`,
    `create unique index trigger_rule_one_approved on trigger_rule_version (rule_id) where status = 'approved'`,
    `create unique index trigger_rule_one_draft on trigger_rule_version (rule_id) where status = 'draft'`,
    `grant select, insert, update on trigger_rule, trigger_rule_version to upstream_app`,
    `grant usage on sequence trigger_rule_id_seq, trigger_rule_version_id_seq to upstream_app`,
  ])
  for (const rule of SHIPPED_RULES) {
    await sql`
      with inserted as (
        insert into trigger_rule (key, title) values (${rule.key}, ${rule.title}) returning id
      )
      insert into trigger_rule_version (rule_id, version, definition, status, approved_at)
      select id, ${rule.version}, ${JSON.stringify(rule)}::jsonb, 'approved', now() from inserted`.execute(db)
  }
}
