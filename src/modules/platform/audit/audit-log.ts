import { createHash } from 'node:crypto'
import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import type { AuditRecipient } from '../tables.ts'
import { canonicalJson } from './canonical-json.ts'

/**
 * The one way anything is written to the audit log.
 *
 * The six operations of the Data Protection Act 2018 s.62, plus sign-in and security events.
 * Entries hold identifiers, field names and counts, never personal content, so that an
 * erasure never has to touch the log.
 */
export const AUDIT_ACTIONS = [
  'collect',
  'alter',
  'consult',
  'disclose',
  'combine',
  'erase',
  'sign-in',
  'security',
] as const
export type AuditAction = (typeof AUDIT_ACTIONS)[number]

export interface AuditEntryInput {
  action: AuditAction
  /** What happened, as a stable upper-case name: VIEW_AUDIT, CREATE_USER, SIGN_IN_FAILED... */
  event: string
  outcome?: 'success' | 'denied' | 'failure'
  actorUserId?: string | null
  actorOrganisationId?: string | null
  recordType?: string | null
  recordIds?: readonly string[]
  purpose?: string | null
  sharingAgreementId?: string | null
  recipients?: readonly AuditRecipient[]
  requestId?: string | null
  ip?: string | null
  /** Field names, counts, reasons: never values of personal data. */
  details?: Record<string, string | number | boolean | null | readonly string[]>
  occurredAt?: Date
}

/** Above this many ids, a bulk entry keeps the count and a SHA-256 of the sorted ids instead. */
export const MAX_LISTED_RECORD_IDS = 50

export const GENESIS_HASH = '0'.repeat(64)

// Any fixed number: serialises writers so the chain never forks.
const AUDIT_CHAIN_LOCK = 738_201_602

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/** The fields that are hashed, in the form verify recomputes them from a stored row. */
export interface ChainedFields {
  seq: number
  occurred_at: string
  action: string
  event: string
  outcome: string
  actor_user_id: string | null
  actor_organisation_id: string | null
  record_type: string | null
  record_ids: string[]
  record_count: number
  record_ids_sha256: string | null
  purpose: string | null
  sharing_agreement_id: string | null
  recipients: AuditRecipient[]
  request_id: string | null
  ip: string | null
  details: Record<string, unknown>
}

export function chainHash(prevHash: string, fields: ChainedFields): string {
  return sha256(prevHash + canonicalJson(fields))
}

export async function recordAudit(db: Kysely<Database>, entry: AuditEntryInput): Promise<number> {
  if (db.isTransaction) return appendEntry(db as Transaction<Database>, entry)
  return db.transaction().execute((trx) => appendEntry(trx, entry))
}

async function appendEntry(trx: Transaction<Database>, entry: AuditEntryInput): Promise<number> {
  await sql`select pg_advisory_xact_lock(${sql.lit(AUDIT_CHAIN_LOCK)})`.execute(trx)
  const head = await trx
    .selectFrom('audit_event')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst()
  const ids = [...(entry.recordIds ?? [])]
  const bulk = ids.length > MAX_LISTED_RECORD_IDS
  const fields: ChainedFields = {
    seq: (head?.seq ?? 0) + 1,
    // Millisecond precision survives the round trip through timestamptz, so verify recomputes the same text.
    occurred_at: (entry.occurredAt ?? new Date()).toISOString(),
    action: entry.action,
    event: entry.event,
    outcome: entry.outcome ?? 'success',
    actor_user_id: entry.actorUserId ?? null,
    actor_organisation_id: entry.actorOrganisationId ?? null,
    record_type: entry.recordType ?? null,
    record_ids: bulk ? [] : ids,
    record_count: ids.length,
    record_ids_sha256: bulk ? sha256([...ids].sort().join('\n')) : null,
    purpose: entry.purpose ?? null,
    sharing_agreement_id: entry.sharingAgreementId ?? null,
    recipients: [...(entry.recipients ?? [])],
    request_id: entry.requestId ?? null,
    ip: entry.ip ?? null,
    details: { ...(entry.details ?? {}) },
  }
  const prevHash = head?.hash ?? GENESIS_HASH
  await trx
    .insertInto('audit_event')
    .values({
      ...fields,
      record_ids: JSON.stringify(fields.record_ids),
      recipients: JSON.stringify(fields.recipients),
      details: JSON.stringify(fields.details),
      prev_hash: prevHash,
      hash: chainHash(prevHash, fields),
    })
    .execute()
  return fields.seq
}
