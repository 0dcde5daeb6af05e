import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { recordAudit } from '../../platform/audit/audit-log.ts'

export interface ResolveResult {
  /** Involvements linked to their incident by this call. */
  resolved: number
  /** Involvements whose incident is still not in the database. */
  unresolved: number
}

/**
 * Links each involvement still waiting for its incident to the incident with its source and
 * reference, when there is one now. Where one reference names several incidents (the same
 * police.uk Crime ID on two rows of a month) the first imported is taken.
 */
export async function resolveInvolvementsIn(db: Kysely<Database>): Promise<number> {
  const result = await sql`
    update person_involvement as involvement set incident_id = (
      select min(incident.id) from incident
      where incident.source_kind = involvement.incident_source_kind
        and incident.source_reference = involvement.incident_reference)
    where involvement.incident_id is null
      and exists (select 1 from incident
        where incident.source_kind = involvement.incident_source_kind
          and incident.source_reference = involvement.incident_reference)`.execute(db)
  return Number(result.numAffectedRows ?? 0)
}

/**
 * For the lead to call after other imports: resolves what it can and says what is left. A
 * resolution combines personal data with incident data (DPA 2018 s.62), so it is audited,
 * with counts only.
 */
export async function resolveInvolvements(
  db: Kysely<Database>,
  options: { actorUserId?: string | null; occurredAt?: Date } = {},
): Promise<ResolveResult> {
  return db.transaction().execute(async (trx) => {
    const resolved = await resolveInvolvementsIn(trx)
    const left = await trx
      .selectFrom('person_involvement')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('incident_id', 'is', null)
      .executeTakeFirstOrThrow()
    const unresolved = Number(left.count)
    if (resolved > 0) {
      await recordAudit(trx, {
        action: 'combine',
        event: 'RESOLVE_INVOLVEMENTS',
        actorUserId: options.actorUserId ?? null,
        recordType: 'person_involvement',
        details: { resolved, unresolved },
        ...(options.occurredAt ? { occurredAt: options.occurredAt } : {}),
      })
    }
    return { resolved, unresolved }
  })
}
