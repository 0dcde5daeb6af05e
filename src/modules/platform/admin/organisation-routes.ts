import type { FastifyInstance, FastifyReply } from 'fastify'
import { defineRoutes } from '../../../server/define-route.ts'
import { inTransaction } from '../../../db/in-transaction.ts'
import { ORGANISATION_KIND_LABELS } from '../organisation-kinds.ts'
import { CONFLICT_MESSAGE, errorListOf, flashFrom, formChecked, formText, formVersion, paramId, submitForm } from './forms.ts'
import {
  createOrganisation,
  emptyOrganisationInput,
  getOrganisation,
  listOrganisations,
  updateOrganisation,
  type Organisation,
  type OrganisationInput,
} from './organisations.ts'
import type { FieldErrors } from './validation.ts'

const FORM = 'platform/admin/pages/organisation-form.njk'
const ANCHORS = { kind: 'kind' }

function inputFrom(body: unknown): OrganisationInput {
  return {
    name: formText(body, 'name'),
    kind: formText(body, 'kind'),
    oidcIssuer: formText(body, 'oidcIssuer'),
    oidcClientId: formText(body, 'oidcClientId'),
    oidcClientSecret: formText(body, 'oidcClientSecret'),
    removeOidcClientSecret: formChecked(body, 'removeOidcClientSecret'),
    oidcRequireMfa: formChecked(body, 'oidcRequireMfa'),
  }
}

const inputOf = (organisation: Organisation): OrganisationInput => ({
  name: organisation.name,
  kind: organisation.kind,
  oidcIssuer: organisation.oidcIssuer,
  oidcClientId: organisation.oidcClientId,
  oidcClientSecret: '',
  oidcRequireMfa: organisation.oidcRequireMfa,
})

interface FormPage {
  organisation?: Organisation
  values: OrganisationInput
  errors?: FieldErrors
  conflict?: boolean
}

function renderForm(reply: FastifyReply, page: FormPage) {
  const editing = Boolean(page.organisation)
  return reply.render(FORM, {
    pageTitle: editing ? `Edit ${page.organisation!.name}` : 'Add an organisation',
    organisation: page.organisation,
    // The secret typed in is never sent back: the page only says whether one is set.
    values: { ...page.values, oidcClientSecret: '' },
    errors: page.errors ?? {},
    errorList: errorListOf(page.errors ?? {}, ANCHORS),
    conflictMessage: page.conflict ? CONFLICT_MESSAGE : undefined,
    kindItems: Object.entries(ORGANISATION_KIND_LABELS).map(([value, text]) => ({ value, text, checked: page.values.kind === value })),
    action: editing ? `/admin/organisations/${page.organisation!.id}` : '/admin/organisations',
  })
}

export function registerOrganisationRoutes(app: FastifyInstance): void {
  const route = defineRoutes(app)
  const { db, clock } = app.deps

  route.get('/admin/organisations', {
    permission: 'admin:organisations',
    dataClass: 'organisation',
    handler: async (request, reply) =>
      reply.render('platform/admin/pages/organisations.njk', {
        pageTitle: 'Organisations',
        organisations: await listOrganisations(db),
        flash: flashFrom(request, { created: 'Organisation added', updated: 'Organisation updated' }),
      }),
  })

  route.get('/admin/organisations/new', {
    permission: 'admin:organisations',
    dataClass: 'organisation',
    handler: (_request, reply) => renderForm(reply, { values: emptyOrganisationInput() }),
  })

  route.post('/admin/organisations', {
    permission: 'admin:organisations',
    dataClass: 'organisation',
    audit: 'collect',
    handler: async (request, reply) => {
      const input = inputFrom(request.body)
      return submitForm(
        reply,
        async () => {
          await inTransaction(db, async (trx) => {
            const organisation = await createOrganisation(trx, input, clock.now())
            await request.audit({ action: 'collect', event: 'CREATE_ORGANISATION', recordType: 'organisation', recordIds: [organisation.id] }, trx)
          })
          return reply.redirect('/admin/organisations?saved=created', 303)
        },
        { invalid: (errors) => renderForm(reply, { values: input, errors }) },
      )
    },
  })

  route.get('/admin/organisations/:id', {
    permission: 'admin:organisations',
    dataClass: 'organisation',
    handler: async (request, reply) => {
      const organisation = await getOrganisation(db, paramId(request))
      return renderForm(reply, { organisation, values: inputOf(organisation) })
    },
  })

  route.post('/admin/organisations/:id', {
    permission: 'admin:organisations',
    dataClass: 'organisation',
    audit: 'alter',
    handler: async (request, reply) => {
      const organisation = await getOrganisation(db, paramId(request))
      const input = inputFrom(request.body)
      return submitForm(
        reply,
        async () => {
          await inTransaction(db, async (trx) => {
            const updated = await updateOrganisation(trx, organisation.id, formVersion(request.body), input, clock.now())
            await request.audit({
              action: 'alter',
              event: 'UPDATE_ORGANISATION',
              recordType: 'organisation',
              recordIds: [organisation.id],
              details: { fields: updated.changedFields },
            }, trx)
          })
          return reply.redirect('/admin/organisations?saved=updated', 303)
        },
        {
          invalid: (errors) => renderForm(reply, { organisation, values: input, errors }),
          conflict: async () => {
            const current = await getOrganisation(db, organisation.id)
            return renderForm(reply, { organisation: current, values: inputOf(current), conflict: true })
          },
        },
      )
    },
  })
}
