import type { Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { invalid, notFound, staleVersion } from '../../../errors.ts'
import { recordAudit } from '../../platform/audit/audit-log.ts'
import type { AccessingUser } from '../../platform/sharing.ts'
import { RESTRICTION_KINDS, type RestrictionKind } from './tables.ts'

/**
 * Setting, reviewing and lifting restrictions of a person's record to named users. A restriction
 * comes up for review 90 days after it was set or last kept (A7); a supervisor keeps it, giving a
 * reason, or lifts it. Every change is audited, and checked against the version the form was read at.
 */
export const REVIEW_DAYS = 90
export const REASON_MIN = 10
export const REASON_MAX = 2000
export const MAX_NAMED_USERS = 50

const DAY_MS = 24 * 60 * 60_000
export const nextReviewFrom = (from: Date) => new Date(from.getTime() + REVIEW_DAYS * DAY_MS)

export interface WriteContext {
  now: Date
  requestId?: string | null
  ip?: string | null
}

const auditOf = (actor: AccessingUser, context: WriteContext) => ({
  actorUserId: actor.id,
  actorOrganisationId: actor.organisationId,
  requestId: context.requestId ?? null,
  ip: context.ip ?? null,
  occurredAt: context.now,
  recordType: 'person',
})

export const isRestrictionKind = (value: string): value is RestrictionKind =>
  (RESTRICTION_KINDS as readonly string[]).includes(value)

export function reasonProblem(reason: string, what: string): string | undefined {
  const text = reason.trim()
  if (text === '') return `Enter ${what}`
  if (text.length < REASON_MIN)
    return `${what[0]!.toUpperCase()}${what.slice(1)} must be at least ${REASON_MIN} characters`
  if (text.length > REASON_MAX)
    return `${what[0]!.toUpperCase()}${what.slice(1)} must be ${REASON_MAX} characters or fewer`
  return undefined
}

/** A person number typed in a form: digits only, and a person who exists and was not merged away. */
export async function personIdProblem(db: Kysely<Database>, text: string): Promise<string | number> {
  const trimmed = text.trim()
  if (trimmed === '') return 'Enter the person’s number, as shown on their page'
  if (!/^\d{1,15}$/.test(trimmed)) return 'The person’s number must be digits only, such as 1234'
  const person = await db
    .selectFrom('person')
    .select(['id', 'merged_into'])
    .where('id', '=', Number(trimmed))
    .executeTakeFirst()
  if (!person) return `There is no person number ${trimmed}`
  if (person.merged_into !== null)
    return `Person ${trimmed} was merged into person ${person.merged_into}: use that number`
  return person.id
}

/** Active users by email address, one a line; unknown or disabled addresses are named in the problem. */
export async function usersByEmail(
  db: Kysely<Database>,
  text: string,
): Promise<{ ids: string[] } | { problem: string }> {
  const emails = [
    ...new Set(
      text
        .split(/[\s,;]+/)
        .map((e) => e.trim().toLowerCase())
        .filter(Boolean),
    ),
  ]
  if (emails.length > MAX_NAMED_USERS) return { problem: `Name at most ${MAX_NAMED_USERS} users` }
  if (emails.length === 0) return { ids: [] }
  const rows = await db
    .selectFrom('app_user')
    .select(['id', 'email'])
    .where((eb) => eb(eb.fn('lower', ['email']), 'in', emails))
    .where('disabled', '=', false)
    .execute()
  const found = new Map(rows.map((r) => [r.email.toLowerCase(), r.id]))
  const missing = emails.filter((e) => !found.has(e))
  if (missing.length)
    return {
      problem: `No active user has the email address ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? '…' : ''}`,
    }
  return { ids: [...found.values()] }
}

export interface SetRestrictionInput {
  personId: string
  kind: string
  reason: string
  users: string
}

export async function setRestriction(
  db: Kysely<Database>,
  actor: AccessingUser,
  input: SetRestrictionInput,
  context: WriteContext,
): Promise<number> {
  try {
    return await insertRestriction(db, actor, input, context)
  } catch (error) {
    if (!isUniqueViolation(error)) throw error
    throw invalid({ personId: 'This person’s record was restricted by someone else a moment ago' })
  }
}

async function insertRestriction(
  db: Kysely<Database>,
  actor: AccessingUser,
  input: SetRestrictionInput,
  context: WriteContext,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const errors: Record<string, string> = {}
    const person = await personIdProblem(trx, input.personId)
    if (typeof person === 'string') errors.personId = person
    if (!isRestrictionKind(input.kind)) errors.kind = 'Choose why the record is restricted'
    const reason = reasonProblem(input.reason, 'the reason for the restriction')
    if (reason) errors.reason = reason
    const users = await usersByEmail(trx, input.users)
    if ('problem' in users) errors.users = users.problem
    if (typeof person === 'number' && !errors.personId) {
      const current = await trx
        .selectFrom('person_restriction')
        .select('id')
        .where('person_id', '=', person)
        .where('lifted_at', 'is', null)
        .executeTakeFirst()
      if (current)
        errors.personId = `Person ${person}’s record is already restricted (R-${current.id}): change that restriction`
    }
    if (Object.keys(errors).length || typeof person !== 'number' || 'problem' in users) throw invalid(errors)
    const row = await trx
      .insertInto('person_restriction')
      .values({
        person_id: person,
        kind: input.kind as RestrictionKind,
        reason: input.reason.trim(),
        set_by: actor.id,
        set_at: context.now,
        next_review_at: nextReviewFrom(context.now),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    if (users.ids.length)
      await trx
        .insertInto('person_restriction_user')
        .values(users.ids.map((userId) => ({ restriction_id: row.id, user_id: userId })))
        .execute()
    await recordAudit(trx, {
      ...auditOf(actor, context),
      action: 'collect',
      event: 'RESTRICT_PERSON',
      recordIds: [String(person)],
      details: {
        restrictionId: row.id,
        kind: input.kind,
        namedUsers: users.ids.length,
        fields: ['kind', 'reason', 'users'],
      },
    })
    return row.id
  })
}

export interface DecideRestrictionInput {
  restrictionId: number
  version: number
  reason: string
}

/** 'keep' after review: the next review is 90 days from now. 'lift': the record opens to anyone the sharing decision lets in. */
export async function decideRestriction(
  db: Kysely<Database>,
  actor: AccessingUser,
  decision: 'keep' | 'lift',
  input: DecideRestrictionInput,
  context: WriteContext,
): Promise<void> {
  const problem = reasonProblem(
    input.reason,
    decision === 'keep' ? 'why the restriction is still needed' : 'why the restriction is lifted',
  )
  if (problem) throw invalid({ reason: problem })
  await db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('person_restriction')
      .select(['id', 'person_id', 'version', 'lifted_at'])
      .where('id', '=', input.restrictionId)
      .forUpdate()
      .executeTakeFirst()
    if (!current) throw notFound('The restriction')
    if (current.version !== input.version || current.lifted_at !== null) throw staleVersion('The restriction')
    const changes =
      decision === 'keep'
        ? {
            last_reviewed_at: context.now,
            last_reviewed_by: actor.id,
            review_reason: input.reason.trim(),
            next_review_at: nextReviewFrom(context.now),
          }
        : { lifted_at: context.now, lifted_by: actor.id, lift_reason: input.reason.trim() }
    await trx
      .updateTable('person_restriction')
      .set({ ...changes, version: current.version + 1 })
      .where('id', '=', current.id)
      .execute()
    await recordAudit(trx, {
      ...auditOf(actor, context),
      action: 'alter',
      event: decision === 'keep' ? 'KEEP_RESTRICTION' : 'LIFT_RESTRICTION',
      recordIds: [String(current.person_id)],
      details: { restrictionId: current.id, fields: Object.keys(changes) },
    })
  })
}

