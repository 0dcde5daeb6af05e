import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { defineRoutes } from '../../../server/define-route.ts'
import { inTransaction } from '../../../db/in-transaction.ts'
import { isRole, ROLE_LABELS, ROLES } from '../roles.ts'
import { CONFLICT_MESSAGE, errorListOf, flashFrom, formList, formText, formVersion, paramId, queryText, submitForm } from './forms.ts'
import { listOrganisations } from './organisations.ts'
import { listTeams } from './teams.ts'
import {
  createUser,
  emptyUserInput,
  endAllSessionsOfUser,
  getUser,
  listUsers,
  resetPassword,
  setUserDisabled,
  updateUser,
  type User,
  type UserFilters,
  type UserInput,
} from './users.ts'
import type { FieldErrors } from './validation.ts'

const inputFrom = (body: unknown): UserInput => ({
  email: formText(body, 'email'),
  displayName: formText(body, 'displayName'),
  role: formText(body, 'role'),
  organisationId: formText(body, 'organisationId'),
  teamIds: formList(body, 'teamIds'),
})

const inputOf = (user: User): UserInput => ({
  email: user.email,
  displayName: user.displayName,
  role: user.role,
  organisationId: user.organisationId,
  teamIds: user.teamIds,
})

const FLASH = {
  updated: 'User updated',
  disabled: 'Account disabled and all its sessions ended',
  enabled: 'Account enabled',
  'sessions-ended': 'All sessions of this user ended',
}

function filtersFrom(request: FastifyRequest): { filters: UserFilters; values: Record<string, string>; page: number } {
  const organisationId = queryText(request, 'organisation')
  const role = queryText(request, 'role')
  const search = queryText(request, 'q').slice(0, 200)
  const disabled = queryText(request, 'disabled')
  const page = Number.parseInt(queryText(request, 'page'), 10)
  return {
    filters: {
      organisationId: organisationId || undefined,
      role: isRole(role) ? role : undefined,
      search: search || undefined,
      disabled: disabled === 'yes' ? true : disabled === 'no' ? false : undefined,
    },
    values: { organisation: organisationId, role: isRole(role) ? role : '', q: search, disabled: disabled === 'yes' || disabled === 'no' ? disabled : '' },
    page: Number.isFinite(page) && page > 0 ? page : 1,
  }
}

