import type { Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { invalid } from '../../../errors.ts'
import { recordAudit } from '../../platform/audit/audit-log.ts'
import type { AccessingUser } from '../../platform/sharing.ts'
import { personIdProblem, usersByEmail, type WriteContext } from './restrictions.ts'
import { INTEREST_RELATIONSHIPS, type InterestRelationship } from './tables.ts'

/**
 * A staff interest: an administrator or supervisor records that a user is the person, or a
 * relative of them. From then on the user cannot open the person's record (restrictionGate).
 */
export interface DeclareInterestInput {
  userEmail: string
  personId: string
  relationship: string
}

const isRelationship = (value: string): value is InterestRelationship =>
  (INTEREST_RELATIONSHIPS as readonly string[]).includes(value)

export async function declareStaffInterest(
  db: Kysely<Database>,
  actor: AccessingUser,
  input: DeclareInterestInput,
  context: WriteContext,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const errors: Record<string, string> = {}
    const person = await personIdProblem(trx, input.personId)
    if (typeof person === 'string') errors.personId = person
    const email = input.userEmail.trim()
    const users =
      email === ''
        ? { problem: 'Enter the email address of the member of staff' }
        : await usersByEmail(trx, email)
    if ('problem' in users) errors.userEmail = users.problem
    else if (users.ids.length !== 1) errors.userEmail = 'Enter one email address'
    if (!isRelationship(input.relationship))
      errors.relationship = 'Choose whether the user is the person or a relative'
    if (Object.keys(errors).length || typeof person !== 'number' || 'problem' in users) throw invalid(errors)
    const userId = users.ids[0]!
    const row = await trx
      .insertInto('staff_interest')
      .values({
        user_id: userId,
        person_id: person,
        relationship: input.relationship as InterestRelationship,
        declared_by: actor.id,
        declared_at: context.now,
      })
      .onConflict((oc) =>
        oc
          .columns(['user_id', 'person_id'])
          .doUpdateSet({ relationship: input.relationship as InterestRelationship }),
      )
      .returning('id')
      .executeTakeFirstOrThrow()
    await recordAudit(trx, {
      action: 'collect',
      event: 'DECLARE_STAFF_INTEREST',
      actorUserId: actor.id,
      actorOrganisationId: actor.organisationId,
      recordType: 'person',
      recordIds: [String(person)],
      requestId: context.requestId ?? null,
      ip: context.ip ?? null,
      occurredAt: context.now,
      details: { staffInterestId: row.id, userId, fields: ['user_id', 'relationship'] },
    })
    return row.id
  })
}
