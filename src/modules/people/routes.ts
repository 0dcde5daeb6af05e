import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { withViewerScope } from '../../db/viewer-scope.ts'
import { DomainError } from '../../errors.ts'
import { defineRoutes } from '../../server/define-route.ts'
import { sendProblem } from '../../server/request-context.ts'
import { errorListOf, formText, queryText } from '../platform/admin/forms.ts'
import { isPurpose, PURPOSE_LABELS, PURPOSES, type Purpose } from '../platform/data-classes.ts'
import { roleHasPermission } from '../platform/roles.ts'
import { decideReview, splitRecordFromPerson, undoDecision } from './decisions.ts'
import { runLinkage } from './link-run.ts'
import { listLinkageRuns } from './linkage-runs.ts'
import { viewPerson, type PersonView } from './person-view.ts'
import { registerRestrictionRoutes, sendRestrictedPage } from './restrictions/routes.ts'
import { personPage, reviewPage } from './presenters.ts'
import {
  LINKAGE_PURPOSE,
  listDecisions,
  openReviews,
  REVIEWS_PER_PAGE,
  reviewPair,
  type ReviewPair,
} from './review-queue.ts'
import { searchPeople } from './search.ts'

/**
 * People pages: find a person, see them (for a stated purpose), the linkage review queue and
 * its decisions, and the linkage runs. Every page works without JavaScript.
 */
