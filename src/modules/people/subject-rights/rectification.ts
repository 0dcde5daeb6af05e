import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import { systemClock } from '../../../clock.ts'
import type { Database } from '../../../db/schema.ts'
import { DomainError, invalid, notFound, staleVersion } from '../../../errors.ts'
import { normaliseName, normalisePostcode } from '../../data-hub/people/index.ts'
import { recordAudit } from '../../platform/audit/audit-log.ts'
import { enqueueMail } from '../../platform/mail/outbox.ts'
import { roleHasPermission, isRole } from '../../platform/roles.ts'
import { partnershipDate } from '../../platform/sharing.ts'
import type { SubjectRightsActor, SubjectRightsContext } from './actor.ts'
import { checkedReason } from './beyond-use.ts'
import { disclosuresOf, recipientsOf } from './disclosures.ts'
import { calendarDate } from './due-date.ts'
import type { RectifiableField } from './tables.ts'

/**
 * Rectification (DPA 2018 s.46, UK GDPR Art 16): a person record's name, date of birth or
 * address corrected, the old and new value of each changed field kept in the rectification's
 * history (which goes with the record, so follows its retention), and each organisation the
 * person had been disclosed to before told of it (s.48(9), Art 19): one notice row per
 * organisation and an email to each of its screeners. The emails name no one.
 */

export interface RectifiableRecord {
  id: number
  personId: number | null
  sourceSystem: string
  sourcePersonId: string
  values: Record<RectifiableField, string>
  /** Of the values as read: a form sends it back, and a record changed since is a conflict. */
  fingerprint: string
}

export const RECTIFIABLE_FIELDS: readonly { field: RectifiableField; input: string; label: string }[] = [
  { field: 'first_names', input: 'firstNames', label: 'First names' },
  { field: 'last_name', input: 'lastName', label: 'Last name' },
  { field: 'date_of_birth', input: 'dateOfBirth', label: 'Date of birth' },
  { field: 'address', input: 'address', label: 'Address' },
  { field: 'postcode', input: 'postcode', label: 'Postcode' },
]

export type RectificationInput = Record<
  'firstNames' | 'lastName' | 'dateOfBirth' | 'address' | 'postcode' | 'reason' | 'fingerprint',
  string
>

const fingerprintOf = (values: Record<RectifiableField, string>) =>
  createHash('sha256')
    .update(JSON.stringify(RECTIFIABLE_FIELDS.map(({ field }) => values[field])))
    .digest('hex')

export async function rectifiableRecord(
  db: Kysely<Database>,
  recordId: number,
): Promise<RectifiableRecord | null> {
  const row = await db
    .selectFrom('person_record as r')
    .leftJoin('person_record_link as l', 'l.person_record_id', 'r.id')
    .select([
      'r.id',
      'r.source_system',
      'r.source_person_id',
      'r.first_names',
      'r.last_name',
      'r.date_of_birth',
      'r.address',
      'r.postcode',
      'l.person_id',
    ])
    .where('r.id', '=', recordId)
    .executeTakeFirst()
  if (!row) return null
  const values = {
    first_names: row.first_names,
    last_name: row.last_name,
    date_of_birth: row.date_of_birth ?? '',
    address: row.address ?? '',
    postcode: row.postcode ?? '',
  }
  return {
    id: Number(row.id),
    personId: row.person_id === null ? null : Number(row.person_id),
    sourceSystem: row.source_system,
    sourcePersonId: row.source_person_id,
    values,
    fingerprint: fingerprintOf(values),
  }
}

const CONTROL = /[\p{Cc}\p{Cf}]/u

