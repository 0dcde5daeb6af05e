import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Kysely } from 'kysely'
import type { Clock } from '../clock.ts'
import type { Config } from '../config.ts'
import type { Database } from '../db/schema.ts'
import { recordAudit, type AuditEntryInput } from '../modules/platform/audit/audit-log.ts'
import { lookupSession, type ActiveSession, type SignedInUser } from '../modules/platform/auth/sessions.ts'
import { roleHasPermission } from '../modules/platform/roles.ts'
import type { RouteAccess } from './define-route.ts'

export interface AppDeps {
  config: Config
  db: Kysely<Database>
  clock: Clock
  driver: 'pglite' | 'postgres'
}

export interface PartnershipSummary {
  name: string
  forceName: string
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps
    partnership: PartnershipSummary
  }
  interface FastifyRequest {
    user: SignedInUser | null
    session: ActiveSession | null
    /** Why there is no session: 'expired' sends the user to sign in with a message. */
    sessionProblem: 'expired' | null
    cspNonce: string
    /** The token every form on this page must send back as _csrf. */
    csrfToken: string
    /**
     * Writes an audit entry with this request's actor, request id and address filled in.
     * Pass the transaction of the change it records, so that both commit or neither does.
     */
    audit(
      entry: Omit<AuditEntryInput, 'actorUserId' | 'actorOrganisationId' | 'requestId' | 'ip'>,
      trx?: Kysely<Database>,
    ): Promise<number>
  }
}

export const sessionCookieName = (config: Config) => (config.production ? '__Host-upstream-session' : 'upstream-session')
export const anonymousCsrfCookieName = (config: Config) => (config.production ? '__Host-upstream-csrf' : 'upstream-csrf')

export function sessionCookieOptions(config: Config) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: config.production }
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export const isApiRequest = (request: FastifyRequest) => request.url.startsWith('/api/')

function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

/** Forms shown before sign-in carry an HMAC of a random cookie (double submit, signed). */
function anonymousFormToken(config: Config, cookieToken: string): string {
  return createHmac('sha256', config.sessionSecret).update(`csrf:${cookieToken}`).digest('base64url')
}

export function registerRequestContext(app: FastifyInstance): void {
  const { config, db, clock } = app.deps
  app.decorateRequest('user', null)
  app.decorateRequest('session', null)
  app.decorateRequest('sessionProblem', null)
  app.decorateRequest('cspNonce', '')
  app.decorateRequest('csrfToken', '')
  app.decorateRequest('audit', async function (this: FastifyRequest, entry, trx) {
    return recordAudit(trx ?? db, {
      ...entry,
      occurredAt: entry.occurredAt ?? clock.now(),
      actorUserId: this.user?.id ?? null,
      actorOrganisationId: this.user?.organisationId ?? null,
      requestId: this.id,
      ip: this.ip,
    })
  })

  app.addHook('onRequest', async (request, reply) => {
    request.cspNonce = randomBytes(16).toString('base64')
    // Static files need no session: spare the database a lookup per stylesheet and image.
    if (request.url.startsWith('/build/') || request.url.startsWith('/assets/')) return
    const access = request.routeOptions.config?.access as RouteAccess | undefined
    // Not-found requests have no route: leave them to the 404 handler, signed in or not.
    await loadSession(request, reply)
    if (!access) return
    return enforceAccess(request, reply, access)
  })

  app.addHook('preValidation', async (request, reply) => {
    if (!UNSAFE_METHODS.has(request.method)) return
    if (!request.routeOptions.config?.access) return
    const sent = (request.body as Record<string, unknown> | undefined)?._csrf ?? request.headers['x-csrf-token']
    const expected = request.session
      ? request.session.csrfToken
      : anonymousFormToken(config, request.cookies[anonymousCsrfCookieName(config)] ?? '')
    const cookiePresent = request.session || request.cookies[anonymousCsrfCookieName(config)]
    if (cookiePresent && sameToken(typeof sent === 'string' ? sent : undefined, expected)) return
    await request.audit({ action: 'security', event: 'CSRF_REJECTED', outcome: 'denied', details: { route: request.routeOptions.url ?? '' } })
    return sendProblem(request, reply, 403, 'csrf', 'The form could not be accepted', [
      'This form has expired or was not sent from this service. Go back, reload the page and try again.',
    ])
  })

  async function loadSession(request: FastifyRequest, reply: FastifyReply) {
    const token = request.cookies[sessionCookieName(config)]
    if (token) {
      const found = await lookupSession(db, clock, token)
      if (found.status === 'active') {
        request.user = found.user
        request.session = found.session
        request.csrfToken = found.session.csrfToken
        return
      }
      reply.clearCookie(sessionCookieName(config), sessionCookieOptions(config))
      if (found.status === 'expired') request.sessionProblem = 'expired'
    }
    let anonymous = request.cookies[anonymousCsrfCookieName(config)]
    if (!anonymous) {
      anonymous = randomBytes(24).toString('base64url')
      reply.setCookie(anonymousCsrfCookieName(config), anonymous, sessionCookieOptions(config))
      request.cookies[anonymousCsrfCookieName(config)] = anonymous
    }
    request.csrfToken = anonymousFormToken(config, anonymous)
  }

  async function enforceAccess(request: FastifyRequest, reply: FastifyReply, access: RouteAccess) {
    if (access.permission === 'public') return
    if (!request.user) {
      if (isApiRequest(request)) {
        return reply.code(401).send({ error: { code: 'unauthenticated', message: 'Sign in first: this needs a session' } })
      }
      const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : ''
      const expired = request.sessionProblem === 'expired' ? `${next ? '&' : '?'}expired=1` : ''
      return reply.redirect(`/sign-in${next}${expired}`, 302)
    }
    if (access.permission === 'signed-in' || roleHasPermission(request.user.role, access.permission)) return
    await request.audit({
      action: 'security',
      event: 'ACCESS_DENIED',
      outcome: 'denied',
      details: { route: request.routeOptions.url ?? '', permission: access.permission },
    })
    return sendProblem(request, reply, 403, 'forbidden', 'You do not have access to this page', [
      'Your role does not include this. If you need it for your work, ask an administrator.',
    ])
  }
}

/** A 4xx or 5xx answer in the caller's language: JSON for the API, the error page otherwise. */
export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  heading: string,
  paragraphs: string[],
  fields?: Record<string, string>,
) {
  reply.code(status)
  const wantsJson = request.headers.accept?.includes('application/json') && !request.headers.accept.includes('html')
  if (isApiRequest(request) || wantsJson) {
    return reply.send({ error: { code, message: [heading, ...paragraphs].join(' '), ...(fields ? { fields } : {}) } })
  }
  return reply.render('error.njk', { pageTitle: heading, heading, paragraphs, requestId: status >= 500 ? request.id : undefined })
}
