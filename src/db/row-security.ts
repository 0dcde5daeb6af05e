import { DATA_CLASSES } from '../modules/platform/data-classes.ts'

/**
 * Row-level security, the second line behind the checks in code (SECURITY-CHECKLIST A6). The
 * application's plain role, upstream_app, sees a row of these tables only when the transaction's
 * viewer (src/db/viewer-scope.ts) may: the controller's staff their classes, others what their
 * active agreements give them for the purpose they stated, referrals only their own
 * organisation's. The role that owns the tables (the migrations' current_user) keeps an explicit
 * policy of its own, so the CLI, imports, linkage and trigger runs work as before; see
 * docs/decisions/0012-row-level-security.md.
 *
 * To cover a new table: call rowSecurityStatements() in its migration and add it to
 * ROW_SECURED_TABLES; test/row-security.test.ts checks the catalog against this list.
 */

/** Every table under row-level security, with the migration that put it there. */
export const ROW_SECURED_TABLES = [
  'person_record',
  'person_involvement',
  'person',
  'person_record_link',
  'link_review',
  'link_decision',
  'household',
  'household_member',
  'referral',
  'referral_evidence',
  'referral_event',
  'trigger_run',
  // 0024: restricted records, categories, retention and subject rights
  'person_restriction',
  'person_restriction_user',
  'person_beyond_use',
  'staff_interest',
  'break_glass_access',
  'involvement_grant',
  'referral_assessment',
  'record_retention',
  'retention_decision',
  'person_rectification',
  'person_rectification_field',
  'rectification_notice',
  'subject_access_request',
  'subject_access_extension',
  'subject_access_withholding',
] as const

/** The viewer's organisation, user, purpose and day, as withViewerScope sets them. Unset is null. */
export const VIEWER_SETTINGS = {
  organisation: 'upstream.organisation_id',
  user: 'upstream.user_id',
  purpose: 'upstream.purpose',
  day: 'upstream.day',
} as const

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`
const identifier = (name: string) => `"${name.replaceAll('"', '""')}"`

/** The classes of data and their controllers, from DATA_CLASSES: the one source of truth. */
export function dataClassFunction(): string {
  const rows = Object.entries(DATA_CLASSES).map(
    ([name, definition]) =>
      `(${literal(name)}, ${literal(definition.controller)}, ${definition.shareable ? 'true' : 'false'})`,
  )
  return `create or replace function upstream_data_class()
    returns table (name text, controller text, shareable boolean)
    language sql immutable as $$ values ${rows.join(', ')} $$`
}

/** The functions the policies read: the viewer's settings and mayAccess (sharing.ts) in SQL. */
export function viewerFunctions(): string[] {
  const setting = (name: string) => `nullif(current_setting(${literal(name)}, true), '')`
  return [
    `create or replace function upstream_viewer_organisation() returns uuid language sql stable as
      $$ select ${setting(VIEWER_SETTINGS.organisation)}::uuid $$`,
    `create or replace function upstream_viewer_purpose() returns text language sql stable as
      $$ select ${setting(VIEWER_SETTINGS.purpose)} $$`,
    // The day agreements are judged on: the request's, in the partnership's time zone (partnershipDate).
    `create or replace function upstream_viewer_day() returns date language sql stable as
      $$ select coalesce(${setting(VIEWER_SETTINGS.day)}::date, (now() at time zone 'Europe/London')::date) $$`,
    dataClassFunction(),
    // mayAccess: the controller's staff whatever the purpose; anyone else under an active
    // agreement from the controller for the class and the purpose. No organisation: nothing.
    `create or replace function upstream_may_see(data_class text, purpose text) returns boolean
      language sql stable as $$
      select coalesce((
        select o.kind = c.controller
          or (c.shareable and purpose is not null and exists (
            select 1 from sharing_agreement a
              join organisation provider on provider.id = a.provider_organisation_id
             where a.recipient_organisation_id = o.id
               and a.status = 'active'
               and a.starts_on <= upstream_viewer_day()
               and (a.ends_on is null or a.ends_on >= upstream_viewer_day())
               and data_class = any (a.data_classes)
               and purpose = any (a.purposes)
               and provider.kind = c.controller))
          from organisation o
          join upstream_data_class() c on c.name = data_class
         where o.id = upstream_viewer_organisation()), false)
      $$`,
  ]
}

/**
 * A row of a class is visible when the viewer may see that class for the stated purpose. The
 * sub-select makes it one evaluation a statement rather than one a row.
 */
export const classVisible = (dataClass: string) =>
  `(select upstream_may_see(${literal(dataClass)}, upstream_viewer_purpose()))`

/**
 * Enable and force row-level security on a table, with one policy for upstream_app (visible
 * rows are the ones it may also write) and one that lets the owner (current_user) see all.
 */
export function rowSecurityStatements(table: string, owner: string, visibleWhen: string): string[] {
  return [
    `alter table ${identifier(table)} enable row level security`,
    `alter table ${identifier(table)} force row level security`,
    `create policy viewer_scope on ${identifier(table)} to upstream_app
      using (${visibleWhen}) with check (${visibleWhen})`,
    `create policy owner_all on ${identifier(table)} to ${identifier(owner)} using (true) with check (true)`,
  ]
}