export function registerUserRoutes(app: FastifyInstance): void {
  const route = defineRoutes(app)
  const { db, clock } = app.deps

  async function choices(values: UserInput) {
    const organisations = await listOrganisations(db)
    const teams = await listTeams(db)
    return {
      roleItems: [{ value: '', text: 'Select a role' }, ...ROLES.map((role) => ({ value: role, text: ROLE_LABELS[role], selected: values.role === role }))],
      organisationItems: [
        { value: '', text: 'Select an organisation' },
        ...organisations.map((o) => ({ value: o.id, text: o.name, selected: o.id === values.organisationId })),
      ],
      teamItems: teams.map((t) => ({ value: t.id, text: `${t.name} (${t.organisationName})`, checked: values.teamIds.includes(t.id) })),
    }
  }

  async function renderForm(
    reply: FastifyReply,
    page: { user?: User; values: UserInput; errors?: FieldErrors; conflict?: boolean; flash?: string },
  ) {
    const errors = page.errors ?? {}
    return reply.render('platform/admin/pages/user-form.njk', {
      pageTitle: page.user ? page.user.displayName : 'Add a user',
      account: page.user,
      values: page.values,
      errors,
      errorList: errorListOf(errors, { form: page.user ? 'account-actions' : 'email' }),
      conflictMessage: page.conflict ? CONFLICT_MESSAGE : undefined,
      flash: page.flash,
      action: page.user ? `/admin/users/${page.user.id}` : '/admin/users',
      ...(await choices(page.values)),
    })
  }

  function renderPassword(reply: FastifyReply, user: User, password: string, created: boolean) {
    reply.header('cache-control', 'no-store')
    return reply.render('platform/admin/pages/initial-password.njk', {
      pageTitle: created ? 'User created' : 'Password reset',
      account: user,
      initialPassword: password,
      created,
    })
  }

  route.get('/admin/users', {
    permission: 'admin:users',
    dataClass: 'account',
    audit: 'consult',
    handler: async (request, reply) => {
      const { filters, values, page } = filtersFrom(request)
      const result = await listUsers(db, filters, page)
      await request.audit({
        action: 'consult',
        event: 'LIST_USERS',
        recordType: 'user',
        recordIds: result.users.map((user) => user.id),
        details: { filters: Object.entries(filters).filter(([, value]) => value !== undefined).map(([name]) => name), page: result.page },
      })
      const organisations = await listOrganisations(db)
      const linkTo = (target: number) => {
        const query = new URLSearchParams(Object.entries(values).filter(([, value]) => value !== ''))
        if (target > 1) query.set('page', String(target))
        const text = query.toString()
        return text ? `/admin/users?${text}` : '/admin/users'
      }
      return reply.render('platform/admin/pages/users.njk', {
        pageTitle: 'Users',
        result,
        values,
        flash: flashFrom(request, { disabled: FLASH.disabled }),
        roleItems: [{ value: '', text: 'Any role' }, ...ROLES.map((role) => ({ value: role, text: ROLE_LABELS[role], selected: values.role === role }))],
        organisationItems: [
          { value: '', text: 'Any organisation' },
          ...organisations.map((o) => ({ value: o.id, text: o.name, selected: o.id === values.organisation })),
        ],
        disabledItems: [
          { value: '', text: 'Enabled and disabled', selected: values.disabled === '' },
          { value: 'no', text: 'Enabled only', selected: values.disabled === 'no' },
          { value: 'yes', text: 'Disabled only', selected: values.disabled === 'yes' },
        ],
        pagination:
          result.pageCount > 1
            ? {
                previous: result.page > 1 ? { href: linkTo(result.page - 1) } : undefined,
                next: result.page < result.pageCount ? { href: linkTo(result.page + 1) } : undefined,
                items: Array.from({ length: result.pageCount }, (_, index) => index + 1)
                  .filter((n) => n === 1 || n === result.pageCount || Math.abs(n - result.page) <= 2)
                  .flatMap((n, index, shown) => [
                    ...(index > 0 && n - shown[index - 1]! > 1 ? [{ ellipsis: true }] : []),
                    { number: n, href: linkTo(n), current: n === result.page },
                  ]),
              }
            : undefined,
      })
    },
  })

  route.get('/admin/users/new', {
    permission: 'admin:users',
    dataClass: 'account',
    handler: (_request, reply) => renderForm(reply, { values: emptyUserInput() }),
  })

  route.post('/admin/users', {
    permission: 'admin:users',
    dataClass: 'account',
    audit: 'collect',
    handler: async (request, reply) => {
      const input = inputFrom(request.body)
      return submitForm(
        reply,
        async () => {
          const created = await inTransaction(db, async (trx) => {
            const created = await createUser(trx, input, clock.now())
            await request.audit({ action: 'collect', event: 'CREATE_USER', recordType: 'user', recordIds: [created.user.id] }, trx)
            return created
          })
          reply.code(201)
          return renderPassword(reply, created.user, created.initialPassword!, true)
        },
        { invalid: (errors) => renderForm(reply, { values: input, errors }) },
      )
    },
  })

  route.get('/admin/users/:id', {
    permission: 'admin:users',
    dataClass: 'account',
    audit: 'consult',
    handler: async (request, reply) => {
      const user = await getUser(db, paramId(request), clock.now())
      await request.audit({ action: 'consult', event: 'VIEW_USER', recordType: 'user', recordIds: [user.id] })
      return renderForm(reply, { user, values: inputOf(user), flash: flashFrom(request, FLASH) })
    },
  })

  /** Runs an account action; a stale version or a refused action shows the user's page again. */
  async function accountAction(request: FastifyRequest, reply: FastifyReply, action: (user: User) => Promise<unknown>) {
    const user = await getUser(db, paramId(request), clock.now())
    return submitForm(reply, () => action(user), {
      invalid: (errors) => renderForm(reply, { user, values: inputOf(user), errors }),
      conflict: async () => {
        const current = await getUser(db, user.id, clock.now())
        return renderForm(reply, { user: current, values: inputOf(current), conflict: true })
      },
    })
  }

  route.post('/admin/users/:id', {
    permission: 'admin:users',
    dataClass: 'account',
    audit: 'alter',
    handler: async (request, reply) => {
      const input = inputFrom(request.body)
      const user = await getUser(db, paramId(request), clock.now())
      return submitForm(
        reply,
        async () => {
          await inTransaction(db, async (trx) => {
            const updated = await updateUser(trx, user.id, formVersion(request.body), input, clock.now(), request.user!.id)
            await request.audit({ action: 'alter', event: 'UPDATE_USER', recordType: 'user', recordIds: [user.id], details: { fields: updated.changedFields } }, trx)
          })
          return reply.redirect(`/admin/users/${user.id}?saved=updated`, 303)
        },
        {
          invalid: (errors) => renderForm(reply, { user, values: { ...input, email: user.email }, errors }),
          conflict: async () => {
            const current = await getUser(db, user.id, clock.now())
            return renderForm(reply, { user: current, values: inputOf(current), conflict: true })
          },
        },
      )
    },
  })

  for (const disabled of [true, false]) {
    route.post(`/admin/users/:id/${disabled ? 'disable' : 'enable'}`, {
      permission: 'admin:users',
      dataClass: 'account',
      audit: 'alter',
      handler: (request, reply) =>
        accountAction(request, reply, async (user) => {
          const result = await inTransaction(db, async (trx) => {
            const result = await setUserDisabled(trx, clock, user.id, formVersion(request.body), disabled, request.user!.id)
            await request.audit({
              action: 'alter',
              event: disabled ? 'DISABLE_USER' : 'ENABLE_USER',
              recordType: 'user',
              recordIds: [user.id],
              details: { fields: user.disabled === disabled ? [] : ['disabled'] },
            }, trx)
            return result
          })
          if (disabled) {
            await request.audit({
              action: 'security',
              event: 'SESSIONS_ENDED',
              recordType: 'user',
              recordIds: [user.id],
              details: { reason: 'account disabled', sessions: result.endedSessions },
            })
          }
          return reply.redirect(`/admin/users/${user.id}?saved=${disabled ? 'disabled' : 'enabled'}`, 303)
        }),
    })
  }

  route.post('/admin/users/:id/end-sessions', {
    permission: 'admin:users',
    dataClass: 'account',
    audit: 'security',
    handler: (request, reply) =>
      accountAction(request, reply, async (user) => {
        await inTransaction(db, async (trx) => {
          const ended = await endAllSessionsOfUser(trx, clock, user.id)
          await request.audit({
            action: 'security',
            event: 'SESSIONS_ENDED',
            recordType: 'user',
            recordIds: [user.id],
            details: { reason: 'ended by an administrator', sessions: ended },
          }, trx)
        })
        return reply.redirect(`/admin/users/${user.id}?saved=sessions-ended`, 303)
      }),
  })

  route.post('/admin/users/:id/reset-password', {
    permission: 'admin:users',
    dataClass: 'account',
    audit: 'alter',
    handler: (request, reply) =>
      accountAction(request, reply, async (user) => {
        const result = await inTransaction(db, async (trx) => {
          const result = await resetPassword(trx, clock, user.id, formVersion(request.body))
          await request.audit({ action: 'alter', event: 'RESET_PASSWORD', recordType: 'user', recordIds: [user.id], details: { fields: ['password'] } }, trx)
          await request.audit({
            action: 'security',
            event: 'SESSIONS_ENDED',
            recordType: 'user',
            recordIds: [user.id],
            details: { reason: 'password reset by an administrator', sessions: result.endedSessions },
          }, trx)
          return result
        })
        return renderPassword(reply, result.user, result.initialPassword, false)
      }),
  })
}
