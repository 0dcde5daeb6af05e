import { sql, type Kysely } from 'kysely'
import { systemClock, type Clock } from '../../clock.ts'
import type { Database } from '../../db/schema.ts'
import { withViewerScope } from '../../db/viewer-scope.ts'
import { invalid } from '../../errors.ts'
import { recordAudit } from '../platform/audit/audit-log.ts'
import { mayAccess, outsideOwnCases, type AccessingUser } from '../platform/sharing.ts'
import { closedTo } from './restrictions/closed-to.ts'
import { notBeyondUse } from './subject-rights/beyond-use.ts'

/**
 * Finding a person by name (any of their records' names) and, optionally, date of birth.
 * A search consults person identity like a view does: checked for the purpose and audited,
 * with the number of people found but never the words searched for.
 */

export interface PersonFound {
  id: number
  displayName: string
  dateOfBirth: string | null
  records: number
  /** A restricted record the viewer may not open: no name or date of birth, only the way to its page. */
  restricted?: boolean
}

/** What a list shows in place of the name of a person the viewer may not open. */
export const RESTRICTED_RECORD = 'Restricted record'

export const SEARCH_LIMIT = 50

export async function searchPeople(
  db: Kysely<Database>,
  viewer: AccessingUser,
  input: { name: string; dateOfBirth: string; purpose: string },
  context: { clock?: Clock; requestId?: string | null; ip?: string | null } = {},
): Promise<{ allowed: boolean; reason: string; people: PersonFound[] }> {
  const name = input.name.trim().toLowerCase().replace(/\s+/g, ' ')
  const errors: Record<string, string> = {}
  if (name.length < 2) errors.name = 'Enter at least two letters of a name'
  if (name.length > 100) errors.name = 'Enter a name of at most 100 characters'
  if (input.dateOfBirth && !/^\d{4}-\d{2}-\d{2}$/.test(input.dateOfBirth))
    errors.dateOfBirth = 'Enter the date of birth as YYYY-MM-DD'
  if (Object.keys(errors).length) throw invalid(errors)
  const now = (context.clock ?? systemClock).now()
  return withViewerScope(db, { ...viewer, on: now }, input.purpose, async (trx) => {
    const access = outsideOwnCases(
      await mayAccess(trx, viewer, 'person-identity', input.purpose, now),
      'the agreement covers only the people of the user’s own cases',
    )
    const allowed = access.allowed
    const audit = {
      event: 'SEARCH_PEOPLE',
      actorUserId: viewer.id,
      actorOrganisationId: viewer.organisationId,
      purpose: input.purpose,
      requestId: context.requestId ?? null,
      ip: context.ip ?? null,
      occurredAt: now,
    }
    if (!allowed) {
      await recordAudit(trx, {
        ...audit,
        action: 'consult',
        outcome: 'denied',
        details: { reason: access.reason },
      })
      return { allowed: false, reason: access.reason, people: [] }
    }
    const pattern = `%${name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    let query = trx
      .selectFrom('person as p')
      .innerJoin('person_record_link as l', 'l.person_id', 'p.id')
      .innerJoin('person_record as r', 'r.id', 'l.person_record_id')
      .select([
        'p.id',
        'p.display_name',
        'p.date_of_birth',
        sql<number>`count(distinct r.id)::int`.as('records'),
      ])
      .where('p.merged_into', 'is', null)
      .where(notBeyondUse('p.id'))
      .where((eb) =>
        eb.or([
          eb(sql`r.first_names_normalised || ' ' || r.last_name_normalised`, 'like', pattern),
          eb(sql`lower(r.first_names || ' ' || r.last_name)`, 'like', pattern),
        ]),
      )
    if (input.dateOfBirth) query = query.where('r.date_of_birth', '=', input.dateOfBirth)
    const rows = await query
      .groupBy(['p.id', 'p.display_name', 'p.date_of_birth'])
      .orderBy('p.display_name')
      .orderBy('p.id')
      .limit(SEARCH_LIMIT)
      .execute()
    await recordAudit(trx, {
      ...audit,
      action: access.basis === 'agreement' ? 'disclose' : 'consult',
      recordType: 'person',
      recordIds: rows.map((row) => String(row.id)),
      sharingAgreementId: access.agreementId ?? null,
      details: { found: rows.length, byDateOfBirth: input.dateOfBirth !== '' },
    })
    const closed = await closedTo(
      trx,
      viewer,
      rows.map((row) => row.id),
      now,
    )
    return {
      allowed: true,
      reason: access.reason,
      people: rows.map((row) =>
        closed.has(row.id)
          ? {
              id: row.id,
              displayName: RESTRICTED_RECORD,
              dateOfBirth: null,
              records: row.records,
              restricted: true,
            }
          : {
              id: row.id,
              displayName: row.display_name,
              dateOfBirth: row.date_of_birth,
              records: row.records,
            },
      ),
    }
  })
}
