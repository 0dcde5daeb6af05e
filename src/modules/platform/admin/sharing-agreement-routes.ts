import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { defineRoutes } from '../../../server/define-route.ts'
import { inTransaction } from '../../../db/in-transaction.ts'
import { DATA_CLASSES, DATA_CLASS_NAMES, PURPOSE_LABELS } from '../data-classes.ts'
import { partnershipDate } from '../sharing.ts'
import { CONFLICT_MESSAGE, errorListOf, flashFrom, formChecked, formList, formText, formVersion, paramId, submitForm } from './forms.ts'
import { listOrganisations } from './organisations.ts'
import {
  createAgreement,
  datePartsOf,
  emptyAgreementInput,
  getAgreement,
  listAgreements,
  setAgreementStatus,
  updateAgreement,
  type DateParts,
  type SharingAgreement,
  type SharingAgreementInput,
} from './sharing-agreements.ts'
import type { FieldErrors } from './validation.ts'

const dateFrom = (body: unknown, name: string): DateParts => ({
  day: formText(body, `${name}-day`),
  month: formText(body, `${name}-month`),
  year: formText(body, `${name}-year`),
})

const inputFrom = (body: unknown): SharingAgreementInput => ({
  reference: formText(body, 'reference'),
  title: formText(body, 'title'),
  providerOrganisationId: formText(body, 'providerOrganisationId'),
  recipientOrganisationId: formText(body, 'recipientOrganisationId'),
  dataClasses: formList(body, 'dataClasses'),
  purposes: formList(body, 'purposes'),
  status: formText(body, 'status') || 'active',
  startsOn: dateFrom(body, 'startsOn'),
  endsOn: dateFrom(body, 'endsOn'),
  requiresInvolvement: formChecked(body, 'requiresInvolvement'),
  notes: formText(body, 'notes'),
})

const inputOf = (agreement: SharingAgreement): SharingAgreementInput => ({
  reference: agreement.reference,
  title: agreement.title,
  providerOrganisationId: agreement.providerOrganisationId,
  recipientOrganisationId: agreement.recipientOrganisationId,
  dataClasses: agreement.dataClasses,
  purposes: agreement.purposes,
  status: agreement.status,
  startsOn: datePartsOf(agreement.startsOn),
  endsOn: datePartsOf(agreement.endsOn),
  requiresInvolvement: agreement.requiresInvolvement,
  notes: agreement.notes,
})

const ANCHORS = {
  providerOrganisationId: 'providerOrganisationId',
  dataClasses: 'dataClasses',
  purposes: 'purposes',
  status: 'status',
  startsOn: 'startsOn-day',
  endsOn: 'endsOn-day',
}

const dateItems = (name: string, parts: DateParts, error: boolean) =>
  (['day', 'month', 'year'] as const).map((part) => ({
    name: part,
    value: parts[part],
    classes: `govuk-input--width-${part === 'year' ? 4 : 2}${error ? ' govuk-input--error' : ''}`,
    label: part[0]!.toUpperCase() + part.slice(1),
    id: `${name}-${part}`,
  }))

/** What the agreement does today, for the list: only "In force" shares anything. */
function agreementState(agreement: SharingAgreement, today: string): { text: string; colour: string } {
  if (agreement.status === 'suspended') return { text: 'Suspended', colour: 'red' }
  if (agreement.startsOn > today) return { text: 'Not started', colour: 'blue' }
  if (agreement.endsOn && agreement.endsOn < today) return { text: 'Ended', colour: 'grey' }
  return { text: 'In force', colour: 'green' }
}

