import { sql, type Kysely } from 'kysely'
import { classVisible, rowSecurityStatements, viewerFunctions } from '../row-security.ts'
import { runStatements } from '../run-statements.ts'

/**
 * Row-level security on the tables of people, identities, referrals and trigger runs
 * (SECURITY-CHECKLIST A6), read by upstream_app through the viewer's transaction-local
 * settings (src/db/viewer-scope.ts). Child tables follow their parent. The owner keeps all
 * rows (docs/decisions/0012-row-level-security.md).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ owner: string }>`select current_user as owner`.execute(db)
  const owner = rows[0]!.owner
  const identity = classVisible('person-identity')
  const party = `(select upstream_viewer_organisation()) in (from_organisation_id, to_organisation_id)
    or upstream_referred_on_to_viewer(id)`
  const throughReferral = `exists (select 1 from referral r where r.id = referral_id)`
  await runStatements(db, [
    ...viewerFunctions(),
    // The owner sets the role of each request; a superuser may already, a plain owner needs the membership.
    `do $$ begin
       if not (select rolsuper from pg_roles where rolname = current_user)
          and not pg_has_role(current_user, 'upstream_app', 'member') then
         execute format('grant upstream_app to %I', current_user);
       end if;
     end $$`,
    // The parties of an onward referral see the one it came from (its page links to it). Definer's
    // rights: a policy on referral cannot read referral through itself.
    `create function upstream_referred_on_to_viewer(referral_id bigint) returns boolean
      language sql stable security definer set search_path = public, pg_temp as $$
      select exists (select 1 from referral onward
        where onward.onward_from_referral_id = referral_id
          and upstream_viewer_organisation() in (onward.from_organisation_id, onward.to_organisation_id))
      $$`,
    `create index referral_onward_from on referral (onward_from_referral_id) where onward_from_referral_id is not null`,
    `revoke execute on function upstream_referred_on_to_viewer(bigint) from public`,
    `grant execute on function upstream_referred_on_to_viewer(bigint) to upstream_app`,
    ...rowSecurityStatements('person_record', owner, identity),
    ...rowSecurityStatements('person_record_link', owner, identity),
    // A referral names its person to the parties that may see identities for its purpose.
    ...rowSecurityStatements(
      'person',
      owner,
      `${identity} or exists (select 1 from referral r where r.person_id = person.id
        and upstream_may_see('person-identity', r.purpose))`,
    ),
    ...rowSecurityStatements('person_involvement', owner, classVisible('person-involvement')),
    ...rowSecurityStatements('link_review', owner, identity),
    ...rowSecurityStatements('link_decision', owner, identity),
    ...rowSecurityStatements('household', owner, identity),
    ...rowSecurityStatements('household_member', owner, identity),
    ...rowSecurityStatements('referral', owner, party),
    ...rowSecurityStatements('referral_evidence', owner, throughReferral),
    ...rowSecurityStatements('referral_event', owner, throughReferral),
    // Runs over every timeline: for the staff of the controller of involvements only.
    ...rowSecurityStatements('trigger_run', owner, `(select upstream_may_see('person-involvement', null))`),
  ])
}
