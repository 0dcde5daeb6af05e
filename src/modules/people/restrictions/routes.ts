import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { DomainError } from '../../../errors.ts'
import { defineRoutes } from '../../../server/define-route.ts'
import { sendProblem } from '../../../server/request-context.ts'
import { errorListOf, formText, formVersion, queryText } from '../../platform/admin/forms.ts'
import { isPurpose, PURPOSE_LABELS } from '../../platform/data-classes.ts'
import { breakGlass, BREAK_GLASS_REASON_MIN, checkBreakGlassInput } from './break-glass.ts'
import type { GateDecision } from './gate.ts'
import { giveGrant, GRANT_KIND_LABELS } from './grants.ts'
import { detailPage, kindItems, reviewRows } from './presenters.ts'
import {
  decideRestriction,
  restrictionDetail,
  restrictionsDueForReview,
  setRestriction,
} from './restrictions.ts'
import { declareStaffInterest } from './staff-interests.ts'
import { GRANT_KINDS, INTEREST_RELATIONSHIPS } from './tables.ts'

/**
 * Restricted records (A7): the review queue, setting, keeping and lifting a restriction, giving
 * involvement grants, declaring staff interests, and break-glass from the refusal page.
 */
type Denial = Extract<GateDecision, { allowed: false }>

/** The refusal of a restricted record, offering break-glass where it can be broken. */
export function sendRestrictedPage(
  request: FastifyRequest,
  reply: FastifyReply,
  personId: number,
  purpose: string,
  denial: Denial,
  extra: { errors?: Record<string, string>; reason?: string } = {},
) {
  if (request.headers.accept?.includes('application/json') && !request.headers.accept.includes('html'))
    return sendProblem(request, reply, 403, 'restricted', 'This record is restricted', [`${denial.reason}.`])
  reply.code(extra.errors ? 400 : 403)
  return reply.render('people/restrictions/pages/restricted.njk', {
    pageTitle: 'This record is restricted',
    personId,
    purpose,
    purposeLabel: isPurpose(purpose) ? PURPOSE_LABELS[purpose] : '',
    denial,
    reasonMin: BREAK_GLASS_REASON_MIN,
    hours: request.server.deps.config.breakGlassHours,
    reason: extra.reason ?? '',
    errors: extra.errors ?? {},
    errorList: extra.errors ? errorListOf(extra.errors) : undefined,
  })
}

