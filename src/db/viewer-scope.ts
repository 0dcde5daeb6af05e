import { sql, type Kysely, type Transaction } from 'kysely'
import { partnershipDate } from '../modules/platform/sharing.ts'
import { VIEWER_SETTINGS } from './row-security.ts'

/** Who is looking, and when: enough for the row-level policies (src/db/row-security.ts). */
export interface ScopedViewer {
  id: string
  organisationId: string
  /** The request's time (the injectable clock): agreements are judged on its day. Now when absent. */
  on?: Date
}

/**
 * Runs work in one transaction as upstream_app (NOSUPERUSER NOBYPASSRLS) with the viewer's
 * organisation, user, purpose and day set for that transaction only, so that row-level security
 * holds even if a check in code is missed (SECURITY-CHECKLIST A6).
 *
 * Called inside a transaction, it scopes that transaction from here to its end: only nest it in
 * one that is already the viewer's.
 */
export async function withViewerScope<DB, T>(
  db: Kysely<DB>,
  viewer: ScopedViewer,
  purpose: string | null,
  work: (trx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  const scoped = async (trx: Transaction<DB>) => {
    await sql`set local role upstream_app`.execute(trx)
    await sql`select set_config(${VIEWER_SETTINGS.organisation}, ${viewer.organisationId}, true),
      set_config(${VIEWER_SETTINGS.user}, ${viewer.id}, true),
      set_config(${VIEWER_SETTINGS.purpose}, ${purpose ?? ''}, true),
      set_config(${VIEWER_SETTINGS.day}, ${partnershipDate(viewer.on ?? new Date())}, true)`.execute(trx)
    return work(trx)
  }
  if (db.isTransaction) return scoped(db as Transaction<DB>)
  return db.transaction().execute(scoped)
}
