import type { Kysely } from 'kysely'
import { systemClock } from '../../../clock.ts'
import type { Database } from '../../../db/schema.ts'
import { DomainError, invalid, notFound, staleVersion } from '../../../errors.ts'
import { recordAudit } from '../../platform/audit/audit-log.ts'
import { partnershipDate } from '../../platform/sharing.ts'
import type { SubjectRightsActor, SubjectRightsContext } from './actor.ts'
import { checkedReason } from './beyond-use.ts'
import { calendarDate, dueDateOf, latestExtendedDueDate } from './due-date.ts'

/**
 * Subject access requests: who asked (the requester's own reference, never their words), when it
 * was received, when it is due, each extension with its reason, and the items withheld from the
 * bundle with theirs. Every change is audited with field names only.
 */

export interface SubjectAccessRequest {
  id: number
  personId: number
  requesterReference: string
  receivedOn: string
  dueOn: string
  overdue: boolean
  version: number
  openedAt: Date
  extensions: { previousDueOn: string; dueOn: string; reason: string; extendedAt: Date }[]
  withholdings: { itemKey: string; reason: string; withheldAt: Date }[]
}

const REFERENCE = /^[\p{L}\p{N} ./_-]{1,60}$/u

export function personIdFrom(text: string, field = 'personId'): number {
  const trimmed = text.trim()
  if (!/^\d{1,15}$/.test(trimmed) || !Number.isSafeInteger(Number(trimmed)) || Number(trimmed) < 1)
    throw invalid({ [field]: 'Enter the person’s id as a whole number, such as 1042' })
  return Number(trimmed)
}

