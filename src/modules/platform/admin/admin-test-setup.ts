import type { FastifyInstance } from 'fastify'
import { after, before } from 'node:test'
import type { ManualClock } from '../../../clock.ts'
import { testApp } from '../../../../test/app.ts'
import type { Backend, TestDatabase } from '../../../../test/backends.ts'
import { createOrganisation, createUser, type TestUser } from '../../../../test/factories.ts'
import { clientSignedInAs, type TestClient } from '../../../../test/http-client.ts'
import type { Role } from '../roles.ts'

/** One app over one database per test file, with an administrator of a police force. */
export interface AdminTestContext {
  database: TestDatabase
  app: FastifyInstance
  clock: ManualClock
  police: { id: string; name: string }
  administrator: TestUser
  /** A fresh signed-in client for the administrator, or for a new user of another role. */
  signedIn(role?: Role): Promise<TestClient>
  auditEvents(event: string): Promise<{ action: string; record_ids: string[]; details: Record<string, unknown>; outcome: string }[]>
}

export function useAdminApp(backend: Backend): AdminTestContext {
  const context = {} as AdminTestContext
  before(async () => {
    context.database = await backend.create()
    ;({ app: context.app, clock: context.clock } = await testApp(context.database))
    context.police = await createOrganisation(context.database.db, { kind: 'police_force' })
    context.administrator = await createUser(context.database.db, { role: 'administrator', organisationId: context.police.id })
    context.signedIn = async (role: Role = 'administrator') => {
      const user =
        role === 'administrator' ? context.administrator : await createUser(context.database.db, { role, organisationId: context.police.id })
      return clientSignedInAs(context.app, context.database.db, context.clock, user.id)
    }
    context.auditEvents = (event) =>
      context.database.db
        .selectFrom('audit_event')
        .select(['action', 'record_ids', 'details', 'outcome'])
        .where('event', '=', event)
        .orderBy('seq')
        .execute()
  })
  after(async () => {
    await context.app.close()
    await context.database.close()
  })
  return context
}

export const countRows = async (database: TestDatabase, table: 'organisation' | 'app_user' | 'team' | 'sharing_agreement') =>
  Number((await database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)

/** The value of the input with this id on a rendered page, or undefined when there is no such input. */
export function inputValue(html: string, id: string): string | undefined {
  const tag = new RegExp(`<input[^>]*\\sid="${id}"[^>]*>`).exec(html)?.[0]
  if (!tag) return undefined
  return /\svalue="([^"]*)"/.exec(tag)?.[1] ?? ''
}
