import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'

/**
 * Who wrote each approved rule version, keyed 'key@version': the author of the assessments its
 * hits make (checklist C3). Null for the rules shipped with Upstream.
 */
export async function approvedRuleAuthors(db: Kysely<Database>): Promise<Map<string, string | null>> {
  const rows = await db
    .selectFrom('trigger_rule_version as v')
    .innerJoin('trigger_rule as r', 'r.id', 'v.rule_id')
    .select(['r.key', 'v.version', 'v.created_by'])
    .where('v.status', '=', 'approved')
    .execute()
  return new Map(rows.map((row) => [`${row.key}@${row.version}`, row.created_by]))
}
