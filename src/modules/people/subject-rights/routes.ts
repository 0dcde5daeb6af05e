import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { DomainError } from '../../../errors.ts'
import { defineRoutes } from '../../../server/define-route.ts'
import { sendProblem } from '../../../server/request-context.ts'
import { errorListOf, formText, formVersion, queryText } from '../../platform/admin/forms.ts'
import { partnershipDate } from '../../platform/sharing.ts'
import type { SubjectRightsActor } from './actor.ts'
import { liftBeyondUse, markBeyondUse } from './beyond-use.ts'
import { bundlePage, requestPage, personRightsPage, rectificationForm } from './presenters.ts'
import { personRights } from './person-rights.ts'
import { rectifiableRecord, rectifyPersonRecord, type RectificationInput } from './rectification.ts'
import {
  extendSubjectAccessRequest,
  listSubjectAccessRequests,
  openSubjectAccessRequest,
  personIdFrom,
  withholdItem,
} from './requests.ts'
import { bundleItemKeys, produceBundle, reviewRequest } from './subject-access.ts'

/**
 * The data protection officer's pages for people's rights: subject access requests (the
 * request, its due date and extensions, the bundle with items withheld, its JSON and printable
 * forms), rectification of a person record, and marking a person beyond use or lifting it.
 * Only the auditor role has people:subject-rights. Every page works without JavaScript.
 */