export async function openSubjectAccessRequest(
  db: Kysely<Database>,
  actor: SubjectRightsActor,
  input: { personId: string; requesterReference: string; receivedOn: string },
  context: SubjectRightsContext = {},
): Promise<number> {
  const now = (context.clock ?? systemClock).now()
  const errors: Record<string, string> = {}
  let personId = 0
  try {
    personId = personIdFrom(input.personId)
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    Object.assign(errors, error.fields)
  }
  const reference = input.requesterReference.trim()
  if (!REFERENCE.test(reference))
    errors.requesterReference =
      reference === ''
        ? 'Enter the requester’s reference'
        : 'Enter a reference of at most 60 letters, numbers, spaces, dots, slashes, hyphens or underscores'
  const receivedOn = calendarDate(input.receivedOn.trim())
  if (receivedOn === null) errors.receivedOn = 'Enter the date the request was received as YYYY-MM-DD'
  else if (receivedOn > partnershipDate(now)) errors.receivedOn = 'The date received cannot be in the future'
  if (Object.keys(errors).length) throw invalid(errors)
  return db.transaction().execute(async (trx) => {
    const person = await trx.selectFrom('person').select('id').where('id', '=', personId).executeTakeFirst()
    if (!person) throw invalid({ personId: `There is no person ${personId}` })
    const row = await trx
      .insertInto('subject_access_request')
      .values({
        person_id: personId,
        requester_reference: reference,
        received_on: receivedOn!,
        due_on: dueDateOf(receivedOn!),
        opened_by: actor.id,
        opened_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await recordAudit(trx, {
      action: 'collect',
      event: 'OPEN_SUBJECT_ACCESS_REQUEST',
      actorUserId: actor.id,
      actorOrganisationId: actor.organisationId,
      recordType: 'subject_access_request',
      recordIds: [String(row.id)],
      requestId: context.requestId ?? null,
      ip: context.ip ?? null,
      occurredAt: now,
      details: { personId: String(personId), fields: ['requester_reference', 'received_on'] },
    })
    return Number(row.id)
  })
}

export async function subjectAccessRequest(
  db: Kysely<Database>,
  id: number,
  now: Date,
): Promise<SubjectAccessRequest | null> {
  const row = await db
    .selectFrom('subject_access_request')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst()
  if (!row) return null
  const extensions = await db
    .selectFrom('subject_access_extension')
    .select(['previous_due_on', 'due_on', 'reason', 'extended_at'])
    .where('request_id', '=', id)
    .orderBy('id')
    .execute()
  const withholdings = await db
    .selectFrom('subject_access_withholding')
    .select(['item_key', 'reason', 'withheld_at'])
    .where('request_id', '=', id)
    .orderBy('id')
    .execute()
  return {
    id: Number(row.id),
    personId: Number(row.person_id),
    requesterReference: row.requester_reference,
    receivedOn: row.received_on,
    dueOn: row.due_on,
    overdue: partnershipDate(now) > row.due_on,
    version: row.version,
    openedAt: row.opened_at,
    extensions: extensions.map((e) => ({
      previousDueOn: e.previous_due_on,
      dueOn: e.due_on,
      reason: e.reason,
      extendedAt: e.extended_at,
    })),
    withholdings: withholdings.map((w) => ({
      itemKey: w.item_key,
      reason: w.reason,
      withheldAt: w.withheld_at,
    })),
  }
}

export interface RequestListItem {
  id: number
  personId: number
  requesterReference: string
  receivedOn: string
  dueOn: string
  overdue: boolean
}

/** Every request (or the person's), the soonest due first. */
export async function listSubjectAccessRequests(
  db: Kysely<Database>,
  now: Date,
  personId?: number,
): Promise<RequestListItem[]> {
  let query = db
    .selectFrom('subject_access_request')
    .select(['id', 'person_id', 'requester_reference', 'received_on', 'due_on'])
  if (personId !== undefined) query = query.where('person_id', '=', personId)
  const rows = await query.orderBy('due_on').orderBy('id').limit(500).execute()
  const today = partnershipDate(now)
  return rows.map((row) => ({
    id: Number(row.id),
    personId: Number(row.person_id),
    requesterReference: row.requester_reference,
    receivedOn: row.received_on,
    dueOn: row.due_on,
    overdue: today > row.due_on,
  }))
}

export async function extendSubjectAccessRequest(
  db: Kysely<Database>,
  actor: SubjectRightsActor,
  input: { requestId: number; version: number; dueOn: string; reason: string },
  context: SubjectRightsContext = {},
): Promise<void> {
  const now = (context.clock ?? systemClock).now()
  const errors: Record<string, string> = {}
  const dueOn = calendarDate(input.dueOn.trim())
  if (dueOn === null) errors.dueOn = 'Enter the new due date as YYYY-MM-DD'
  let reason = ''
  try {
    reason = checkedReason(input.reason)
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    Object.assign(errors, error.fields)
  }
  if (Object.keys(errors).length) throw invalid(errors)
  await db.transaction().execute(async (trx) => {
    const request = await trx
      .selectFrom('subject_access_request')
      .select(['id', 'received_on', 'due_on', 'version'])
      .where('id', '=', input.requestId)
      .forUpdate()
      .executeTakeFirst()
    if (!request) throw notFound(`Subject access request ${input.requestId}`)
    if (request.version !== input.version) throw staleVersion('The request')
    if (dueOn! <= request.due_on) throw invalid({ dueOn: `The new due date must be after ${request.due_on}` })
    const latest = latestExtendedDueDate(request.received_on)
    if (dueOn! > latest)
      throw invalid({ dueOn: `The due date can be extended to ${latest} at the latest (two further months)` })
    await trx
      .insertInto('subject_access_extension')
      .values({
        request_id: request.id,
        previous_due_on: request.due_on,
        due_on: dueOn!,
        reason,
        extended_by: actor.id,
        extended_at: now,
      })
      .execute()
    await trx
      .updateTable('subject_access_request')
      .set({ due_on: dueOn!, version: request.version + 1 })
      .where('id', '=', request.id)
      .execute()
    await recordAudit(trx, {
      action: 'alter',
      event: 'EXTEND_SUBJECT_ACCESS_REQUEST',
      actorUserId: actor.id,
      actorOrganisationId: actor.organisationId,
      recordType: 'subject_access_request',
      recordIds: [String(request.id)],
      requestId: context.requestId ?? null,
      ip: context.ip ?? null,
      occurredAt: now,
      details: { fields: ['due_on', 'reason'] },
    })
  })
}

/** Keeps one item of the bundle from the subject (s.45(4)); the key must name an item the bundle holds. */
export async function withholdItem(
  db: Kysely<Database>,
  actor: SubjectRightsActor,
  input: { requestId: number; itemKey: string; reason: string; itemKeys: ReadonlySet<string> },
  context: SubjectRightsContext = {},
): Promise<void> {
  const now = (context.clock ?? systemClock).now()
  const errors: Record<string, string> = {}
  const itemKey = input.itemKey.trim()
  if (!input.itemKeys.has(itemKey)) errors.itemKey = 'Choose an item of this bundle to withhold'
  try {
    checkedReason(input.reason)
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    Object.assign(errors, error.fields)
  }
  if (Object.keys(errors).length) throw invalid(errors)
  await db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('subject_access_withholding')
      .values({
        request_id: input.requestId,
        item_key: itemKey,
        reason: input.reason.trim(),
        withheld_by: actor.id,
        withheld_at: now,
      })
      .onConflict((conflict) => conflict.columns(['request_id', 'item_key']).doNothing())
      .returning('id')
      .executeTakeFirst()
    if (!inserted) throw new DomainError('conflict', `${itemKey} is already withheld`)
    await recordAudit(trx, {
      action: 'alter',
      event: 'WITHHOLD_SUBJECT_ACCESS_ITEM',
      actorUserId: actor.id,
      actorOrganisationId: actor.organisationId,
      recordType: 'subject_access_request',
      recordIds: [String(input.requestId)],
      requestId: context.requestId ?? null,
      ip: context.ip ?? null,
      occurredAt: now,
      details: { itemKey, fields: ['reason'] },
    })
  })
}
