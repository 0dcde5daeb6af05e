import { sql, type Kysely } from 'kysely'
import { classVisible, rowSecurityStatements, VIEWER_SETTINGS } from '../row-security.ts'
import { runStatements } from '../run-statements.ts'

/**
 * Row-level security on the tables of restricted records, data-subject categories, retention and
 * subject rights (migrations 0019–0022), as 0023 does for people and referrals.
 *
 * The gates must fail closed: a restriction or a "beyond use" mark hidden from the viewer would
 * let the record open. So those rows are visible to every scoped viewer; they hold ids, kinds and
 * dates that the code checks, and the record itself stays behind its own policy. A user's staff
 * interests, break-glass accesses and grants are visible to that user (the gate asks about the
 * viewer only) and to the controller's staff.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ owner: string }>`select current_user as owner`.execute(db)
  const owner = rows[0]!.owner
  const identity = classVisible('person-identity')
  const anyViewer = `(select upstream_viewer_organisation()) is not null`
  const ownOrIdentity = `user_id = (select upstream_viewer_user()) or ${identity}`
  const throughReferral = `exists (select 1 from referral r where r.id = referral_id)`
  await runStatements(db, [
    `create or replace function upstream_viewer_user() returns uuid language sql stable as
      $$ select nullif(current_setting('${VIEWER_SETTINGS.user}', true), '')::uuid $$`,
    ...rowSecurityStatements('person_restriction', owner, anyViewer),
    ...rowSecurityStatements('person_restriction_user', owner, anyViewer),
    ...rowSecurityStatements('person_beyond_use', owner, anyViewer),
    ...rowSecurityStatements('staff_interest', owner, ownOrIdentity),
    ...rowSecurityStatements('break_glass_access', owner, ownOrIdentity),
    ...rowSecurityStatements('involvement_grant', owner, ownOrIdentity),
    ...rowSecurityStatements('referral_assessment', owner, throughReferral),
    ...rowSecurityStatements('record_retention', owner, identity),
    ...rowSecurityStatements('retention_decision', owner, identity),
    ...rowSecurityStatements('person_rectification', owner, identity),
    ...rowSecurityStatements('person_rectification_field', owner, identity),
    ...rowSecurityStatements(
      'rectification_notice',
      owner,
      `organisation_id = (select upstream_viewer_organisation()) or ${identity}`,
    ),
    ...rowSecurityStatements('subject_access_request', owner, identity),
    ...rowSecurityStatements('subject_access_extension', owner, identity),
    ...rowSecurityStatements('subject_access_withholding', owner, identity),
  ])
}
