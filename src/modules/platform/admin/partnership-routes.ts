import type { FastifyInstance, FastifyReply } from 'fastify'
import { defineRoutes } from '../../../server/define-route.ts'
import { inTransaction } from '../../../db/in-transaction.ts'
import { CONFLICT_MESSAGE, errorListOf, flashFrom, formText, formVersion, submitForm } from './forms.ts'
import { loadPartnership, partnershipInputOf, updatePartnership, type PartnershipInput } from './partnership-settings.ts'
import type { FieldErrors } from './validation.ts'

export function registerPartnershipRoutes(app: FastifyInstance): void {
  const route = defineRoutes(app)
  const { db, clock } = app.deps

  const renderForm = (reply: FastifyReply, page: { version: number; values: PartnershipInput; errors?: FieldErrors; conflict?: boolean; flash?: string }) =>
    reply.render('platform/admin/pages/partnership.njk', {
      pageTitle: 'Partnership settings',
      version: page.version,
      values: page.values,
      errors: page.errors ?? {},
      errorList: errorListOf(page.errors ?? {}),
      conflictMessage: page.conflict ? CONFLICT_MESSAGE : undefined,
      flash: page.flash,
    })

  route.get('/admin/partnership', {
    permission: 'admin:partnership',
    dataClass: 'organisation',
    handler: async (request, reply) => {
      const partnership = await loadPartnership(db)
      return renderForm(reply, { version: partnership.version, values: partnershipInputOf(partnership), flash: flashFrom(request, { updated: 'Partnership settings saved' }) })
    },
  })

  route.post('/admin/partnership', {
    permission: 'admin:partnership',
    dataClass: 'organisation',
    audit: 'alter',
    handler: async (request, reply) => {
      const input: PartnershipInput = {
        name: formText(request.body, 'name'),
        forceName: formText(request.body, 'forceName'),
        areasServed: formText(request.body, 'areasServed'),
      }
      const version = formVersion(request.body)
      return submitForm(
        reply,
        async () => {
          await inTransaction(db, async (trx) => {
            const updated = await updatePartnership(trx, version, input, clock.now())
            await request.audit({ action: 'alter', event: 'UPDATE_PARTNERSHIP', recordType: 'partnership', recordIds: ['1'], details: { fields: updated.changedFields } }, trx)
          })
          await request.server.refreshPartnership()
          return reply.redirect('/admin/partnership?saved=updated', 303)
        },
        {
          invalid: (errors) => renderForm(reply, { version, values: input, errors }),
          conflict: async () => {
            const current = await loadPartnership(db)
            return renderForm(reply, { version: current.version, values: partnershipInputOf(current), conflict: true })
          },
        },
      )
    },
  })
}
