import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { sendProblem } from '../../server/request-context.ts'
import type { Permission } from '../platform/roles.ts'
import type { ActionKind } from './workflow.ts'

/** What the referral pages and the API share: the action routes and the answers for missing and refused referrals. */

/** The forms of the referral page, each behind the permission it needs. */
export const ACTION_ROUTES: { path: string; permission: Permission; actions: readonly ActionKind[] }[] = [
  { path: 'screen', permission: 'referrals:screen', actions: ['accept', 'decline', 'request-information'] },
  { path: 'assign', permission: 'referrals:screen', actions: ['assign'] },
  { path: 'work', permission: 'referrals:work', actions: ['start', 'note', 'action', 'close', 'refer-on'] },
  { path: 'information', permission: 'referrals:make', actions: ['supply-information'] },
]

/** The same answer as for a page that does not exist: another organisation's referral is no oracle. */
export const notFoundAnswer = (request: FastifyRequest, reply: FastifyReply) =>
  sendProblem(request, reply, 404, 'not_found', 'Page not found', [
    'If you typed the web address, check it is correct. If you pasted it, check you copied all of it.',
  ])

export const deniedAnswer = (request: FastifyRequest, reply: FastifyReply, reason: string) =>
  sendProblem(request, reply, 403, 'forbidden', 'You cannot see this referral now', [
    `${reason[0]!.toUpperCase()}${reason.slice(1)}.`,
  ])

export const viewerOf = (request: FastifyRequest) => ({
  id: request.user!.id,
  organisationId: request.user!.organisationId,
  role: request.user!.role,
})
export const contextOf = (request: FastifyRequest, clock: FastifyInstance['deps']['clock']) => ({
  clock,
  requestId: request.id,
  ip: request.ip,
})