export interface RestrictionSummary {
  id: number
  personId: number
  kind: RestrictionKind
  setAt: Date
  lastReviewedAt: Date | null
  nextReviewAt: Date
  ownerName: string
  version: number
}

/** Restrictions in force whose review is due: 90 days or more since they were set or last kept. */
export async function restrictionsDueForReview(
  db: Kysely<Database>,
  actor: AccessingUser,
  context: WriteContext,
): Promise<RestrictionSummary[]> {
  const rows = await db
    .selectFrom('person_restriction as r')
    .innerJoin('app_user as owner', 'owner.id', 'r.set_by')
    .select([
      'r.id',
      'r.person_id',
      'r.kind',
      'r.set_at',
      'r.last_reviewed_at',
      'r.next_review_at',
      'r.version',
      'owner.display_name as owner_name',
    ])
    .where('r.lifted_at', 'is', null)
    .where('r.next_review_at', '<=', context.now)
    .orderBy('r.next_review_at')
    .orderBy('r.id')
    .execute()
  await recordAudit(db, {
    ...auditOf(actor, context),
    action: 'consult',
    event: 'VIEW_RESTRICTION_REVIEWS',
    recordIds: rows.map((r) => String(r.person_id)),
    details: { restrictions: rows.length },
  })
  return rows.map((r) => ({
    id: r.id,
    personId: r.person_id,
    kind: r.kind,
    setAt: r.set_at,
    lastReviewedAt: r.last_reviewed_at,
    nextReviewAt: r.next_review_at,
    ownerName: r.owner_name,
    version: r.version,
  }))
}

