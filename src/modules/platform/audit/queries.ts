import { sql, type ExpressionBuilder, type Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import type { AuditRecipient } from '../tables.ts'
import type { ChainedFields } from './audit-log.ts'

/** The SQL of the audit log's readers: verify, checkpoints, search and anomaly reports. */

export interface StoredAuditEntry extends ChainedFields {
  prev_hash: string
  hash: string
}

export interface ChainHead {
  seq: number
  hash: string
}

/** Whether the audit table exists at all (a database that was never migrated has none). */
export async function auditLogExists(db: Kysely<Database>): Promise<boolean> {
  const { rows } = await sql<{ table: string | null }>`select to_regclass('audit_event')::text as table`.execute(db)
  return rows[0]?.table != null
}

/** The last committed entry, or undefined for an empty log. */
export async function readChainHead(db: Kysely<Database>): Promise<ChainHead | undefined> {
  return db.selectFrom('audit_event').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst()
}

export async function readHeadSeq(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('audit_event')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst()
  return Number(row?.seq ?? 0)
}

/** One page of entries after a sequence number, in order, as stored (keyset paging keeps memory flat). */
export async function readEntriesAfter(db: Kysely<Database>, afterSeq: number, limit: number): Promise<StoredAuditEntry[]> {
  const rows = await db
    .selectFrom('audit_event')
    .selectAll()
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute()
  return rows.map((row) => ({
    seq: row.seq,
    occurred_at: new Date(row.occurred_at).toISOString(),
    action: row.action,
    event: row.event,
    outcome: row.outcome,
    actor_user_id: row.actor_user_id,
    actor_organisation_id: row.actor_organisation_id,
    record_type: row.record_type,
    record_ids: row.record_ids,
    record_count: row.record_count,
    record_ids_sha256: row.record_ids_sha256,
    purpose: row.purpose,
    sharing_agreement_id: row.sharing_agreement_id,
    recipients: row.recipients,
    request_id: row.request_id,
    ip: row.ip,
    details: row.details,
    prev_hash: row.prev_hash,
    hash: row.hash,
  }))
}

/** Search conditions, already validated: ids are UUIDs, dates are real instants. */
export interface AuditSearchConditions {
  action?: string
  event?: string
  actorUserId?: string
  actorEmail?: string
  recordType?: string
  recordId?: string
  occurredFrom?: Date
  occurredBefore?: Date
  outcome?: string
}

/** Whose entries a reader may see: everything, or only the actions of members of some teams. */
export type AuditReadScope = { kind: 'all' } | { kind: 'teams'; teamIds: readonly string[] }

export interface AuditListEntry {
  seq: number
  occurredAt: Date
  action: string
  event: string
  outcome: string
  actorUserId: string | null
  actorEmail: string | null
  actorOrganisationId: string | null
  actorOrganisationName: string | null
  recordType: string | null
  recordIds: string[]
  recordCount: number
  recordIdsSha256: string | null
  purpose: string | null
  sharingAgreementId: string | null
  recipients: AuditRecipient[]
  requestId: string | null
  ip: string | null
  details: Record<string, unknown>
  prevHash: string
  hash: string
}

type AuditSearchTables = Database & { e: Database['audit_event'] }

function whereConditions(conditions: AuditSearchConditions, scope: AuditReadScope) {
  return (eb: ExpressionBuilder<AuditSearchTables, 'e'>) => {
    const parts = []
    if (scope.kind === 'teams') {
      if (scope.teamIds.length === 0) return eb.val(false)
      parts.push(
        eb(
          'e.actor_user_id',
          'in',
          eb.selectFrom('team_membership').select('team_membership.user_id').where('team_membership.team_id', 'in', [...scope.teamIds]),
        ),
      )
    }
    if (conditions.action) parts.push(eb('e.action', '=', conditions.action))
    if (conditions.event) parts.push(eb('e.event', '=', conditions.event))
    if (conditions.outcome) parts.push(eb('e.outcome', '=', conditions.outcome))
    if (conditions.recordType) parts.push(eb('e.record_type', '=', conditions.recordType))
    if (conditions.recordId) parts.push(sql<boolean>`e.record_ids @> ${JSON.stringify([conditions.recordId])}::jsonb`)
    if (conditions.actorUserId) parts.push(eb('e.actor_user_id', '=', conditions.actorUserId))
    if (conditions.actorEmail) {
      parts.push(
        eb(
          'e.actor_user_id',
          'in',
          eb
            .selectFrom('app_user')
            .select('app_user.id')
            .where(sql<string>`lower(app_user.email)`, '=', conditions.actorEmail.toLowerCase()),
        ),
      )
    }
    if (conditions.occurredFrom) parts.push(eb('e.occurred_at', '>=', conditions.occurredFrom))
    if (conditions.occurredBefore) parts.push(eb('e.occurred_at', '<', conditions.occurredBefore))
    return eb.and(parts)
  }
}

export async function countAuditEntries(
  db: Kysely<Database>,
  conditions: AuditSearchConditions,
  scope: AuditReadScope,
): Promise<number> {
  const row = await db
    .selectFrom('audit_event as e')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where(whereConditions(conditions, scope))
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

function listQuery(db: Kysely<Database>) {
  return db
    .selectFrom('audit_event as e')
    .leftJoin('app_user as u', 'u.id', 'e.actor_user_id')
    .leftJoin('organisation as o', 'o.id', 'e.actor_organisation_id')
    .selectAll('e')
    .select(['u.email as actor_email', 'o.name as actor_organisation_name'])
}

type ListRow = Awaited<ReturnType<ReturnType<typeof listQuery>['execute']>>[number]

function toListEntry(row: ListRow): AuditListEntry {
  return {
    seq: row.seq,
    occurredAt: new Date(row.occurred_at),
    action: row.action,
    event: row.event,
    outcome: row.outcome,
    actorUserId: row.actor_user_id,
    actorEmail: row.actor_email,
    actorOrganisationId: row.actor_organisation_id,
    actorOrganisationName: row.actor_organisation_name,
    recordType: row.record_type,
    recordIds: row.record_ids,
    recordCount: row.record_count,
    recordIdsSha256: row.record_ids_sha256,
    purpose: row.purpose,
    sharingAgreementId: row.sharing_agreement_id,
    recipients: row.recipients,
    requestId: row.request_id,
    ip: row.ip,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
  }
}

/** Newest first. */
export async function listAuditEntries(
  db: Kysely<Database>,
  conditions: AuditSearchConditions,
  scope: AuditReadScope,
  page: { offset: number; limit: number },
): Promise<AuditListEntry[]> {
  const rows = await listQuery(db)
    .where(whereConditions(conditions, scope))
    .orderBy('e.seq', 'desc')
    .offset(page.offset)
    .limit(page.limit)
    .execute()
  return rows.map(toListEntry)
}

export async function findAuditEntry(
  db: Kysely<Database>,
  seq: number,
  scope: AuditReadScope,
): Promise<AuditListEntry | undefined> {
  const row = await listQuery(db)
    .where('e.seq', '=', seq)
    .where(whereConditions({}, scope))
    .executeTakeFirst()
  return row ? toListEntry(row) : undefined
}

export interface FrequentViewsRow {
  actorUserId: string
  actorEmail: string | null
  hour: Date
  views: number
}

/** Actors who consulted more than `threshold` person records within one clock hour (UTC). */
export async function findFrequentPersonViews(
  db: Kysely<Database>,
  since: Date,
  threshold: number,
): Promise<FrequentViewsRow[]> {
  const hour = sql<Date>`date_trunc('hour', e.occurred_at, 'UTC')`
  const rows = await db
    .selectFrom('audit_event as e')
    .leftJoin('app_user as u', 'u.id', 'e.actor_user_id')
    .select([
      'e.actor_user_id as actorUserId',
      'u.email as actorEmail',
      hour.as('hour'),
      (eb) => eb.fn.countAll<number>().as('views'),
    ])
    .where('e.action', '=', 'consult')
    .where('e.record_type', '=', 'person')
    .where('e.actor_user_id', 'is not', null)
    .where('e.occurred_at', '>=', since)
    .groupBy(['e.actor_user_id', 'u.email', hour])
    .having((eb) => eb.fn.countAll(), '>', threshold)
    .orderBy(hour)
    .execute()
  return rows.map((row) => ({ actorUserId: row.actorUserId!, actorEmail: row.actorEmail, hour: new Date(row.hour), views: Number(row.views) }))
}

export interface BulkViewRow {
  seq: number
  occurredAt: Date
  actorUserId: string | null
  actorEmail: string | null
  event: string
  recordType: string | null
  recordCount: number
}

/** Consultations of at least `minimumRecords` records outside [startHour, endHour) UTC. */
export async function findOutOfHoursBulkViews(
  db: Kysely<Database>,
  since: Date,
  minimumRecords: number,
  workingHours: { startHour: number; endHour: number },
): Promise<BulkViewRow[]> {
  const hourOfDay = sql<number>`extract(hour from e.occurred_at at time zone 'UTC')`
  const rows = await db
    .selectFrom('audit_event as e')
    .leftJoin('app_user as u', 'u.id', 'e.actor_user_id')
    .select([
      'e.seq',
      'e.occurred_at',
      'e.actor_user_id',
      'u.email',
      'e.event',
      'e.record_type',
      'e.record_count',
    ])
    .where('e.action', '=', 'consult')
    .where('e.record_count', '>=', minimumRecords)
    .where('e.occurred_at', '>=', since)
    .where((eb) => eb.or([eb(hourOfDay, '<', workingHours.startHour), eb(hourOfDay, '>=', workingHours.endHour)]))
    .orderBy('e.seq')
    .execute()
  return rows.map((row) => ({
    seq: row.seq,
    occurredAt: new Date(row.occurred_at),
    actorUserId: row.actor_user_id,
    actorEmail: row.email,
    event: row.event,
    recordType: row.record_type,
    recordCount: row.record_count,
  }))
}

export interface DormantAccountRow {
  userId: string
  email: string
  role: string
  lastSignInAt: Date | null
  createdAt: Date
}

/** Accounts still enabled that have not signed in since `before` (or never, and were created before it). */
export async function findDormantAccounts(db: Kysely<Database>, before: Date): Promise<DormantAccountRow[]> {
  const rows = await db
    .selectFrom('app_user')
    .select(['id', 'email', 'role', 'last_sign_in_at', 'created_at'])
    .where('disabled', '=', false)
    .where((eb) => eb(eb.fn.coalesce('last_sign_in_at', 'created_at'), '<', before))
    .orderBy('email')
    .execute()
  return rows.map((row) => ({
    userId: row.id,
    email: row.email,
    role: row.role,
    lastSignInAt: row.last_sign_in_at ? new Date(row.last_sign_in_at) : null,
    createdAt: new Date(row.created_at),
  }))
}
