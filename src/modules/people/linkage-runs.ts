import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'

export interface LinkageRunRow {
  id: number
  status: string
  startedBy: string | null
  startedAt: Date
  finishedAt: Date | null
  records: number
  identities: number
  linkedPairs: number
  reviewPairs: number
  threshold: number
  reviewFrom: number
  error: string | null
}

/** The newest linkage runs: counts and who started them, no personal data. */
export async function listLinkageRuns(db: Kysely<Database>, limit: number): Promise<LinkageRunRow[]> {
  const rows = await db
    .selectFrom('linkage_run as r')
    .leftJoin('app_user as u', 'u.id', 'r.started_by')
    .select([
      'r.id',
      'r.status',
      'u.display_name',
      'r.started_at',
      'r.finished_at',
      'r.records',
      'r.identities',
      'r.linked_pairs',
      'r.review_pairs',
      'r.threshold',
      'r.review_from',
      'r.error',
    ])
    .orderBy('r.id', 'desc')
    .limit(limit)
    .execute()
  return rows.map((row) => ({
    id: row.id,
    status: row.status,
    startedBy: row.display_name,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    records: row.records,
    identities: row.identities,
    linkedPairs: row.linked_pairs,
    reviewPairs: row.review_pairs,
    threshold: row.threshold,
    reviewFrom: row.review_from,
    error: row.error,
  }))
}