export interface RestrictionDetail extends RestrictionSummary {
  reason: string
  reviewReason: string | null
  liftedAt: Date | null
  liftReason: string | null
  namedUsers: { name: string; email: string }[]
  breakGlass: { userName: string; reason: string; startedAt: Date; expiresAt: Date }[]
  grants: { userName: string; kind: string; grantedAt: Date; expiresAt: Date }[]
}

export async function restrictionDetail(
  db: Kysely<Database>,
  actor: AccessingUser,
  restrictionId: number,
  context: WriteContext,
): Promise<RestrictionDetail | null> {
  const row = await db
    .selectFrom('person_restriction as r')
    .innerJoin('app_user as owner', 'owner.id', 'r.set_by')
    .selectAll('r')
    .select('owner.display_name as owner_name')
    .where('r.id', '=', restrictionId)
    .executeTakeFirst()
  if (!row) return null
  const [namedUsers, breakGlass, grants] = await Promise.all([
    db
      .selectFrom('person_restriction_user as n')
      .innerJoin('app_user as u', 'u.id', 'n.user_id')
      .select(['u.display_name as name', 'u.email'])
      .where('n.restriction_id', '=', row.id)
      .orderBy('u.display_name')
      .execute(),
    db
      .selectFrom('break_glass_access as b')
      .innerJoin('app_user as u', 'u.id', 'b.user_id')
      .select([
        'u.display_name as userName',
        'b.reason',
        'b.started_at as startedAt',
        'b.expires_at as expiresAt',
      ])
      .where('b.person_id', '=', row.person_id)
      .where('b.started_at', '>=', row.set_at)
      .orderBy('b.started_at', 'desc')
      .execute(),
    db
      .selectFrom('involvement_grant as g')
      .innerJoin('app_user as u', 'u.id', 'g.user_id')
      .select([
        'u.display_name as userName',
        'g.kind',
        'g.granted_at as grantedAt',
        'g.expires_at as expiresAt',
      ])
      .where('g.person_id', '=', row.person_id)
      .where('g.expires_at', '>', context.now)
      .orderBy('g.expires_at')
      .execute(),
  ])
  await recordAudit(db, {
    ...auditOf(actor, context),
    action: 'consult',
    event: 'VIEW_RESTRICTION',
    recordIds: [String(row.person_id)],
    details: { restrictionId: row.id, breakGlassShown: breakGlass.length, grantsShown: grants.length },
  })
  return {
    id: row.id,
    personId: row.person_id,
    kind: row.kind,
    setAt: row.set_at,
    lastReviewedAt: row.last_reviewed_at,
    nextReviewAt: row.next_review_at,
    ownerName: row.owner_name,
    version: row.version,
    reason: row.reason,
    reviewReason: row.review_reason,
    liftedAt: row.lifted_at,
    liftReason: row.lift_reason,
    namedUsers,
    breakGlass,
    grants,
  }
}

/** A unique-index race (two restrictions set at once) becomes the same answer as the check before it. */
function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505'
}
