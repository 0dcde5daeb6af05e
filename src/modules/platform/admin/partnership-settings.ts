import type { Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { invalid, staleVersion } from '../../../errors.ts'
import { loadPartnership, type Partnership } from '../partnership.ts'
import { changedFields, checkText, type FieldErrors } from './validation.ts'

export interface PartnershipInput {
  name: string
  forceName: string
  /** One area per line, as typed in the text area. */
  areasServed: string
}

export const partnershipInputOf = (partnership: Partnership): PartnershipInput => ({
  name: partnership.name,
  forceName: partnership.forceName,
  areasServed: partnership.areasServed.join('\n'),
})

export { loadPartnership }

/** Saves the settings; version 0 means "not set up yet", and the first save creates the row. */
export async function updatePartnership(
  db: Kysely<Database>,
  version: number,
  input: PartnershipInput,
  now: Date,
): Promise<{ value: Partnership; changedFields: string[] }> {
  const errors: FieldErrors = {}
  const name = checkText(errors, 'name', input.name, { label: 'Partnership name', required: true, max: 200 })
  const forceName = checkText(errors, 'forceName', input.forceName, { label: 'Police force', required: true, max: 200 })
  const areaLines = input.areasServed.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '')
  const areasServed = [...new Set(areaLines)]
  const areaErrors: FieldErrors = {}
  areasServed.forEach((area, index) => checkText(areaErrors, `line ${index + 1}`, area, { label: `Area on line ${index + 1}`, max: 200 }))
  if (Object.keys(areaErrors).length) errors.areasServed = Object.values(areaErrors)[0]!
  else if (areasServed.length > 500) errors.areasServed = 'List 500 areas or fewer'
  if (Object.keys(errors).length) throw invalid(errors)

  const current = await loadPartnership(db)
  const changed = changedFields(
    { name: current.name, forceName: current.forceName, areasServed: current.areasServed },
    { name, forceName, areasServed },
  )
  const values = { name, force_name: forceName, areas_served: JSON.stringify(areasServed), updated_at: now }
  const written =
    version === 0
      ? await db.insertInto('partnership').values({ id: 1, ...values }).onConflict((oc) => oc.column('id').doNothing()).executeTakeFirst()
      : await db
          .updateTable('partnership')
          .set((eb) => ({ ...values, version: eb('version', '+', 1) }))
          .where('id', '=', 1)
          .where('version', '=', version)
          .executeTakeFirst()
  const count = 'numInsertedOrUpdatedRows' in written ? Number(written.numInsertedOrUpdatedRows ?? 0) : Number(written.numUpdatedRows)
  if (count !== 1) throw staleVersion('The partnership settings')
  return { value: await loadPartnership(db), changedFields: changed }
}
