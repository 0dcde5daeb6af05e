import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { invalid, notFound } from '../../../errors.ts'
import { recordAudit } from '../../platform/audit/audit-log.ts'

/**
 * Sets how long a sharing agreement's records are kept and which source systems' person records came
 * under it (C4). The administration form does not edit these yet; `upstream retention agreement` does.
 */
const SOURCE_SYSTEM = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

export async function setAgreementRetention(
  db: Kysely<Database>,
  input: { reference: string; months?: string; sourceSystems?: string; now: Date },
): Promise<{ reference: string; retentionMonths: number; sourceSystems: string[] }> {
  const errors: Record<string, string> = {}
  let months: number | undefined
  if (input.months !== undefined) {
    months = Number(input.months)
    if (!/^\d{1,4}$/.test(input.months.trim()) || months < 1 || months > 1200)
      errors.months = `--months must be a whole number of months from 1 to 1200, not '${input.months}'`
  }
  let systems: string[] | undefined
  if (input.sourceSystems !== undefined) {
    systems = input.sourceSystems
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
    const bad = systems.find((s) => !SOURCE_SYSTEM.test(s))
    if (bad !== undefined)
      errors.sourceSystems = `--source-systems: '${bad}' is not a source system code (letters, digits, '.', '_' and '-')`
  }
  if (Object.keys(errors).length) throw invalid(errors)
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ id: string; retention_months: number; source_systems: string[] }>`
      update sharing_agreement set
        retention_months = coalesce(${months ?? null}::int, retention_months),
        source_systems = coalesce(${systems ?? null}::text[], source_systems),
        version = version + 1,
        updated_at = ${input.now}
      where reference = ${input.reference}
      returning id, retention_months, source_systems`.execute(trx)
    const row = rows[0]
    if (!row) throw notFound(`Sharing agreement ${input.reference}`)
    await recordAudit(trx, {
      action: 'alter',
      event: 'SET_AGREEMENT_RETENTION',
      recordType: 'sharing_agreement',
      recordIds: [row.id],
      occurredAt: input.now,
      details: {
        fields: [
          ...(months !== undefined ? ['retention_months'] : []),
          ...(systems ? ['source_systems'] : []),
        ],
      },
    })
    return {
      reference: input.reference,
      retentionMonths: row.retention_months,
      sourceSystems: row.source_systems,
    }
  })
}