/** The corrected values, each checked; problems keyed by the form's field names. */
export function checkedRectification(
  input: RectificationInput,
  today: string,
): { values: Record<RectifiableField, string>; reason: string } {
  const errors: Record<string, string> = {}
  const values = {} as Record<RectifiableField, string>
  const name = (field: 'firstNames' | 'lastName', label: string) => {
    const value = input[field].trim().replace(/\s+/g, ' ')
    if (value === '') errors[field] = `Enter the ${label}`
    else if (value.length > 100) errors[field] = `Enter ${label} of at most 100 characters`
    else if (CONTROL.test(value) || normaliseName(value) === '')
      errors[field] = `Enter ${label} using letters (control characters are not allowed)`
    return value
  }
  values.first_names = name('firstNames', 'first names')
  values.last_name = name('lastName', 'last name')
  const dateOfBirth = input.dateOfBirth.trim()
  if (dateOfBirth !== '') {
    const date = calendarDate(dateOfBirth)
    if (date === null)
      errors.dateOfBirth = 'Enter the date of birth as YYYY-MM-DD, or leave it empty if not known'
    else if (date > today) errors.dateOfBirth = 'The date of birth cannot be in the future'
    else if (date < '1890-01-01') errors.dateOfBirth = 'The date of birth cannot be before 1890'
  }
  values.date_of_birth = dateOfBirth
  const address = input.address.trim().replace(/\s+/g, ' ')
  if (address.length > 200) errors.address = 'Enter an address of at most 200 characters'
  else if (CONTROL.test(address)) errors.address = 'Enter the address without control characters'
  values.address = address
  const postcodeText = input.postcode.trim()
  const postcode = postcodeText === '' ? '' : normalisePostcode(postcodeText.slice(0, 20))
  if (postcode === null) errors.postcode = 'Enter a UK postcode, such as EC2V 7HH, or leave it empty'
  values.postcode = postcode ?? ''
  let reason = ''
  try {
    reason = checkedReason(input.reason)
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    Object.assign(errors, error.fields)
  }
  if (Object.keys(errors).length) throw invalid(errors)
  return { values, reason }
}

export interface RectificationResult {
  rectificationId: number
  fields: RectifiableField[]
  notices: { reference: string; organisationId: string; organisationName: string; emails: number }[]
}

const orNull = (value: string) => (value === '' ? null : value)

