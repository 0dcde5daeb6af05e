import type { FastifyReply, FastifyRequest } from 'fastify'
import { sessionCookieName, sessionCookieOptions } from '../../../server/request-context.ts'
import { recordAudit } from '../audit/audit-log.ts'
import { createSession, endSession } from './sessions.ts'

/**
 * The end of every successful local sign-in: a new session (rotation: an id planted before
 * sign-in is never promoted), its cookie, the audit entry, and the page asked for.
 */
export async function startSignedInSession(
  request: FastifyRequest,
  reply: FastifyReply,
  signedIn: { userId: string; organisationId: string; method: 'password' | 'password and code'; next: string | null },
) {
  const { db, clock, config } = request.server.deps
  if (request.session) await endSession(db, clock, request.session.id, 'signed in again')
  const { token } = await createSession(db, clock, signedIn.userId, { ip: request.ip, userAgent: request.headers['user-agent'] })
  await recordAudit(db, {
    action: 'sign-in',
    event: 'SIGN_IN',
    occurredAt: clock.now(),
    actorUserId: signedIn.userId,
    actorOrganisationId: signedIn.organisationId,
    recordType: 'user',
    recordIds: [signedIn.userId],
    requestId: request.id,
    ip: request.ip,
    details: { method: signedIn.method },
  })
  request.log.info({ event: 'SIGN_IN', userId: signedIn.userId }, 'signed in')
  reply.setCookie(sessionCookieName(config), token, sessionCookieOptions(config))
  return reply.redirect(signedIn.next ?? '/home', 303)
}
