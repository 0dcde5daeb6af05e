import type { Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { invalid, notFound, staleVersion } from '../../../errors.ts'
import { DATA_CLASSES, isDataClass, isPurpose, type DataClassName, type Purpose } from '../data-classes.ts'
import { ORGANISATION_KIND_LABELS, isOrganisationKind } from '../organisation-kinds.ts'
import { changedFields, checkText, isUniqueViolation, isUuid, type FieldErrors } from './validation.ts'

export type AgreementStatus = 'active' | 'suspended'

export interface SharingAgreement {
  id: string
  reference: string
  title: string
  providerOrganisationId: string
  providerName: string
  recipientOrganisationId: string
  recipientName: string
  dataClasses: DataClassName[]
  purposes: Purpose[]
  status: AgreementStatus
  startsOn: string
  endsOn: string | null
  requiresInvolvement: boolean
  notes: string
  version: number
}

/** A date as typed in the three boxes of a date input. */
export interface DateParts {
  day: string
  month: string
  year: string
}

export interface SharingAgreementInput {
  reference: string
  title: string
  providerOrganisationId: string
  recipientOrganisationId: string
  dataClasses: string[]
  purposes: string[]
  status: string
  startsOn: DateParts
  endsOn: DateParts
  requiresInvolvement: boolean
  notes: string
}

const noDate = (): DateParts => ({ day: '', month: '', year: '' })

export const emptyAgreementInput = (): SharingAgreementInput => ({
  reference: '',
  title: '',
  providerOrganisationId: '',
  recipientOrganisationId: '',
  dataClasses: [],
  purposes: [],
  status: 'active',
  startsOn: noDate(),
  endsOn: noDate(),
  requiresInvolvement: false,
  notes: '',
})

export function datePartsOf(isoDate: string | null): DateParts {
  if (!isoDate) return noDate()
  const [year, month, day] = isoDate.split('-')
  return { day: String(Number(day)), month: String(Number(month)), year: year! }
}

/** 'YYYY-MM-DD', null when every box is empty, or a problem to show beside the field. */
export function parseDateParts(parts: DateParts, label: string, required: boolean): { date: string | null } | { problem: string } {
  const day = parts.day.trim()
  const month = parts.month.trim()
  const year = parts.year.trim()
  if (!day && !month && !year) return required ? { problem: `Enter the date the agreement ${label}` } : { date: null }
  const missing = [!day && 'day', !month && 'month', !year && 'year'].filter(Boolean)
  if (missing.length) return { problem: `The date the agreement ${label} must include a ${missing.join(' and ')}` }
  if (![day, month, year].every((part) => /^\d+$/.test(part)) || year.length !== 4) {
    return { problem: `The date the agreement ${label} must be a real date, for example 1 4 2026` }
  }
  const iso = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`
  const parsed = new Date(`${iso}T00:00:00Z`)
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== iso || Number(year) < 2000 || Number(year) > 2100) {
    return { problem: `The date the agreement ${label} must be a real date between 2000 and 2100` }
  }
  return { date: iso }
}

const COLUMNS = [
  'a.id',
  'a.reference',
  'a.title',
  'a.provider_organisation_id',
  'provider.name as provider_name',
  'a.recipient_organisation_id',
  'recipient.name as recipient_name',
  'a.data_classes',
  'a.purposes',
  'a.status',
  'a.starts_on',
  'a.ends_on',
  'a.requires_involvement',
  'a.notes',
  'a.version',
] as const

function baseQuery(db: Kysely<Database>) {
  return db
    .selectFrom('sharing_agreement as a')
    .innerJoin('organisation as provider', 'provider.id', 'a.provider_organisation_id')
    .innerJoin('organisation as recipient', 'recipient.id', 'a.recipient_organisation_id')
    .select(COLUMNS)
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>

const toAgreement = (row: Row): SharingAgreement => ({
  id: row.id,
  reference: row.reference,
  title: row.title,
  providerOrganisationId: row.provider_organisation_id,
  providerName: row.provider_name,
  recipientOrganisationId: row.recipient_organisation_id,
  recipientName: row.recipient_name,
  dataClasses: row.data_classes.filter(isDataClass),
  purposes: row.purposes.filter(isPurpose),
  status: row.status === 'suspended' ? 'suspended' : 'active',
  startsOn: row.starts_on,
  endsOn: row.ends_on,
  requiresInvolvement: row.requires_involvement,
  notes: row.notes,
  version: row.version,
})

export async function listAgreements(db: Kysely<Database>): Promise<SharingAgreement[]> {
  return (await baseQuery(db).orderBy('a.reference').execute()).map(toAgreement)
}

export async function getAgreement(db: Kysely<Database>, id: string): Promise<SharingAgreement> {
  if (!isUuid(id)) throw notFound('Sharing agreement')
  const row = await baseQuery(db).where('a.id', '=', id).executeTakeFirst()
  if (!row) throw notFound('Sharing agreement')
  return toAgreement(row)
}

interface CleanAgreement {
  reference: string
  title: string
  provider_organisation_id: string
  recipient_organisation_id: string
  data_classes: DataClassName[]
  purposes: Purpose[]
  status: AgreementStatus
  starts_on: string
  ends_on: string | null
  requires_involvement: boolean
  notes: string
}

async function validate(db: Kysely<Database>, input: SharingAgreementInput): Promise<CleanAgreement> {
  const errors: FieldErrors = {}
  const reference = checkText(errors, 'reference', input.reference, { label: 'Reference', required: true, max: 50 })
  const title = checkText(errors, 'title', input.title, { label: 'Title', required: true, max: 300 })
  const notes = checkText(errors, 'notes', input.notes, { label: 'Notes', max: 5000, multiline: true })
  const organisationKind = async (id: string) =>
    isUuid(id) ? (await db.selectFrom('organisation').select('kind').where('id', '=', id).executeTakeFirst())?.kind : undefined
  const providerKind = await organisationKind(input.providerOrganisationId)
  const recipientKind = await organisationKind(input.recipientOrganisationId)
  if (!providerKind) errors.providerOrganisationId = 'Select the organisation that provides the data'
  if (!recipientKind) errors.recipientOrganisationId = 'Select the organisation that receives the data'
  else if (input.recipientOrganisationId === input.providerOrganisationId) {
    errors.recipientOrganisationId = 'The recipient must be a different organisation from the provider'
  }
  const dataClasses = [...new Set(input.dataClasses)].sort()
  if (dataClasses.length === 0 || !dataClasses.every(isDataClass)) errors.dataClasses = 'Select the classes of data the agreement shares'
  else {
    const unshareable = dataClasses.find((name) => !DATA_CLASSES[name].shareable)
    const notProviders = providerKind ? dataClasses.find((name) => DATA_CLASSES[name].controller !== providerKind) : undefined
    if (unshareable) errors.dataClasses = `${DATA_CLASSES[unshareable].label} is never shared: untick it`
    else if (notProviders && isOrganisationKind(providerKind)) {
      const controller = ORGANISATION_KIND_LABELS[DATA_CLASSES[notProviders].controller].toLowerCase()
      errors.dataClasses = `${DATA_CLASSES[notProviders].label} is controlled by a ${controller}, so this provider (a ${ORGANISATION_KIND_LABELS[providerKind].toLowerCase()}) cannot share it`
    }
  }
  const purposes = [...new Set(input.purposes)].sort()
  if (purposes.length === 0 || !purposes.every(isPurpose)) errors.purposes = 'Select the purposes the data may be used for'
  if (input.status !== 'active' && input.status !== 'suspended') errors.status = 'Select whether the agreement is active or suspended'
  const startsOn = parseDateParts(input.startsOn, 'starts', true)
  const endsOn = parseDateParts(input.endsOn, 'ends', false)
  if ('problem' in startsOn) errors.startsOn = startsOn.problem
  if ('problem' in endsOn) errors.endsOn = endsOn.problem
  if ('date' in startsOn && 'date' in endsOn && endsOn.date && startsOn.date && endsOn.date < startsOn.date) {
    errors.endsOn = 'The date the agreement ends must be the same as or after the date it starts'
  }
  if (Object.keys(errors).length) throw invalid(errors)
  return {
    reference,
    title,
    provider_organisation_id: input.providerOrganisationId,
    recipient_organisation_id: input.recipientOrganisationId,
    data_classes: dataClasses as DataClassName[],
    purposes: purposes as Purpose[],
    status: input.status as AgreementStatus,
    starts_on: (startsOn as { date: string }).date,
    ends_on: (endsOn as { date: string | null }).date,
    requires_involvement: input.requiresInvolvement,
    notes,
  }
}

const duplicateReference = (reference: string) => invalid({ reference: `An agreement with the reference '${reference}' already exists` })

async function referenceTaken(db: Kysely<Database>, reference: string, exceptId?: string) {
  let query = db.selectFrom('sharing_agreement').select('id').where('reference', '=', reference)
  if (exceptId) query = query.where('id', '!=', exceptId)
  return Boolean(await query.executeTakeFirst())
}

export async function createAgreement(db: Kysely<Database>, input: SharingAgreementInput, now: Date): Promise<SharingAgreement> {
  const values = await validate(db, input)
  if (await referenceTaken(db, values.reference)) throw duplicateReference(values.reference)
  try {
    const row = await db
      .insertInto('sharing_agreement')
      .values({ ...values, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow()
    return getAgreement(db, row.id)
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateReference(values.reference)
    throw error
  }
}

const FIELD_NAMES: Record<keyof CleanAgreement, string> = {
  reference: 'reference',
  title: 'title',
  provider_organisation_id: 'providerOrganisationId',
  recipient_organisation_id: 'recipientOrganisationId',
  data_classes: 'dataClasses',
  purposes: 'purposes',
  status: 'status',
  starts_on: 'startsOn',
  ends_on: 'endsOn',
  requires_involvement: 'requiresInvolvement',
  notes: 'notes',
}

export async function updateAgreement(
  db: Kysely<Database>,
  id: string,
  version: number,
  input: SharingAgreementInput,
  now: Date,
): Promise<{ value: SharingAgreement; changedFields: string[] }> {
  const current = await getAgreement(db, id)
  const values = await validate(db, input)
  if (await referenceTaken(db, values.reference, id)) throw duplicateReference(values.reference)
  const before: Record<keyof CleanAgreement, unknown> = {
    reference: current.reference,
    title: current.title,
    provider_organisation_id: current.providerOrganisationId,
    recipient_organisation_id: current.recipientOrganisationId,
    data_classes: [...current.dataClasses].sort(),
    purposes: [...current.purposes].sort(),
    status: current.status,
    starts_on: current.startsOn,
    ends_on: current.endsOn,
    requires_involvement: current.requiresInvolvement,
    notes: current.notes,
  }
  const changed = changedFields(before, values).map((column) => FIELD_NAMES[column as keyof CleanAgreement])
  try {
    const updated = await db
      .updateTable('sharing_agreement')
      .set((eb) => ({ ...values, updated_at: now, version: eb('version', '+', 1) }))
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst()
    if (Number(updated.numUpdatedRows) !== 1) throw staleVersion('This sharing agreement')
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateReference(values.reference)
    throw error
  }
  return { value: await getAgreement(db, id), changedFields: changed }
}

/** Suspending takes effect on the very next access decision (sharing.ts reads the status every time). */
export async function setAgreementStatus(
  db: Kysely<Database>,
  id: string,
  version: number,
  status: AgreementStatus,
  now: Date,
): Promise<SharingAgreement> {
  const current = await getAgreement(db, id)
  const updated = await db
    .updateTable('sharing_agreement')
    .set((eb) => ({ status, updated_at: now, version: eb('version', '+', 1) }))
    .where('id', '=', current.id)
    .where('version', '=', version)
    .executeTakeFirst()
  if (Number(updated.numUpdatedRows) !== 1) throw staleVersion('This sharing agreement')
  return getAgreement(db, id)
}

