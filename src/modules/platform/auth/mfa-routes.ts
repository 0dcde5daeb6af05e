import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../../../config.ts'
import { defineRoutes } from '../../../server/define-route.ts'
import { sessionCookieOptions } from '../../../server/request-context.ts'
import { errorListOf, field, minutesOf } from './form-fields.ts'
import {
  completeMfaChallenge,
  confirmTotpEnrolment,
  createMfaChallenge,
  findMfaChallenge,
  MFA_CHALLENGE_MS,
  startTotpEnrolment,
  totpStatus,
  turnOffTotp,
} from './mfa.ts'
import { endSessionsOfUser } from './sessions.ts'
import { recordSignedIn } from './sign-in.ts'
import { startSignedInSession } from './start-session.ts'
import { otpauthUri } from './totp.ts'

/** Two-step sign-in with an authenticator app (TOTP) for local accounts, checklist A8. */
const challengeCookieName = (config: Config) => (config.production ? '__Host-upstream-sign-in-code' : 'upstream-sign-in-code')

/** After the right password, for an account with a second factor: a short-lived challenge instead of a session. */
export async function beginCodeStep(request: FastifyRequest, reply: FastifyReply, pending: { userId: string; next: string | null }) {
  const { db, clock, config } = request.server.deps
  const token = await createMfaChallenge(db, clock, pending.userId, pending.next)
  reply.setCookie(challengeCookieName(config), token, { ...sessionCookieOptions(config), maxAge: MFA_CHALLENGE_MS / 1000 })
  return reply.redirect('/sign-in/code', 303)
}

const groupedForReading = (secret: string) => secret.match(/.{1,4}/g)?.join(' ') ?? secret

export function registerMfaRoutes(app: FastifyInstance): void {
  const route = defineRoutes(app)
  const { db, clock, config } = app.deps

  const renderCode = (reply: FastifyReply, errors: Record<string, string> = {}) =>
    reply.render('platform/auth/pages/sign-in-code.njk', { pageTitle: 'Enter the code from your authenticator app', errors, errorList: errorListOf(errors) })

  route.get('/sign-in/code', {
    permission: 'public',
    handler: async (request, reply) => {
      const challenge = await findMfaChallenge(db, clock, request.cookies[challengeCookieName(config)])
      if (!challenge) return reply.redirect('/sign-in', 302)
      return renderCode(reply)
    },
  })

  route.post('/sign-in/code', {
    permission: 'public',
    dataClass: 'account',
    audit: 'sign-in',
    handler: async (request, reply) => {
      const code = field(request.body, 'code')
      if (code.trim() === '') return renderCode(reply.code(400), { code: 'Enter the 6-digit code from your authenticator app' })
      const result = await completeMfaChallenge(db, clock, { token: request.cookies[challengeCookieName(config)], code, ip: request.ip })
      if (result.outcome === 'no challenge') return reply.redirect('/sign-in', 303)
      if (result.outcome === 'throttled') {
        await request.audit({ action: 'security', event: 'SIGN_IN_THROTTLED', outcome: 'denied', details: { accountKeyHash: result.accountKey, scope: 'account', retryAfterSeconds: result.retryAfterSeconds } })
        reply.code(429).header('Retry-After', String(result.retryAfterSeconds))
        return renderCode(reply, { code: `There have been too many attempts to sign in. Wait ${minutesOf(result.retryAfterSeconds)}, then try again` })
      }
      if (result.outcome === 'wrong code') {
        request.log.warn({ event: 'SIGN_IN_FAILED', accountKeyHash: result.accountKey }, 'sign-in code wrong')
        await request.audit({ action: 'sign-in', event: 'SIGN_IN_FAILED', outcome: 'failure', details: { accountKeyHash: result.accountKey, reason: 'wrong code' } })
        return renderCode(reply.code(400), { code: 'The code is not correct, or has been used. Enter the code your app shows now' })
      }
      reply.clearCookie(challengeCookieName(config), sessionCookieOptions(config))
      await recordSignedIn(db, clock, result.userId)
      return startSignedInSession(request, reply, { userId: result.userId, organisationId: result.organisationId, method: 'password and code', next: result.nextPath })
    },
  })

  const renderMfa = async (request: FastifyRequest, reply: FastifyReply, errors: Record<string, string> = {}) => {
    const user = request.user!
    const status = await totpStatus(db, user.id)
    const hasPassword = (await db.selectFrom('app_user').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow()).password_hash !== null
    return reply.render('platform/auth/pages/mfa.njk', {
      pageTitle: 'Two-step verification',
      hasPassword,
      enabled: status.enabled,
      pendingKey: status.pendingSecret ? groupedForReading(status.pendingSecret) : null,
      otpauthUri: status.pendingSecret ? otpauthUri(status.pendingSecret, app.partnership.name, user.email) : null,
      flash: (request.query as Record<string, unknown>).turnedOn === '1' ? 'Two-step verification is on' : undefined,
      errors,
      errorList: errorListOf(errors),
    })
  }

  route.get('/account/mfa', { permission: 'signed-in', dataClass: 'account', handler: (request, reply) => renderMfa(request, reply) })

  route.post('/account/mfa/start', {
    permission: 'signed-in',
    dataClass: 'account',
    handler: async (request, reply) => {
      await startTotpEnrolment(db, request.user!.id)
      return reply.redirect('/account/mfa', 303)
    },
  })

  route.post('/account/mfa', {
    permission: 'signed-in',
    dataClass: 'account',
    audit: 'alter',
    handler: async (request, reply) => {
      const user = request.user!
      if (!(await confirmTotpEnrolment(db, clock, user.id, field(request.body, 'code')))) {
        return renderMfa(request, reply.code(400), { code: 'Enter the 6-digit code your app shows for this key' })
      }
      await endSessionsOfUser(db, clock, user.id, 'two-step verification turned on', request.session!.id)
      await request.audit({ action: 'alter', event: 'ENABLE_MFA', recordType: 'user', recordIds: [user.id], details: { fields: ['totp'] } })
      return reply.redirect('/account/mfa?turnedOn=1', 303)
    },
  })

  route.post('/account/mfa/turn-off', {
    permission: 'signed-in',
    dataClass: 'account',
    audit: 'alter',
    handler: async (request, reply) => {
      const user = request.user!
      if (!(await turnOffTotp(db, clock, user.id, field(request.body, 'code')))) {
        return renderMfa(request, reply.code(400), { offCode: 'Enter the 6-digit code your app shows now' })
      }
      await request.audit({ action: 'alter', event: 'DISABLE_MFA', recordType: 'user', recordIds: [user.id], details: { fields: ['totp'] } })
      return reply.redirect('/account/mfa', 303)
    },
  })
}