export function registerRestrictionRoutes(app: FastifyInstance): void {
  const route = defineRoutes(app)
  const { db, clock, config } = app.deps
  const actor = (request: FastifyRequest) => {
    const user = request.user!
    return { id: user.id, organisationId: user.organisationId, role: user.role }
  }
  const context = (request: FastifyRequest) => ({ now: clock.now(), requestId: request.id, ip: request.ip })
  const notFoundPage = (request: FastifyRequest, reply: FastifyReply) =>
    sendProblem(request, reply, 404, 'not_found', 'Not found', ['Check the address and try again.'])

  route.get('/people/restrictions', {
    permission: 'people:restrict',
    dataClass: 'personal',
    audit: 'consult',
    handler: async (request, reply) => {
      const due = await restrictionsDueForReview(db, actor(request), context(request))
      return reply.render('people/restrictions/pages/review-list.njk', {
        pageTitle: 'Restricted records: reviews due',
        rows: reviewRows(due),
        flash: queryText(request, 'done') === 'declared' ? 'Staff interest recorded' : undefined,
      })
    },
  })

  const renderNew = (reply: FastifyReply, values: Record<string, string>, errors?: Record<string, string>) =>
    reply.render('people/restrictions/pages/new.njk', {
      pageTitle: 'Restrict a record',
      values,
      kinds: kindItems(values.kind ?? ''),
      errors: errors ?? {},
      errorList: errors ? errorListOf(errors, { kind: 'kind' }) : undefined,
    })

  route.get('/people/restrictions/new', {
    permission: 'people:restrict',
    dataClass: 'personal',
    handler: (request, reply) =>
      renderNew(reply, { personId: queryText(request, 'person').replace(/\D/g, '') }),
  })

  route.post('/people/restrictions', {
    permission: 'people:restrict',
    dataClass: 'personal',
    audit: 'collect',
    handler: async (request, reply) => {
      const values = {
        personId: formText(request.body, 'personId'),
        kind: formText(request.body, 'kind'),
        reason: formText(request.body, 'reason'),
        users: formText(request.body, 'users'),
      }
      try {
        const id = await setRestriction(db, actor(request), values, context(request))
        return reply.code(303).redirect(`/people/restrictions/${id}?done=set`)
      } catch (error) {
        if (!(error instanceof DomainError && error.code === 'invalid')) throw error
        reply.code(400)
        return renderNew(reply, values, error.fields)
      }
    },
  })

  const renderDetail = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: number | null,
    extra: { errors?: Record<string, string>; values?: Record<string, string>; conflict?: boolean } = {},
  ) => {
    const detail = id === null ? null : await restrictionDetail(db, actor(request), id, context(request))
    if (!detail) return notFoundPage(request, reply)
    const done = queryText(request, 'done')
    return reply.render('people/restrictions/pages/restriction.njk', {
      pageTitle: `Restriction R-${detail.id}`,
      ...detailPage(detail, clock.now()),
      grantKinds: GRANT_KINDS.map((kind) => ({
        value: kind,
        text: GRANT_KIND_LABELS[kind],
        checked: extra.values?.kind === kind,
      })),
      values: extra.values ?? {},
      errors: extra.errors ?? {},
      errorList: extra.conflict
        ? [
            {
              text: 'Someone else kept or lifted this restriction since you opened it: check it as it is now and decide again',
              href: '#decision',
            },
          ]
        : extra.errors
          ? errorListOf(extra.errors, { decision: 'decision', kind: 'kind' })
          : undefined,
      flash: {
        set: 'Record restricted',
        keep: 'Restriction kept',
        lift: 'Restriction lifted',
        grant: 'Access given',
      }[done],
    })
  }

  route.get('/people/restrictions/:id', {
    permission: 'people:restrict',
    dataClass: 'personal',
    audit: 'consult',
    handler: (request, reply) => renderDetail(request, reply, idParam(request)),
  })

  route.post('/people/restrictions/:id/review', {
    permission: 'people:restrict',
    dataClass: 'personal',
    audit: 'alter',
    handler: async (request, reply) => {
      const id = idParam(request)
      if (id === null) return notFoundPage(request, reply)
      const values = {
        decision: formText(request.body, 'decision'),
        reason: formText(request.body, 'reason'),
      }
      if (values.decision !== 'keep' && values.decision !== 'lift') {
        reply.code(400)
        return renderDetail(request, reply, id, {
          values,
          errors: { decision: 'Choose whether to keep or lift the restriction' },
        })
      }
      try {
        await decideRestriction(
          db,
          actor(request),
          values.decision,
          { restrictionId: id, version: formVersion(request.body), reason: values.reason },
          context(request),
        )
        return reply.code(303).redirect(`/people/restrictions/${id}?done=${values.decision}`)
      } catch (error) {
        if (!(error instanceof DomainError)) throw error
        if (error.code === 'not_found') return notFoundPage(request, reply)
        if (error.code === 'conflict') {
          reply.code(409)
          return renderDetail(request, reply, id, { values, conflict: true })
        }
        if (error.code !== 'invalid') throw error
        reply.code(400)
        return renderDetail(request, reply, id, { values, errors: error.fields })
      }
    },
  })

  route.post('/people/restrictions/:id/grants', {
    permission: 'people:restrict',
    dataClass: 'personal',
    audit: 'alter',
    handler: async (request, reply) => {
      const id = idParam(request)
      if (id === null) return notFoundPage(request, reply)
      const values = { userEmail: formText(request.body, 'userEmail'), kind: formText(request.body, 'kind') }
      try {
        await giveGrant(db, actor(request), { restrictionId: id, ...values }, context(request))
        return reply.code(303).redirect(`/people/restrictions/${id}?done=grant`)
      } catch (error) {
        if (!(error instanceof DomainError)) throw error
        if (error.code === 'not_found') return notFoundPage(request, reply)
        if (error.code !== 'invalid') throw error
        reply.code(400)
        return renderDetail(request, reply, id, { values, errors: error.fields })
      }
    },
  })

  const renderInterest = (
    reply: FastifyReply,
    values: Record<string, string>,
    errors?: Record<string, string>,
  ) =>
    reply.render('people/restrictions/pages/staff-interest.njk', {
      pageTitle: 'Declare a staff interest',
      values,
      relationships: INTEREST_RELATIONSHIPS.map((value) => ({
        value,
        text: value === 'self' ? 'The user is this person' : 'The user is a relative of this person',
        checked: values.relationship === value,
      })),
      errors: errors ?? {},
      errorList: errors ? errorListOf(errors, { relationship: 'relationship' }) : undefined,
    })

  route.get('/people/staff-interests/new', {
    permission: 'people:restrict',
    dataClass: 'personal',
    handler: (request, reply) =>
      renderInterest(reply, { personId: queryText(request, 'person').replace(/\D/g, '') }),
  })

  route.post('/people/staff-interests', {
    permission: 'people:restrict',
    dataClass: 'personal',
    audit: 'collect',
    handler: async (request, reply) => {
      const values = {
        userEmail: formText(request.body, 'userEmail'),
        personId: formText(request.body, 'personId'),
        relationship: formText(request.body, 'relationship'),
      }
      try {
        await declareStaffInterest(db, actor(request), values, context(request))
        return reply.code(303).redirect('/people/restrictions?done=declared')
      } catch (error) {
        if (!(error instanceof DomainError && error.code === 'invalid')) throw error
        reply.code(400)
        return renderInterest(reply, values, error.fields)
      }
    },
  })

  route.post('/people/:id/break-glass', {
    permission: 'people:read',
    dataClass: 'personal',
    audit: 'security',
    handler: async (request, reply) => {
      const personId = idParam(request)
      if (personId === null) return notFoundPage(request, reply)
      const input = {
        personId,
        purpose: formText(request.body, 'purpose'),
        reason: formText(request.body, 'reason'),
      }
      const errors = checkBreakGlassInput(input)
      if (Object.keys(errors).length) {
        const denial: Denial = {
          allowed: false,
          cause: 'restricted',
          reason: 'this record is restricted to named users',
          canBreakGlass: true,
        }
        return sendRestrictedPage(request, reply, personId, input.purpose, denial, {
          errors,
          reason: input.reason,
        })
      }
      try {
        const result = await breakGlass(db, actor(request), input, {
          ...context(request),
          hours: config.breakGlassHours,
        })
        if (result.kind === 'refused')
          return sendRestrictedPage(request, reply, personId, input.purpose, {
            allowed: false,
            cause: 'staff-interest',
            reason: result.reason,
            canBreakGlass: false,
          })
        return reply.code(303).redirect(`/people/${personId}?purpose=${input.purpose}`)
      } catch (error) {
        if (error instanceof DomainError && error.code === 'not_found') return notFoundPage(request, reply)
        throw error
      }
    },
  })
}

function idParam(request: FastifyRequest): number | null {
  const text = (request.params as Record<string, string | undefined>).id ?? ''
  const id = Number(text)
  return /^\d{1,15}$/.test(text) && Number.isSafeInteger(id) ? id : null
}
