import type { FastifyInstance } from 'fastify'
import { defineRoutes } from '../../server/define-route.ts'
import { sendProblem } from '../../server/request-context.ts'
import { API_PREFIX } from '../platform/api/routes.ts'
import { actionFrom, actOnReferral } from './act-on-referral.ts'
import {
  actOnReferralSchema,
  getReferralSchema,
  listReferralsSchema,
  makeReferralSchema,
} from './api-schemas.ts'
import { parseInboxQuery } from './inbox-query.ts'
import { makeReferral, makeReferralInputFrom } from './make-referral.ts'
import { referralJson, summaryJson } from './presenters.ts'
import { referralId, referralInbox, viewReferral } from './queries.ts'
import { ACTION_ROUTES, contextOf, deniedAnswer, notFoundAnswer, viewerOf } from './route-helpers.ts'

/** /api/v1/referrals: the same read path and the same changes as the pages, as JSON. */
export function registerReferralApiRoutes(app: FastifyInstance): void {
  const route = defineRoutes(app)
  const { db, clock } = app.deps

  route.get(`${API_PREFIX}/referrals`, {
    permission: 'referrals:read',
    dataClass: 'personal',
    audit: 'consult',
    schema: listReferralsSchema,
    handler: async (request, reply) => {
      const { query, errors } = parseInboxQuery(request.query)
      if (Object.keys(errors).length) {
        return sendProblem(
          request,
          reply,
          400,
          'invalid',
          'The query parameters are not valid',
          Object.values(errors),
          errors,
        )
      }
      const page = await referralInbox(db, viewerOf(request), query, contextOf(request, clock))
      return {
        referrals: page.referrals.map(summaryJson),
        total: page.total,
        page: page.page,
        pageCount: page.pageCount,
      }
    },
  })

  route.get(`${API_PREFIX}/referrals/:id`, {
    permission: 'referrals:read',
    dataClass: 'personal',
    audit: 'consult',
    schema: getReferralSchema,
    handler: async (request, reply) => {
      const read = await viewReferral(
        db,
        viewerOf(request),
        referralId((request.params as { id: string }).id),
        contextOf(request, clock),
      )
      if (read.kind === 'not-found') return notFoundAnswer(request, reply)
      if (read.kind === 'denied') return deniedAnswer(request, reply, read.reason)
      return referralJson(read.referral)
    },
  })

  route.post(`${API_PREFIX}/referrals`, {
    permission: 'referrals:make',
    dataClass: 'personal',
    audit: 'collect',
    schema: makeReferralSchema,
    handler: async (request, reply) => {
      const made = await makeReferral(
        db,
        viewerOf(request),
        makeReferralInputFrom(request.body),
        contextOf(request, clock),
      )
      return reply.code(201).send(made)
    },
  })

  for (const form of ACTION_ROUTES) {
    route.post(`${API_PREFIX}/referrals/:id/${form.path}`, {
      permission: form.permission,
      dataClass: 'personal',
      audit: 'alter',
      schema: actOnReferralSchema(form.actions),
      handler: async (request, reply) => {
        const { action, version } = actionFrom(request.body, form.actions)
        const result = await actOnReferral(
          db,
          viewerOf(request),
          referralId((request.params as { id: string }).id),
          version,
          action,
          contextOf(request, clock),
        )
        if (result.kind === 'not-found') return notFoundAnswer(request, reply)
        if (result.kind === 'denied') return deniedAnswer(request, reply, result.reason)
        if (result.kind === 'conflict')
          return sendProblem(request, reply, 409, 'conflict', result.message, [])
        return {
          id: result.referralId,
          version: result.version,
          ...(result.onward ? { onward: result.onward } : {}),
        }
      },
    })
  }
}
