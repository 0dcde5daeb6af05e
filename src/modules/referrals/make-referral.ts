import type { Kysely } from 'kysely'
import { systemClock } from '../../clock.ts'
import type { Database } from '../../db/schema.ts'
import { withViewerScope } from '../../db/viewer-scope.ts'
import { invalid } from '../../errors.ts'
import { recordAudit } from '../platform/audit/audit-log.ts'
import { notBeyondUse } from '../people/subject-rights/index.ts'
import { isPurpose, PURPOSE_LABELS } from '../platform/data-classes.ts'
import { mayAccess, type AccessingUser } from '../platform/sharing.ts'
import { priorityAssessment, recordAssessments } from './assessments.ts'
import type { ViewContext } from './queries.ts'
import { notifyReferralArrived } from './notifications.ts'
import { appendEvent, insertReferral, resolveDestination } from './referral-writes.ts'
import { isPriority, type Priority } from './workflow.ts'

/**
 * A referral made by hand, by staff of any organisation. The form collects only what the
 * maker's agreements allow for the chosen purpose (checklist C2): naming a person needs the
 * person-identity class for that purpose, and the police note can only come from police staff.
 */
export interface MakeReferralInput {
  purpose: string
  to: string
  priority: string
  reason: string
  subject: string
  personId: string
  policeNote: string
}

export const MAKE_REFERRAL_FIELDS = [
  'purpose',
  'to',
  'priority',
  'reason',
  'subject',
  'personId',
  'policeNote',
] as const
const TEXT_LIMIT = 4000

/** The form or JSON body as input; any key the form does not have is refused by name (A4). */
export function makeReferralInputFrom(body: unknown): MakeReferralInput {
  const raw = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const unknown = Object.keys(raw).filter(
    (key) => key !== '_csrf' && !(MAKE_REFERRAL_FIELDS as readonly string[]).includes(key),
  )
  if (unknown.length)
    throw invalid(
      Object.fromEntries(
        unknown.map((key) => [key.slice(0, 60), `'${key.slice(0, 60)}' is not a field of a referral`]),
      ),
    )
  const text = (name: string) => {
    const value = raw[name]
    if (value === undefined || value === null) return ''
    if (typeof value === 'number') return String(value)
    if (typeof value !== 'string') throw invalid({ [name]: `${name} must be text` })
    return value.trim()
  }
  return Object.fromEntries(
    MAKE_REFERRAL_FIELDS.map((name) => [name, text(name)]),
  ) as unknown as MakeReferralInput
}

export async function makeReferral(
  db: Kysely<Database>,
  maker: AccessingUser,
  input: MakeReferralInput,
  context: ViewContext = {},
): Promise<{ id: number; reference: string }> {
  const now = (context.clock ?? systemClock).now()
  return withViewerScope(db, { ...maker, on: now }, input.purpose, async (trx) => {
    const errors: Record<string, string> = {}
    if (!isPurpose(input.purpose)) errors.purpose = 'Choose the purpose of the referral'
    else {
      const decision = await mayAccess(trx, maker, 'referral', input.purpose, now)
      if (!decision.allowed)
        errors.purpose = `You cannot make a referral for ${PURPOSE_LABELS[input.purpose].toLowerCase()}: ${decision.reason}`
    }
    const destination = input.to ? await resolveDestination(trx, input.to) : null
    if (!destination) errors.to = 'Choose the team or organisation to refer to'
    if (!isPriority(input.priority)) errors.priority = 'Choose a priority: low, normal, high or urgent'
    if (!input.reason) errors.reason = 'Enter why you are making this referral'
    else if (input.reason.length > TEXT_LIMIT)
      errors.reason = `The reason must be ${TEXT_LIMIT} characters or fewer`
    if (input.subject.length > 200)
      errors.subject = 'Who or what the referral is about must be 200 characters or fewer'

    let personId: number | null = null
    if (input.personId) {
      if (!/^\d{1,15}$/.test(input.personId)) errors.personId = 'The person id must be a whole number'
      else if (isPurpose(input.purpose)) {
        const identity = await mayAccess(trx, maker, 'person-identity', input.purpose, now)
        if (!identity.allowed)
          errors.personId = `A person cannot be named on this referral: ${identity.reason}`
        else {
          const person = await trx
            .selectFrom('person')
            .select('id')
            .where('id', '=', Number(input.personId))
            .where(notBeyondUse('person.id'))
            .executeTakeFirst()
          if (!person) errors.personId = `There is no person ${input.personId}`
          else personId = Number(person.id)
        }
      }
    } else if (!input.subject) errors.subject = 'Enter who or what the referral is about, or give a person id'

    if (input.policeNote) {
      const maker_ = await trx
        .selectFrom('organisation')
        .select('kind')
        .where('id', '=', maker.organisationId)
        .executeTakeFirst()
      if (maker_?.kind !== 'police_force') errors.policeNote = 'Only police staff can add a police-only note'
      else if (input.policeNote.length > TEXT_LIMIT)
        errors.policeNote = `The police-only note must be ${TEXT_LIMIT} characters or fewer`
    }
    if (Object.keys(errors).length) throw invalid(errors)

    const created = await insertReferral(trx, {
      personId,
      subject: input.subject,
      purpose: input.purpose,
      reason: input.reason,
      policeNote: input.policeNote,
      from: { organisationId: maker.organisationId, userId: maker.id },
      to: destination!,
      priority: input.priority as Priority,
      now,
    })
    await appendEvent(trx, {
      referralId: created.id,
      version: 1,
      kind: 'raised',
      now,
      actor: { userId: maker.id, organisationId: maker.organisationId },
      toStatus: 'new',
    })
    await recordAssessments(
      trx,
      created.id,
      { kind: 'user', userId: maker.id },
      [priorityAssessment(input.priority as Priority)],
      now,
    )
    await notifyReferralArrived(
      trx,
      {
        ...created,
        status: 'new',
        personId,
        fromUserId: maker.id,
        toOrganisationId: destination!.organisationId,
        toTeamId: destination!.teamId,
      },
      now,
      maker.id,
    )
    await recordAudit(trx, {
      action: 'collect',
      event: 'MAKE_REFERRAL',
      actorUserId: maker.id,
      actorOrganisationId: maker.organisationId,
      recordType: 'referral',
      recordIds: [String(created.id)],
      purpose: input.purpose,
      requestId: context.requestId ?? null,
      ip: context.ip ?? null,
      occurredAt: now,
      ...(destination!.organisationId !== maker.organisationId
        ? { recipients: [{ organisationId: destination!.organisationId }] }
        : {}),
      details: {
        personId: personId === null ? null : String(personId),
        toTeamId: destination!.teamId,
        priority: input.priority,
      },
    })
    return created
  })
}
