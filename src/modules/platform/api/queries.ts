import type { Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { recordAudit, type AuditEntryInput } from '../audit/audit-log.ts'

/** SQL behind the JSON API. Row shapes stay here; routes see the plain objects returned. */

export interface AccountVersion {
  version: number
}

export async function accountVersion(db: Kysely<Database>, userId: string): Promise<number> {
  const row = await db.selectFrom('app_user').select('version').where('id', '=', userId).executeTakeFirstOrThrow()
  return row.version
}

export async function teamsOf(db: Kysely<Database>, teamIds: readonly string[]): Promise<{ id: string; name: string }[]> {
  if (teamIds.length === 0) return []
  return db.selectFrom('team').select(['id', 'name']).where('id', 'in', teamIds).orderBy('name').execute()
}

export async function listOrganisations(db: Kysely<Database>) {
  const rows = await db
    .selectFrom('organisation')
    .select(['id', 'name', 'kind', 'oidc_issuer', 'version'])
    .orderBy('name')
    .execute()
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    kind: row.kind,
    signsInWithOpenIdConnect: row.oidc_issuer !== null,
    version: row.version,
  }))
}

/**
 * Renames the account if it is still at the version the caller read, and audits the change
 * in the same transaction. Returns the new version, or undefined when the version is stale.
 */
export async function renameAccount(
  db: Kysely<Database>,
  change: { userId: string; displayName: string; expectedVersion: number; now: Date },
  audit: Omit<AuditEntryInput, 'action' | 'event' | 'recordType' | 'recordIds' | 'details'>,
): Promise<number | undefined> {
  return db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('app_user')
      .set((eb) => ({ display_name: change.displayName, updated_at: change.now, version: eb('version', '+', 1) }))
      .where('id', '=', change.userId)
      .where('version', '=', change.expectedVersion)
      .returning('version')
      .executeTakeFirst()
    if (!updated) return undefined
    await recordAudit(trx, {
      ...audit,
      action: 'alter',
      event: 'UPDATE_OWN_ACCOUNT',
      recordType: 'app_user',
      recordIds: [change.userId],
      details: { fields: ['displayName'] },
    })
    return updated.version
  })
}
