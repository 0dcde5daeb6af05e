import type { Kysely } from 'kysely'
import { systemClock } from '../../../clock.ts'
import type { Database } from '../../../db/schema.ts'
import { recordAudit } from '../../platform/audit/audit-log.ts'
import type { SubjectRightsActor, SubjectRightsContext } from './actor.ts'
import { beyondUseHistory, type BeyondUseMarking } from './beyond-use.ts'
import { rectifiableRecord, rectificationHistory, type RectifiableRecord } from './rectification.ts'
import { listSubjectAccessRequests, type RequestListItem } from './requests.ts'

/**
 * One person as the data protection officer sees them to act on their rights: their records (to
 * rectify), whether they are beyond use and the history of it, their corrections and their
 * access requests. The DPO sees people beyond use; the view is audited as a consultation.
 */

export interface PersonRights {
  personId: number
  displayName: string
  dateOfBirth: string | null
  mergedInto: number | null
  records: RectifiableRecord[]
  beyondUse: BeyondUseMarking[]
  inForce: BeyondUseMarking | null
  rectifications: Awaited<ReturnType<typeof rectificationHistory>>
  requests: RequestListItem[]
}

export async function personRights(
  db: Kysely<Database>,
  actor: SubjectRightsActor,
  personId: number,
  context: SubjectRightsContext = {},
): Promise<PersonRights | null> {
  const now = (context.clock ?? systemClock).now()
  return db.transaction().execute(async (trx) => {
    const person = await trx
      .selectFrom('person')
      .select(['id', 'display_name', 'date_of_birth', 'merged_into'])
      .where('id', '=', personId)
      .executeTakeFirst()
    if (!person) return null
    const recordIds = await trx
      .selectFrom('person_record_link')
      .select('person_record_id')
      .where('person_id', '=', personId)
      .orderBy('person_record_id')
      .execute()
    const records: RectifiableRecord[] = []
    for (const { person_record_id } of recordIds) {
      const record = await rectifiableRecord(trx, person_record_id)
      if (record) records.push(record)
    }
    const beyondUse = await beyondUseHistory(trx, personId)
    const requests = await listSubjectAccessRequests(trx, now, personId)
    await recordAudit(trx, {
      action: 'consult',
      event: 'VIEW_PERSON_SUBJECT_RIGHTS',
      actorUserId: actor.id,
      actorOrganisationId: actor.organisationId,
      recordType: 'person',
      recordIds: [String(personId)],
      requestId: context.requestId ?? null,
      ip: context.ip ?? null,
      occurredAt: now,
      details: { records: records.length },
    })
    return {
      personId: Number(person.id),
      displayName: person.display_name,
      dateOfBirth: person.date_of_birth,
      mergedInto: person.merged_into === null ? null : Number(person.merged_into),
      records,
      beyondUse,
      inForce: beyondUse.find((marking) => marking.liftedAt === null) ?? null,
      rectifications: await rectificationHistory(trx, personId),
      requests,
    }
  })
}