export function registerPeopleRoutes(app: FastifyInstance): void {
  const route = defineRoutes(app)
  const { db, clock } = app.deps
  const context = (request: FastifyRequest) => ({ clock, requestId: request.id, ip: request.ip })
  const viewer = (request: FastifyRequest) => request.user as NonNullable<FastifyRequest['user']>
  const purposeItems = (chosen: string) =>
    PURPOSES.map((purpose) => ({
      value: purpose,
      text: PURPOSE_LABELS[purpose],
      checked: purpose === chosen,
    }))

  const renderSearch = (
    reply: FastifyReply,
    values: { name: string; dateOfBirth: string; purpose: string },
    extra: Record<string, unknown> = {},
  ) =>
    reply.render('people/pages/search.njk', {
      pageTitle: 'People',
      values,
      purposes: purposeItems(values.purpose),
      ...extra,
    })

  route.get('/people', {
    permission: 'people:read',
    dataClass: 'personal',
    handler: (_request, reply) => renderSearch(reply, { name: '', dateOfBirth: '', purpose: '' }),
  })

  // A search is posted, so that no name or date of birth ends up in an address, a log or a history (C8).
  route.post('/people', {
    permission: 'people:read',
    dataClass: 'personal',
    audit: 'consult',
    handler: async (request, reply) => {
      const values = {
        name: formText(request.body, 'name'),
        dateOfBirth: formText(request.body, 'dateOfBirth'),
        purpose: formText(request.body, 'purpose'),
      }
      const errors: Record<string, string> = {}
      if (!isPurpose(values.purpose)) errors.purpose = 'Choose why you are looking for this person'
      try {
        if (Object.keys(errors).length === 0) {
          const result = await searchPeople(db, viewer(request), values, context(request))
          if (!result.allowed) reply.code(403)
          return renderSearch(reply, values, { result, searched: true })
        }
      } catch (error) {
        if (!(error instanceof DomainError && error.code === 'invalid')) throw error
        Object.assign(errors, error.fields)
      }
      reply.code(400)
      return renderSearch(reply, values, { errors, errorList: errorListOf(errors, { purpose: 'purpose' }) })
    },
  })

  route.get('/people/:id', {
    permission: 'people:read',
    dataClass: 'personal',
    audit: 'consult',
    handler: async (request, reply) => {
      const id = idParam(request)
      if (id === null) return personNotFound(request, reply)
      const purpose = queryText(request, 'purpose')
      if (!isPurpose(purpose)) {
        // Nothing about the person is shown until the viewer says why they are looking.
        return reply.render('people/pages/purpose.njk', {
          pageTitle: 'Why are you viewing this person?',
          action: `/people/${id}`,
          purposes: purposeItems(''),
          errors: purpose ? { purpose: 'Choose a purpose from the list' } : undefined,
          errorList: purpose ? [{ text: 'Choose a purpose from the list', href: '#purpose' }] : undefined,
        })
      }
      const lookup = await viewPerson(db, viewer(request), purpose, id, context(request))
      if ('mergedInto' in lookup)
        return reply.code(303).redirect(`/people/${lookup.mergedInto}?purpose=${purpose}`)
      if (!lookup.found && lookup.restriction)
        return sendRestrictedPage(request, reply, id, purpose, lookup.restriction)
      if (!lookup.found) return personNotFound(request, reply)
      return renderPerson(reply, lookup.person, purpose, {
        mayReview: roleHasPermission(viewer(request).role, 'people:review'),
        split: queryText(request, 'split') === '1',
      })
    },
  })

  route.post('/people/:id/records/:recordId/split', {
    permission: 'people:review',
    dataClass: 'personal',
    audit: 'alter',
    handler: async (request, reply) => {
      const id = idParam(request)
      const recordId = idParam(request, 'recordId')
      const purpose = formText(request.body, 'purpose')
      if (id === null || recordId === null || !isPurpose(purpose)) return personNotFound(request, reply)
      // The same check as viewing: a reviewer who may not see the person may not split them.
      const lookup = await viewPerson(db, viewer(request), purpose, id, context(request))
      if (!('found' in lookup) || !lookup.found) return personNotFound(request, reply)
      try {
        await splitRecordFromPerson(
          db,
          viewer(request),
          { personId: id, recordId, reason: formText(request.body, 'reason') },
          context(request),
        )
      } catch (error) {
        if (!(error instanceof DomainError)) throw error
        if (error.code === 'not_found') return personNotFound(request, reply)
        reply.code(error.code === 'invalid' ? 400 : 409)
        return renderPerson(reply, lookup.person, purpose, {
          mayReview: true,
          splitRecordId: recordId,
          splitError: error.message,
          errorList: [{ text: error.message, href: `#reason-${recordId}` }],
        })
      }
      return reply.code(303).redirect(`/people/${id}?purpose=${purpose}&split=1`)
    },
  })

  route.get('/people/review', {
    permission: 'people:review',
    dataClass: 'personal',
    audit: 'consult',
    handler: async (request, reply) => {
      const page = Math.max(1, Math.min(10_000, Number.parseInt(queryText(request, 'page'), 10) || 1))
      const queue = await openReviews(db, viewer(request), page, context(request))
      if (!queue.allowed) return personNotFound(request, reply)
      const pages = Math.max(1, Math.ceil(queue.total / REVIEWS_PER_PAGE))
      return reply.render('people/pages/review-list.njk', {
        pageTitle: 'Record linkage: pairs to review',
        total: queue.total,
        page,
        pages,
        previous: page > 1 ? `/people/review?page=${page - 1}` : null,
        next: page < pages ? `/people/review?page=${page + 1}` : null,
        pairs: queue.pairs.map((pair) => reviewPage(pair)),
        decided: queryText(request, 'decided') === '1',
      })
    },
  })

  route.get('/people/review/:id', {
    permission: 'people:review',
    dataClass: 'personal',
    audit: 'consult',
    handler: async (request, reply) => {
      const id = idParam(request)
      const pair = id === null ? null : await reviewPair(db, viewer(request), id, context(request))
      if (!pair) return personNotFound(request, reply)
      return renderReview(reply, pair)
    },
  })

  route.post('/people/review/:id', {
    permission: 'people:review',
    dataClass: 'personal',
    audit: 'alter',
    handler: async (request, reply) => {
      const id = idParam(request)
      const pair = id === null ? null : await reviewPair(db, viewer(request), id, context(request))
      if (!pair || id === null) return personNotFound(request, reply)
      const input = {
        reviewId: id,
        decision: formText(request.body, 'decision'),
        reason: formText(request.body, 'reason'),
      }
      try {
        await decideReview(db, viewer(request), input, context(request))
        return reply.code(303).redirect('/people/review?decided=1')
      } catch (error) {
        if (!(error instanceof DomainError)) throw error
        if (error.code === 'invalid') {
          reply.code(400)
          return renderReview(reply, pair, {
            values: input,
            errors: error.fields,
            errorList: errorListOf(error.fields, { decision: 'decision' }),
          })
        }
        if (error.code === 'conflict') {
          reply.code(409)
          return renderReview(reply, pair, { conflict: error.message })
        }
        throw error
      }
    },
  })

  route.get('/people/linkage', {
    permission: 'people:review',
    dataClass: 'personal',
    handler: async (request, reply) => {
      const scope = { ...viewer(request), on: clock.now() }
      const runs = await listLinkageRuns(db, 20)
      const decisions = await withViewerScope(db, scope, LINKAGE_PURPOSE, (trx) => listDecisions(trx, 100))
      return reply.render('people/pages/linkage.njk', {
        pageTitle: 'Record linkage',
        runs,
        decisions,
        mayLink: roleHasPermission(viewer(request).role, 'people:link'),
        started: queryText(request, 'started') === '1',
        undone: queryText(request, 'undone') === '1',
      })
    },
  })

  route.post('/people/linkage/runs', {
    permission: 'people:link',
    dataClass: 'personal',
    audit: 'combine',
    handler: async (request, reply) => {
      const user = viewer(request)
      // The run goes on after the answer; its row shows "running" until it ends. One at a time:
      // a second waits on the first's lock.
      void runLinkage(db, { startedBy: user.id, clock }).catch((error: unknown) => {
        request.log.error({ err: error }, 'linkage run failed')
      })
      return reply.code(303).redirect('/people/linkage?started=1')
    },
  })

  route.post('/people/decisions/:id/undo', {
    permission: 'people:review',
    dataClass: 'personal',
    audit: 'alter',
    handler: async (request, reply) => {
      const id = idParam(request)
      if (id === null) return personNotFound(request, reply)
      try {
        await undoDecision(db, viewer(request), id, context(request))
      } catch (error) {
        if (error instanceof DomainError && error.code === 'not_found') return personNotFound(request, reply)
        if (!(error instanceof DomainError && error.code === 'conflict')) throw error
      }
      return reply.code(303).redirect('/people/linkage?undone=1')
    },
  })

  registerRestrictionRoutes(app)
}

function renderPerson(
  reply: FastifyReply,
  person: PersonView,
  purpose: Purpose,
  extra: Record<string, unknown>,
) {
  return reply.render('people/pages/person.njk', {
    pageTitle: person.displayName,
    ...personPage(person, purpose),
    ...extra,
  })
}

function renderReview(reply: FastifyReply, pair: ReviewPair, extra: Record<string, unknown> = {}) {
  return reply.render('people/pages/review.njk', {
    pageTitle: 'Are these the same person?',
    ...reviewPage(pair),
    ...extra,
  })
}

function idParam(request: FastifyRequest, name = 'id'): number | null {
  const text = (request.params as Record<string, string | undefined>)[name] ?? ''
  const id = Number(text)
  return /^\d{1,15}$/.test(text) && Number.isSafeInteger(id) ? id : null
}

/** The same answer whether the person does not exist or the viewer may not see them. */
function personNotFound(request: FastifyRequest, reply: FastifyReply) {
  return sendProblem(request, reply, 404, 'not_found', 'Not found', [
    'Check the address, or search for the person again.',
  ])
}
