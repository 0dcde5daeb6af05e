import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { defineRoutes } from '../../../server/define-route.ts'
import { inTransaction } from '../../../db/in-transaction.ts'
import { CONFLICT_MESSAGE, errorListOf, flashFrom, formList, formText, formVersion, paramId, submitForm } from './forms.ts'
import { listOrganisations } from './organisations.ts'
import { createTeam, emptyTeamInput, getTeam, listTeams, TEAM_KIND_LABELS, updateTeam, type Team, type TeamInput } from './teams.ts'
import { listUserChoices } from './users.ts'
import type { FieldErrors } from './validation.ts'

const inputFrom = (body: unknown): TeamInput => ({
  name: formText(body, 'name'),
  kind: formText(body, 'kind'),
  organisationId: formText(body, 'organisationId'),
  memberIds: formList(body, 'memberIds'),
})

const inputOf = (team: Team): TeamInput => ({ name: team.name, kind: team.kind, organisationId: team.organisationId, memberIds: team.memberIds })

export function registerTeamRoutes(app: FastifyInstance): void {
  const route = defineRoutes(app)
  const { db } = app.deps

  async function renderForm(
    request: FastifyRequest,
    reply: FastifyReply,
    page: { team?: Team; values: TeamInput; errors?: FieldErrors; conflict?: boolean },
  ) {
    const organisations = await listOrganisations(db)
    const users = await listUserChoices(db)
    // The member list shows every user's name and email: that is a consultation of their accounts.
    await request.audit({ action: 'consult', event: 'LIST_TEAM_MEMBER_CHOICES', recordType: 'user', recordIds: users.map((u) => u.id) })
    return reply.render('platform/admin/pages/team-form.njk', {
      pageTitle: page.team ? `Edit ${page.team.name}` : 'Add a team',
      team: page.team,
      values: page.values,
      errors: page.errors ?? {},
      errorList: errorListOf(page.errors ?? {}, { kind: 'kind', memberIds: 'memberIds' }),
      conflictMessage: page.conflict ? CONFLICT_MESSAGE : undefined,
      kindItems: Object.entries(TEAM_KIND_LABELS).map(([value, text]) => ({ value, text, checked: page.values.kind === value })),
      organisationItems: [
        { value: '', text: 'Select an organisation' },
        ...organisations.map((o) => ({ value: o.id, text: o.name, selected: o.id === page.values.organisationId })),
      ],
      memberItems: users.map((u) => ({
        value: u.id,
        text: `${u.display_name} (${u.organisation_name})${u.disabled ? ', disabled' : ''}`,
        hint: { text: u.email },
        checked: page.values.memberIds.includes(u.id),
      })),
      action: page.team ? `/admin/teams/${page.team.id}` : '/admin/teams',
    })
  }

  route.get('/admin/teams', {
    permission: 'admin:teams',
    dataClass: 'organisation',
    handler: async (request, reply) =>
      reply.render('platform/admin/pages/teams.njk', {
        pageTitle: 'Teams',
        teams: await listTeams(db),
        flash: flashFrom(request, { created: 'Team added', updated: 'Team updated' }),
      }),
  })

  route.get('/admin/teams/new', {
    permission: 'admin:teams',
    dataClass: 'account',
    audit: 'consult',
    handler: (request, reply) => renderForm(request, reply, { values: emptyTeamInput() }),
  })

  route.post('/admin/teams', {
    permission: 'admin:teams',
    dataClass: 'organisation',
    audit: 'collect',
    handler: async (request, reply) => {
      const input = inputFrom(request.body)
      return submitForm(
        reply,
        async () => {
          await inTransaction(db, async (trx) => {
            const team = await createTeam(trx, input)
            await request.audit({ action: 'collect', event: 'CREATE_TEAM', recordType: 'team', recordIds: [team.id] }, trx)
          })
          return reply.redirect('/admin/teams?saved=created', 303)
        },
        { invalid: (errors) => renderForm(request, reply, { values: input, errors }) },
      )
    },
  })

  route.get('/admin/teams/:id', {
    permission: 'admin:teams',
    dataClass: 'account',
    audit: 'consult',
    handler: async (request, reply) => {
      const team = await getTeam(db, paramId(request))
      return renderForm(request, reply, { team, values: inputOf(team) })
    },
  })

  route.post('/admin/teams/:id', {
    permission: 'admin:teams',
    dataClass: 'organisation',
    audit: 'alter',
    handler: async (request, reply) => {
      const team = await getTeam(db, paramId(request))
      const input = inputFrom(request.body)
      return submitForm(
        reply,
        async () => {
          await inTransaction(db, async (trx) => {
            const updated = await updateTeam(trx, team.id, formVersion(request.body), input)
            await request.audit({ action: 'alter', event: 'UPDATE_TEAM', recordType: 'team', recordIds: [team.id], details: { fields: updated.changedFields } }, trx)
          })
          return reply.redirect('/admin/teams?saved=updated', 303)
        },
        {
          invalid: (errors) => renderForm(request, reply, { team, values: input, errors }),
          conflict: async () => {
            const current = await getTeam(db, team.id)
            return renderForm(request, reply, { team: current, values: inputOf(current), conflict: true })
          },
        },
      )
    },
  })
}