export async function rectifyPersonRecord(
  db: Kysely<Database>,
  actor: SubjectRightsActor,
  recordId: number,
  input: RectificationInput,
  context: SubjectRightsContext = {},
): Promise<RectificationResult> {
  const now = (context.clock ?? systemClock).now()
  const { values, reason } = checkedRectification(input, partnershipDate(now))
  return db.transaction().execute(async (trx) => {
    const locked = await trx
      .selectFrom('person_record')
      .select('id')
      .where('id', '=', recordId)
      .forUpdate()
      .executeTakeFirst()
    const record = locked ? await rectifiableRecord(trx, recordId) : null
    if (!record) throw notFound(`Person record ${recordId}`)
    if (record.fingerprint !== input.fingerprint) throw staleVersion('The record')
    const changed = RECTIFIABLE_FIELDS.filter(({ field }) => record.values[field] !== values[field])
    if (changed.length === 0)
      throw invalid({ firstNames: 'Change at least one of the fields: they are all as the record has them' })
    await trx
      .updateTable('person_record')
      .set({
        first_names: values.first_names,
        last_name: values.last_name,
        first_names_normalised: normaliseName(values.first_names),
        last_name_normalised: normaliseName(values.last_name),
        date_of_birth: orNull(values.date_of_birth),
        address: orNull(values.address),
        postcode: orNull(values.postcode),
      })
      .where('id', '=', recordId)
      .execute()
    if (record.personId !== null) {
      // The person's display name and date of birth come from one of their records: follow it if it was this one.
      const person = await trx
        .selectFrom('person')
        .select(['display_name', 'date_of_birth'])
        .where('id', '=', record.personId)
        .executeTakeFirstOrThrow()
      const oldName = `${record.values.first_names} ${record.values.last_name}`
      if (person.display_name === oldName || person.date_of_birth === orNull(record.values.date_of_birth)) {
        await trx
          .updateTable('person')
          .set({
            ...(person.display_name === oldName
              ? { display_name: `${values.first_names} ${values.last_name}` }
              : {}),
            ...(person.date_of_birth === orNull(record.values.date_of_birth) &&
            changed.some((c) => c.field === 'date_of_birth')
              ? { date_of_birth: orNull(values.date_of_birth) }
              : {}),
            updated_at: now,
          })
          .where('id', '=', record.personId)
          .execute()
      }
    }
    const rectification = await trx
      .insertInto('person_rectification')
      .values({
        person_record_id: recordId,
        person_id: record.personId,
        reason,
        rectified_by: actor.id,
        rectified_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await trx
      .insertInto('person_rectification_field')
      .values(
        changed.map(({ field }) => ({
          rectification_id: rectification.id,
          field,
          old_value: orNull(record.values[field]),
          new_value: orNull(values[field]),
        })),
      )
      .execute()
    const notices: RectificationResult['notices'] = []
    const recipients = record.personId === null ? [] : recipientsOf(await disclosuresOf(trx, record.personId))
    for (const recipient of recipients) {
      const notice = await trx
        .insertInto('rectification_notice')
        .values({
          rectification_id: rectification.id,
          organisation_id: recipient.organisationId,
          disclosures: recipient.disclosures,
          last_disclosed_at: recipient.lastDisclosedAt,
          created_at: now,
        })
        .returning(['id', 'reference'])
        .executeTakeFirstOrThrow()
      const screeners = (
        await trx
          .selectFrom('app_user')
          .select(['email', 'role'])
          .where('organisation_id', '=', recipient.organisationId)
          .where('disabled', '=', false)
          .orderBy('email')
          .execute()
      ).filter((user) => isRole(user.role) && roleHasPermission(user.role, 'referrals:screen'))
      for (const screener of screeners) {
        await enqueueMail(
          trx,
          {
            kind: 'rectification-notice',
            to: screener.email,
            subject: `Upstream: a record shared with ${recipient.organisationName} has been corrected (${notice.reference})`,
            text: [
              `Notice ${notice.reference}.`,
              '',
              `Personal data about someone that was shared with ${recipient.organisationName} through Upstream ` +
                `(most recently on ${partnershipDate(recipient.lastDisclosedAt)}) has been corrected on ${partnershipDate(now)}.`,
              'Sign in to Upstream to see the corrected details in the referrals you received, and correct any copy ' +
                'you keep elsewhere. Quote the notice number to the data protection officer if you have questions.',
            ].join('\n'),
            subjectPersonId: record.personId,
          },
          now,
        )
      }
      await trx
        .updateTable('rectification_notice')
        .set({ emails: screeners.length })
        .where('id', '=', notice.id)
        .execute()
      notices.push({
        reference: notice.reference,
        organisationId: recipient.organisationId,
        organisationName: recipient.organisationName,
        emails: screeners.length,
      })
    }
    await recordAudit(trx, {
      action: 'alter',
      event: 'RECTIFY_PERSON_RECORD',
      actorUserId: actor.id,
      actorOrganisationId: actor.organisationId,
      recordType: 'person_record',
      recordIds: [String(recordId)],
      requestId: context.requestId ?? null,
      ip: context.ip ?? null,
      occurredAt: now,
      details: {
        personId: record.personId === null ? null : String(record.personId),
        fields: changed.map(({ field }) => field),
        notices: notices.length,
      },
    })
    return { rectificationId: Number(rectification.id), fields: changed.map(({ field }) => field), notices }
  })
}

export interface RectificationHistoryItem {
  rectifiedAt: Date
  fields: { field: RectifiableField; oldValue: string | null; newValue: string | null }[]
  reason: string
  notices: { reference: string; organisationName: string; emails: number }[]
}

export async function rectificationHistory(
  db: Kysely<Database>,
  personId: number,
): Promise<(RectificationHistoryItem & { recordId: number })[]> {
  const rows = await db
    .selectFrom('person_rectification')
    .select(['id', 'person_record_id', 'rectified_at', 'reason'])
    .where('person_id', '=', personId)
    .orderBy('id', 'desc')
    .execute()
  if (rows.length === 0) return []
  const ids = rows.map((row) => row.id)
  const fields = await db
    .selectFrom('person_rectification_field')
    .selectAll()
    .where('rectification_id', 'in', ids)
    .orderBy('field')
    .execute()
  const notices = await db
    .selectFrom('rectification_notice as n')
    .innerJoin('organisation as o', 'o.id', 'n.organisation_id')
    .select(['n.rectification_id', 'n.reference', 'o.name', 'n.emails'])
    .where('n.rectification_id', 'in', ids)
    .orderBy('n.id')
    .execute()
  return rows.map((row) => ({
    recordId: Number(row.person_record_id),
    rectifiedAt: row.rectified_at,
    reason: row.reason,
    fields: fields
      .filter((f) => f.rectification_id === row.id)
      .map((f) => ({ field: f.field, oldValue: f.old_value, newValue: f.new_value })),
    notices: notices
      .filter((n) => n.rectification_id === row.id)
      .map((n) => ({ reference: n.reference, organisationName: n.name, emails: n.emails })),
  }))
}