export function registerSharingAgreementRoutes(app: FastifyInstance): void {
  const route = defineRoutes(app)
  const { db, clock } = app.deps

  async function renderForm(
    reply: FastifyReply,
    page: { agreement?: SharingAgreement; values: SharingAgreementInput; errors?: FieldErrors; conflict?: boolean; flash?: string },
  ) {
    const organisations = await listOrganisations(db)
    const errors = page.errors ?? {}
    const organisationItems = (selected: string) => [
      { value: '', text: 'Select an organisation' },
      ...organisations.map((o) => ({ value: o.id, text: `${o.name} (${o.kindLabel})`, selected: o.id === selected })),
    ]
    return reply.render('platform/admin/pages/sharing-agreement-form.njk', {
      pageTitle: page.agreement ? `Edit ${page.agreement.reference}` : 'Add a sharing agreement',
      agreement: page.agreement,
      values: page.values,
      errors,
      errorList: errorListOf(errors, ANCHORS),
      conflictMessage: page.conflict ? CONFLICT_MESSAGE : undefined,
      flash: page.flash,
      providerItems: organisationItems(page.values.providerOrganisationId),
      recipientItems: organisationItems(page.values.recipientOrganisationId),
      dataClassItems: DATA_CLASS_NAMES.filter((name) => DATA_CLASSES[name].shareable || page.values.dataClasses.includes(name)).map((name) => ({
        value: name,
        text: DATA_CLASSES[name].label,
        hint: { text: DATA_CLASSES[name].description },
        checked: page.values.dataClasses.includes(name),
      })),
      purposeItems: Object.entries(PURPOSE_LABELS).map(([value, text]) => ({ value, text, checked: page.values.purposes.includes(value) })),
      statusItems: [
        { value: 'active', text: 'Active', checked: page.values.status === 'active' },
        { value: 'suspended', text: 'Suspended', hint: { text: 'Nothing is shared under a suspended agreement.' }, checked: page.values.status === 'suspended' },
      ],
      startsOnItems: dateItems('startsOn', page.values.startsOn, Boolean(errors.startsOn)),
      endsOnItems: dateItems('endsOn', page.values.endsOn, Boolean(errors.endsOn)),
      action: page.agreement ? `/admin/sharing-agreements/${page.agreement.id}` : '/admin/sharing-agreements',
    })
  }

  route.get('/admin/sharing-agreements', {
    permission: 'admin:sharing-agreements',
    dataClass: 'organisation',
    handler: async (request, reply) =>
      reply.render('platform/admin/pages/sharing-agreements.njk', {
        pageTitle: 'Sharing agreements',
        agreements: (await listAgreements(db)).map((agreement) => ({
          ...agreement,
          state: agreementState(agreement, partnershipDate(clock.now())),
          dataClassLabels: agreement.dataClasses.map((name) => DATA_CLASSES[name].label),
          purposeLabels: agreement.purposes.map((purpose) => PURPOSE_LABELS[purpose]),
        })),
        flash: flashFrom(request, { created: 'Sharing agreement added', updated: 'Sharing agreement updated' }),
      }),
  })

  route.get('/admin/sharing-agreements/new', {
    permission: 'admin:sharing-agreements',
    dataClass: 'organisation',
    handler: (_request, reply) => renderForm(reply, { values: emptyAgreementInput() }),
  })

  route.post('/admin/sharing-agreements', {
    permission: 'admin:sharing-agreements',
    dataClass: 'organisation',
    audit: 'collect',
    handler: async (request, reply) => {
      const input = inputFrom(request.body)
      return submitForm(
        reply,
        async () => {
          await inTransaction(db, async (trx) => {
            const agreement = await createAgreement(trx, input, clock.now())
            await request.audit({ action: 'collect', event: 'CREATE_SHARING_AGREEMENT', recordType: 'sharing_agreement', recordIds: [agreement.id] }, trx)
          })
          return reply.redirect('/admin/sharing-agreements?saved=created', 303)
        },
        { invalid: (errors) => renderForm(reply, { values: input, errors }) },
      )
    },
  })

  route.get('/admin/sharing-agreements/:id', {
    permission: 'admin:sharing-agreements',
    dataClass: 'organisation',
    handler: async (request, reply) => {
      const agreement = await getAgreement(db, paramId(request))
      return renderForm(reply, {
        agreement,
        values: inputOf(agreement),
        flash: flashFrom(request, { suspended: 'Agreement suspended: nothing is shared under it from now on', reactivated: 'Agreement reactivated' }),
      })
    },
  })

  async function withConflictPage(request: FastifyRequest, reply: FastifyReply, agreement: SharingAgreement, input: SharingAgreementInput, command: () => Promise<unknown>) {
    return submitForm(reply, command, {
      invalid: (errors) => renderForm(reply, { agreement, values: input, errors }),
      conflict: async () => {
        const current = await getAgreement(db, agreement.id)
        return renderForm(reply, { agreement: current, values: inputOf(current), conflict: true })
      },
    })
  }

  route.post('/admin/sharing-agreements/:id', {
    permission: 'admin:sharing-agreements',
    dataClass: 'organisation',
    audit: 'alter',
    handler: async (request, reply) => {
      const agreement = await getAgreement(db, paramId(request))
      const input = inputFrom(request.body)
      return withConflictPage(request, reply, agreement, input, async () => {
        await inTransaction(db, async (trx) => {
          const updated = await updateAgreement(trx, agreement.id, formVersion(request.body), input, clock.now())
          await request.audit({
            action: 'alter',
            event: 'UPDATE_SHARING_AGREEMENT',
            recordType: 'sharing_agreement',
            recordIds: [agreement.id],
            details: { fields: updated.changedFields },
          }, trx)
        })
        return reply.redirect('/admin/sharing-agreements?saved=updated', 303)
      })
    },
  })

  for (const [path, status] of [['suspend', 'suspended'], ['reactivate', 'active']] as const) {
    route.post(`/admin/sharing-agreements/:id/${path}`, {
      permission: 'admin:sharing-agreements',
      dataClass: 'organisation',
      audit: 'alter',
      handler: async (request, reply) => {
        const agreement = await getAgreement(db, paramId(request))
        return withConflictPage(request, reply, agreement, inputOf(agreement), async () => {
          await inTransaction(db, async (trx) => {
            await setAgreementStatus(trx, agreement.id, formVersion(request.body), status, clock.now())
            await request.audit({
              action: 'alter',
              event: status === 'suspended' ? 'SUSPEND_SHARING_AGREEMENT' : 'REACTIVATE_SHARING_AGREEMENT',
              recordType: 'sharing_agreement',
              recordIds: [agreement.id],
              details: { fields: agreement.status === status ? [] : ['status'] },
            }, trx)
          })
          return reply.redirect(`/admin/sharing-agreements/${agreement.id}?saved=${status === 'suspended' ? 'suspended' : 'reactivated'}`, 303)
        })
      },
    })
  }
}
