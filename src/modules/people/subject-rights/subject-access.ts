import type { Kysely } from 'kysely'
import { systemClock } from '../../../clock.ts'
import type { Database } from '../../../db/schema.ts'
import { notFound } from '../../../errors.ts'
import { recordAudit } from '../../platform/audit/audit-log.ts'
import type { SubjectRightsActor, SubjectRightsContext } from './actor.ts'
import { applyWithholdings, bundleItems, type BundleItem, type SubjectAccessBundle } from './bundle.ts'
import { subjectAccessRequest, type SubjectAccessRequest } from './requests.ts'

/**
 * Producing a subject access bundle, and the DPO's review of one. Producing it (the JSON, the
 * printable page, or `upstream people sar`) is a disclosure to the data subject and audited as
 * one; reviewing it on the request page is a consultation. A person merged into another is
 * answered with the person they became.
 */

export interface ProducedBundle extends SubjectAccessBundle {
  producedAt: string
  subject: { personId: number; displayName: string; dateOfBirth: string | null; beyondUse: boolean }
  request: { id: number; requesterReference: string; receivedOn: string; dueOn: string } | null
}

export type BundleFormat = 'json' | 'html' | 'command-line'

async function subjectOf(db: Kysely<Database>, personId: number) {
  let person = await db
    .selectFrom('person')
    .select(['id', 'display_name', 'date_of_birth', 'merged_into'])
    .where('id', '=', personId)
    .executeTakeFirst()
  for (let hops = 0; person?.merged_into && hops < 20; hops++) {
    person = await db
      .selectFrom('person')
      .select(['id', 'display_name', 'date_of_birth', 'merged_into'])
      .where('id', '=', person.merged_into)
      .executeTakeFirst()
  }
  if (!person) throw notFound(`Person ${personId}`)
  const beyondUse = await db
    .selectFrom('person_beyond_use')
    .select('id')
    .where('person_id', '=', person.id)
    .where('lifted_at', 'is', null)
    .executeTakeFirst()
  return {
    personId: Number(person.id),
    displayName: person.display_name,
    dateOfBirth: person.date_of_birth,
    beyondUse: beyondUse !== undefined,
  }
}

/** The bundle of a request (with its withholdings), or of a person with no request (nothing withheld). */
export async function produceBundle(
  db: Kysely<Database>,
  actor: SubjectRightsActor,
  target: { requestId: number } | { personId: number },
  format: BundleFormat,
  context: SubjectRightsContext = {},
): Promise<ProducedBundle> {
  const now = (context.clock ?? systemClock).now()
  return db.transaction().execute(async (trx) => {
    const request = 'requestId' in target ? await subjectAccessRequest(trx, target.requestId, now) : null
    if ('requestId' in target && !request) throw notFound(`Subject access request ${target.requestId}`)
    const subject = await subjectOf(
      trx,
      request ? request.personId : (target as { personId: number }).personId,
    )
    const items = await bundleItems(trx, subject.personId)
    const bundle = applyWithholdings(subject.personId, items, request?.withholdings ?? [])
    await recordAudit(trx, {
      action: 'disclose',
      event: 'SUBJECT_ACCESS_DISCLOSURE',
      actorUserId: actor.id,
      actorOrganisationId: actor.organisationId,
      recordType: 'person',
      recordIds: [String(subject.personId)],
      requestId: context.requestId ?? null,
      ip: context.ip ?? null,
      occurredAt: now,
      details: {
        recipient: 'data-subject',
        format,
        subjectAccessRequestId: request ? String(request.id) : null,
        items: bundle.items.length,
        withheld: bundle.withheld.length,
        kinds: [...new Set(bundle.items.map((item) => item.kind))],
      },
    })
    return {
      producedAt: now.toISOString(),
      subject,
      request: request
        ? {
            id: request.id,
            requesterReference: request.requesterReference,
            receivedOn: request.receivedOn,
            dueOn: request.dueOn,
          }
        : null,
      ...bundle,
    }
  })
}

export interface RequestReview {
  request: SubjectAccessRequest
  subject: ProducedBundle['subject']
  items: (BundleItem & { withheldReason: string | null })[]
}

/** The request page: every item, withheld or not, for the DPO to decide on. */
export async function reviewRequest(
  db: Kysely<Database>,
  actor: SubjectRightsActor,
  requestId: number,
  context: SubjectRightsContext = {},
): Promise<RequestReview | null> {
  const now = (context.clock ?? systemClock).now()
  return db.transaction().execute(async (trx) => {
    const request = await subjectAccessRequest(trx, requestId, now)
    if (!request) return null
    const subject = await subjectOf(trx, request.personId)
    const items = await bundleItems(trx, subject.personId)
    const reasons = new Map(request.withholdings.map((w) => [w.itemKey, w.reason]))
    await recordAudit(trx, {
      action: 'consult',
      event: 'REVIEW_SUBJECT_ACCESS_REQUEST',
      actorUserId: actor.id,
      actorOrganisationId: actor.organisationId,
      recordType: 'subject_access_request',
      recordIds: [String(request.id)],
      requestId: context.requestId ?? null,
      ip: context.ip ?? null,
      occurredAt: now,
      details: { personId: String(subject.personId), items: items.length, withheld: reasons.size },
    })
    return {
      request,
      subject,
      items: items.map((item) => ({ ...item, withheldReason: reasons.get(item.key) ?? null })),
    }
  })
}

/** The keys of the items a request's bundle holds now, to check a withholding against. */
export async function bundleItemKeys(db: Kysely<Database>, requestId: number): Promise<Set<string> | null> {
  const request = await db
    .selectFrom('subject_access_request')
    .select('person_id')
    .where('id', '=', requestId)
    .executeTakeFirst()
  if (!request) return null
  const subject = await subjectOf(db, Number(request.person_id))
  return new Set((await bundleItems(db, subject.personId)).map((item) => item.key))
}