export function registerSubjectRightsRoutes(app: FastifyInstance): void {
  const route = defineRoutes(app)
  const { db, clock } = app.deps
  const context = (request: FastifyRequest) => ({ clock, requestId: request.id, ip: request.ip })
  const actor = (request: FastifyRequest): SubjectRightsActor => ({
    id: request.user!.id,
    organisationId: request.user!.organisationId,
  })
  const access = { permission: 'people:subject-rights', dataClass: 'personal' } as const

  const renderIndex = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: Record<string, unknown> = {},
  ) => {
    const requests = await listSubjectAccessRequests(db, clock.now())
    await request.audit({
      action: 'consult',
      event: 'LIST_SUBJECT_ACCESS_REQUESTS',
      recordType: 'subject_access_request',
      recordIds: requests.map((r) => String(r.id)),
      details: { requests: requests.length },
    })
    return reply.render('people/subject-rights/pages/index.njk', {
      pageTitle: 'People’s rights',
      requests,
      today: partnershipDate(clock.now()),
      values: { personId: '', requesterReference: '', receivedOn: '' },
      ...extra,
    })
  }

  route.get('/subject-rights', {
    ...access,
    audit: 'consult',
    handler: (request, reply) => renderIndex(request, reply),
  })

  route.get('/subject-rights/find', {
    ...access,
    audit: 'consult',
    handler: async (request, reply) => {
      try {
        const id = personIdFrom(queryText(request, 'personId'), 'findPersonId')
        return reply.code(303).redirect(`/subject-rights/people/${id}`)
      } catch (error) {
        if (!(error instanceof DomainError && error.code === 'invalid')) throw error
        reply.code(400)
        return renderIndex(request, reply, {
          findValue: queryText(request, 'personId').slice(0, 20),
          errors: error.fields,
          errorList: errorListOf(error.fields),
        })
      }
    },
  })

  route.post('/subject-rights/requests', {
    ...access,
    audit: 'collect',
    handler: async (request, reply) => {
      const values = {
        personId: formText(request.body, 'personId'),
        requesterReference: formText(request.body, 'requesterReference'),
        receivedOn: formText(request.body, 'receivedOn'),
      }
      try {
        const id = await openSubjectAccessRequest(db, actor(request), values, context(request))
        return reply.code(303).redirect(`/subject-rights/requests/${id}`)
      } catch (error) {
        if (!(error instanceof DomainError && error.code === 'invalid')) throw error
        reply.code(400)
        return renderIndex(request, reply, {
          values: {
            personId: values.personId.slice(0, 20),
            requesterReference: values.requesterReference.slice(0, 60),
            receivedOn: values.receivedOn.slice(0, 10),
          },
          errors: error.fields,
          errorList: errorListOf(error.fields),
        })
      }
    },
  })

  const renderRequest = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    extra: Record<string, unknown> = {},
  ) => {
    const review = await reviewRequest(db, actor(request), id, context(request))
    if (!review) return notFound(request, reply)
    return reply.render('people/subject-rights/pages/request.njk', {
      pageTitle: `Subject access request ${review.request.id}`,
      ...requestPage(review, clock.now()),
      ...extra,
    })
  }

  route.get('/subject-rights/requests/:id', {
    ...access,
    audit: 'consult',
    handler: async (request, reply) => {
      const id = idParam(request)
      if (id === null) return notFound(request, reply)
      return renderRequest(request, reply, id, {
        extended: queryText(request, 'extended') === '1',
        withheldNow: queryText(request, 'withheld') === '1',
      })
    },
  })

  route.post('/subject-rights/requests/:id/extensions', {
    ...access,
    audit: 'alter',
    handler: async (request, reply) => {
      const id = idParam(request)
      if (id === null) return notFound(request, reply)
      const values = { dueOn: formText(request.body, 'dueOn'), reason: formText(request.body, 'reason') }
      try {
        await extendSubjectAccessRequest(
          db,
          actor(request),
          { requestId: id, version: formVersion(request.body), ...values },
          context(request),
        )
        return reply.code(303).redirect(`/subject-rights/requests/${id}?extended=1`)
      } catch (error) {
        if (!(error instanceof DomainError)) throw error
        if (error.code === 'not_found') return notFound(request, reply)
        reply.code(error.code === 'invalid' ? 400 : 409)
        const errors = error.code === 'invalid' ? error.fields : { dueOn: error.message }
        return renderRequest(request, reply, id, {
          extensionValues: { dueOn: values.dueOn.slice(0, 10), reason: values.reason.slice(0, 2000) },
          extensionErrors: errors,
          errorList: errorListOf(errors, { dueOn: 'dueOn', reason: 'extension-reason' }),
        })
      }
    },
  })

  route.post('/subject-rights/requests/:id/withholdings', {
    ...access,
    audit: 'alter',
    handler: async (request, reply) => {
      const id = idParam(request)
      if (id === null) return notFound(request, reply)
      const itemKeys = await bundleItemKeys(db, id)
      if (!itemKeys) return notFound(request, reply)
      const values = { itemKey: formText(request.body, 'itemKey'), reason: formText(request.body, 'reason') }
      try {
        await withholdItem(db, actor(request), { requestId: id, ...values, itemKeys }, context(request))
        return reply.code(303).redirect(`/subject-rights/requests/${id}?withheld=1#items`)
      } catch (error) {
        if (!(error instanceof DomainError)) throw error
        reply.code(error.code === 'invalid' ? 400 : 409)
        const errors = error.code === 'invalid' ? error.fields : { itemKey: error.message }
        const anchor = itemKeys.has(values.itemKey) ? `reason-${values.itemKey.replace(/:/g, '-')}` : 'items'
        return renderRequest(request, reply, id, {
          withholdKey: values.itemKey,
          withholdReason: values.reason.slice(0, 2000),
          withholdErrors: errors,
          errorList: errorListOf(errors, { itemKey: 'items', reason: anchor }),
        })
      }
    },
  })

  route.get('/subject-rights/requests/:id/bundle.json', {
    ...access,
    audit: 'disclose',
    handler: async (request, reply) => {
      const id = idParam(request)
      if (id === null) return notFound(request, reply)
      try {
        const bundle = await produceBundle(db, actor(request), { requestId: id }, 'json', context(request))
        return reply
          .header(
            'Content-Disposition',
            `attachment; filename="OFFICIAL-SENSITIVE-subject-access-${id}.json"`,
          )
          .type('application/json; charset=utf-8')
          .send(JSON.stringify(bundle, null, 2))
      } catch (error) {
        if (error instanceof DomainError && error.code === 'not_found') return notFound(request, reply)
        throw error
      }
    },
  })

  route.get('/subject-rights/requests/:id/bundle', {
    ...access,
    audit: 'disclose',
    handler: async (request, reply) => {
      const id = idParam(request)
      if (id === null) return notFound(request, reply)
      try {
        const bundle = await produceBundle(db, actor(request), { requestId: id }, 'html', context(request))
        return reply.render('people/subject-rights/pages/bundle.njk', {
          pageTitle: `Your personal data: request ${id}`,
          ...bundlePage(bundle),
        })
      } catch (error) {
        if (error instanceof DomainError && error.code === 'not_found') return notFound(request, reply)
        throw error
      }
    },
  })

  const renderPerson = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    extra: Record<string, unknown> = {},
  ) => {
    const rights = await personRights(db, actor(request), id, context(request))
    if (!rights) return notFound(request, reply)
    return reply.render('people/subject-rights/pages/person.njk', {
      pageTitle: `Person ${rights.personId}: rights`,
      ...personRightsPage(rights),
      ...extra,
    })
  }

  route.get('/subject-rights/people/:id', {
    ...access,
    audit: 'consult',
    handler: async (request, reply) => {
      const id = idParam(request)
      if (id === null) return notFound(request, reply)
      return renderPerson(request, reply, id, { done: queryText(request, 'done').slice(0, 20) })
    },
  })

  for (const [path, change, event] of [
    ['beyond-use', markBeyondUse, 'marked'],
    ['beyond-use/lift', liftBeyondUse, 'lifted'],
  ] as const) {
    route.post(`/subject-rights/people/:id/${path}`, {
      ...access,
      audit: 'alter',
      handler: async (request, reply) => {
        const id = idParam(request)
        if (id === null) return notFound(request, reply)
        const reason = formText(request.body, 'reason')
        try {
          await change(db, actor(request), { personId: id, reason }, context(request))
          return reply.code(303).redirect(`/subject-rights/people/${id}?done=${event}`)
        } catch (error) {
          if (!(error instanceof DomainError)) throw error
          if (error.code === 'not_found') return notFound(request, reply)
          reply.code(error.code === 'invalid' ? 400 : 409)
          const errors = error.code === 'invalid' ? error.fields : { reason: error.message }
          return renderPerson(request, reply, id, {
            beyondUseReason: reason.slice(0, 2000),
            beyondUseErrors: errors,
            errorList: errorListOf(errors, { reason: 'beyond-use-reason' }),
          })
        }
      },
    })
  }

  const renderRectification = async (
    request: FastifyRequest,
    reply: FastifyReply,
    recordId: number,
    extra: { values?: RectificationInput; errors?: Record<string, string>; conflict?: string } = {},
  ) => {
    const record = await rectifiableRecord(db, recordId)
    if (!record) return notFound(request, reply)
    await request.audit({
      action: 'consult',
      event: 'VIEW_PERSON_RECORD_FOR_RECTIFICATION',
      recordType: 'person_record',
      recordIds: [String(recordId)],
      details: { personId: record.personId === null ? null : String(record.personId) },
    })
    return reply.render('people/subject-rights/pages/rectify.njk', {
      pageTitle: `Correct record ${record.sourcePersonId}`,
      ...rectificationForm(record, extra.values, extra.errors ?? {}),
      conflict: extra.conflict,
      errorList: extra.errors ? errorListOf(extra.errors) : undefined,
    })
  }

  route.get('/subject-rights/records/:id/rectification', {
    ...access,
    audit: 'consult',
    handler: async (request, reply) => {
      const id = idParam(request)
      if (id === null) return notFound(request, reply)
      return renderRectification(request, reply, id)
    },
  })

  route.post('/subject-rights/records/:id/rectification', {
    ...access,
    audit: 'alter',
    handler: async (request, reply) => {
      const id = idParam(request)
      if (id === null) return notFound(request, reply)
      const values: RectificationInput = {
        firstNames: formText(request.body, 'firstNames'),
        lastName: formText(request.body, 'lastName'),
        dateOfBirth: formText(request.body, 'dateOfBirth'),
        address: formText(request.body, 'address'),
        postcode: formText(request.body, 'postcode'),
        reason: formText(request.body, 'reason'),
        fingerprint: formText(request.body, 'fingerprint'),
      }
      try {
        const result = await rectifyPersonRecord(db, actor(request), id, values, context(request))
        const record = await rectifiableRecord(db, id)
        return record?.personId
          ? reply
              .code(303)
              .redirect(`/subject-rights/people/${record.personId}?done=rectified-${result.notices.length}`)
          : reply.code(303).redirect(`/subject-rights/records/${id}/rectification`)
      } catch (error) {
        if (!(error instanceof DomainError)) throw error
        if (error.code === 'not_found') return notFound(request, reply)
        if (error.code === 'conflict') {
          reply.code(409)
          return renderRectification(request, reply, id, { conflict: error.message })
        }
        reply.code(400)
        return renderRectification(request, reply, id, { values, errors: error.fields })
      }
    },
  })
}

function idParam(request: FastifyRequest): number | null {
  const text = (request.params as Record<string, string | undefined>).id ?? ''
  const id = Number(text)
  return /^\d{1,15}$/.test(text) && Number.isSafeInteger(id) ? id : null
}

function notFound(request: FastifyRequest, reply: FastifyReply) {
  return sendProblem(request, reply, 404, 'not_found', 'Not found', [
    'Check the address, or find the person or request again from the people’s rights page.',
  ])
}
