import type { Kysely } from 'kysely'
import { runStatements } from '../run-statements.ts'

/**
 * Categories of data subject, and facts kept apart from assessments (checklist C3, DPA s.38).
 *
 * Every person–incident link gets a category from one closed list, an enum type so that no
 * writer can store a value outside it. The source's own role stays beside it: the category is
 * what the law asks for, the role what the source said (child-present becomes child-at-risk).
 *
 * Referral evidence carries the category of the referral's person in each incident and where
 * the item came from (the incident's data source and import run, and the records system that
 * recorded the involvement).
 *
 * Assessments (a rule's finding, an RFG score, a priority) go in their own table rather than in
 * flag columns beside the facts: each has a source, an author and a date of its own, a referral
 * gathers several over time (a later run scores again), and a reader can never take one for a
 * recorded fact because it is never in the same row as one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, [
    `create type data_subject_category as enum
      ('suspect', 'offender', 'victim', 'witness', 'reporting-person', 'child-at-risk', 'missing-person', 'other')`,
    `alter table person_involvement add column category data_subject_category`,
    `update person_involvement set category = (case role when 'child-present' then 'child-at-risk' else role end)::data_subject_category`,
    `alter table person_involvement alter column category set not null`,

    `alter table referral_evidence add column category data_subject_category`,
    `alter table referral_evidence add column source_kind text references data_source (kind)`,
    `alter table referral_evidence add column import_run_id bigint references import_run (id)`,
    // Null when the person has no recorded involvement in the incident (it reached the referral
    // through their household): the category is then derived, not recorded.
    `alter table referral_evidence add column category_source_system text`,
    `update referral_evidence e set
      source_kind = i.source_kind,
      import_run_id = i.import_run_id,
      category = coalesce((
        select (case v.role when 'child-present' then 'child-at-risk' else v.role end)::data_subject_category
        from person_involvement v
        join person_record_link l on l.person_record_id = v.person_record_id
        join referral r on r.person_id = l.person_id
        where r.id = e.referral_id and v.incident_id = e.incident_id
        order by v.id limit 1), 'other'),
      category_source_system = (
        select pr.source_system
        from person_involvement v
        join person_record pr on pr.id = v.person_record_id
        join person_record_link l on l.person_record_id = v.person_record_id
        join referral r on r.person_id = l.person_id
        where r.id = e.referral_id and v.incident_id = e.incident_id
        order by v.id limit 1)
      from incident i where i.id = e.incident_id`,
    `alter table referral_evidence alter column category set not null`,
    `alter table referral_evidence alter column source_kind set not null`,
    `alter table referral_evidence alter column import_run_id set not null`,

    `create table referral_assessment (
      id bigserial primary key,
      referral_id bigint not null references referral (id) on delete cascade,
      kind text not null check (kind in ('trigger-finding', 'rfg-score', 'priority')),
      finding text not null check (finding <> ''),
      -- Structured detail for a reader that computes (the parts of an RFG score, the evidence count).
      detail jsonb not null default '{}',
      source text not null check (source in ('rule', 'user')),
      rule_key text,
      rule_version integer,
      -- The member of staff who made it, or who wrote the rule version; null for a rule shipped with Upstream.
      author_user_id uuid references app_user (id),
      assessed_at timestamptz not null,
      check ((source = 'rule') = (rule_key is not null and rule_version is not null)),
      check (source = 'rule' or author_user_id is not null)
    )`,
    `create index referral_assessment_referral on referral_assessment (referral_id, assessed_at)`,
    // Referrals already made: their priority was set by the rule or by the member of staff who made them.
    `insert into referral_assessment (referral_id, kind, finding, source, rule_key, rule_version, author_user_id, assessed_at)
      select id, 'priority', 'Priority ' || priority,
        case when trigger_rule_key is null then 'user' else 'rule' end,
        trigger_rule_key, trigger_rule_version, from_user_id, created_at
      from referral where trigger_rule_key is not null or from_user_id is not null`,
    `grant select, insert, delete on referral_assessment to upstream_app`,
    `grant usage on sequence referral_assessment_id_seq to upstream_app`,
  ])
}
