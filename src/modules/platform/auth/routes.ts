import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { defineRoutes } from '../../../server/define-route.ts'
import { sessionCookieName, sessionCookieOptions } from '../../../server/request-context.ts'
import { ROLE_LABELS } from '../roles.ts'
import { changePassword, keepSessionAlive, loadAccountDetails } from './account.ts'
import { errorListOf, field, minutesOf } from './form-fields.ts'
import { safeNextPath } from './next-path.ts'
import { listOidcSignInOptions } from './oidc-options.ts'
import { MINIMUM_PASSWORD_LENGTH, passwordContextWords, RECOMMENDED_PASSWORD_LENGTH } from './password-policy.ts'
import { endSession } from './sessions.ts'
import { userHasTotp } from './mfa.ts'
import { beginCodeStep, registerMfaRoutes } from './mfa-routes.ts'
import { signInWithPassword } from './sign-in.ts'
import { startSignedInSession } from './start-session.ts'

/**
 * Local sign-in, sign-out and the account pages (checklist A8, A9).
 * A form sent back with problems is re-rendered with status 400 and an error summary;
 * a throttled attempt is 429 with Retry-After.
 */
export const SIGN_IN_FAILED_MESSAGE = 'Enter a correct email address and password'

export function registerAuthRoutes(app: FastifyInstance): void {
  const route = defineRoutes(app)
  const { db, clock } = app.deps

  const renderSignIn = async (
    request: FastifyRequest,
    reply: FastifyReply,
    page: { next: string | null; email?: string; errors?: Record<string, string>; expired?: boolean; flash?: string },
  ) =>
    reply.render('platform/auth/pages/sign-in.njk', {
      pageTitle: 'Sign in',
      next: page.next,
      email: page.email ?? '',
      errors: page.errors ?? {},
      errorList: errorListOf(page.errors ?? {}),
      expired: page.expired ?? false,
      flash: page.flash,
      oidcOptions: await listOidcSignInOptions(db),
    })

  route.get('/sign-in', {
    permission: 'public',
    handler: async (request, reply) => {
      const query = request.query as Record<string, unknown>
      const next = safeNextPath(query.next)
      if (request.user) return reply.redirect(next ?? '/home', 302)
      return renderSignIn(request, reply, {
        next,
        expired: query.expired === '1',
        flash: query.signedOut === '1' ? 'You have signed out' : undefined,
      })
    },
  })

  route.post('/sign-in', {
    permission: 'public',
    dataClass: 'account',
    audit: 'sign-in',
    handler: async (request, reply) => {
      const email = field(request.body, 'email')
      const password = field(request.body, 'password')
      const next = safeNextPath(field(request.body, 'next'))
      const errors: Record<string, string> = {}
      if (email.trim() === '') errors.email = 'Enter your email address'
      if (password === '') errors.password = 'Enter your password'
      if (Object.keys(errors).length > 0) return renderSignIn(request, reply.code(400), { next, email, errors })

      const result = await signInWithPassword(db, clock, { email, password, ip: request.ip })
      if (result.outcome === 'throttled') {
        request.log.warn({ event: 'SIGN_IN_THROTTLED', accountKeyHash: result.accountKey, scope: result.scope }, 'sign-in throttled')
        await request.audit({
          action: 'security',
          event: 'SIGN_IN_THROTTLED',
          outcome: 'denied',
          details: { accountKeyHash: result.accountKey, scope: result.scope, retryAfterSeconds: result.retryAfterSeconds },
        })
        reply.code(429).header('Retry-After', String(result.retryAfterSeconds))
        return renderSignIn(request, reply, {
          next,
          email,
          errors: { email: `There have been too many attempts to sign in. Wait ${minutesOf(result.retryAfterSeconds)}, then try again` },
        })
      }
      if (result.outcome === 'failed') {
        request.log.warn({ event: 'SIGN_IN_FAILED', accountKeyHash: result.accountKey }, 'sign-in failed')
        await request.audit({
          action: 'sign-in',
          event: 'SIGN_IN_FAILED',
          outcome: 'failure',
          details: { accountKeyHash: result.accountKey, reason: result.reason },
        })
        return renderSignIn(request, reply.code(400), { next, email, errors: { email: SIGN_IN_FAILED_MESSAGE } })
      }

      if (result.outcome === 'needs code') {
        return beginCodeStep(request, reply, { userId: result.userId, next })
      }
      return startSignedInSession(request, reply, { userId: result.userId, organisationId: result.organisationId, method: 'password', next })
    },
  })

  route.post('/sign-out', {
    permission: 'signed-in',
    dataClass: 'account',
    audit: 'sign-in',
    handler: async (request, reply) => {
      await request.audit({ action: 'sign-in', event: 'SIGN_OUT', recordType: 'user', recordIds: [request.user!.id] })
      await endSession(db, clock, request.session!.id, 'signed out')
      reply.clearCookie(sessionCookieName(app.deps.config), sessionCookieOptions(app.deps.config))
      return reply.redirect('/sign-in?signedOut=1', 303)
    },
  })

  route.get('/account', {
    permission: 'signed-in',
    dataClass: 'account',
    handler: async (request, reply) => {
      const user = request.user!
      const details = await loadAccountDetails(db, clock, user.id, request.session!.id)
      return reply.render('platform/auth/pages/account.njk', {
        pageTitle: 'Your account',
        roleLabel: ROLE_LABELS[user.role],
        teamNames: details.teamNames,
        hasLocalPassword: details.hasLocalPassword,
        totpEnabled: await userHasTotp(db, user.id),
        flash: (request.query as Record<string, unknown>).passwordChanged === '1' ? 'Your password has been changed' : undefined,
        sessionRows: details.sessions.map((session) => [
          { text: `${isoDateTime(session.createdAt)}${session.current ? ' (this session)' : ''}` },
          { text: isoDateTime(session.lastSeenAt) },
          { text: session.ip ?? 'Not known' },
          { text: session.userAgent ?? 'Not known' },
        ]),
      })
    },
  })

  const renderChangePassword = (reply: FastifyReply, errors: Record<string, string> = {}) =>
    reply.render('platform/auth/pages/change-password.njk', {
      pageTitle: 'Change your password',
      errors,
      errorList: errorListOf(errors),
      minimumLength: MINIMUM_PASSWORD_LENGTH,
      recommendedLength: RECOMMENDED_PASSWORD_LENGTH,
    })

  route.get('/account/password', {
    permission: 'signed-in',
    dataClass: 'account',
    handler: (_request, reply) => renderChangePassword(reply),
  })

  route.post('/account/password', {
    permission: 'signed-in',
    dataClass: 'account',
    audit: 'alter',
    handler: async (request, reply) => {
      const user = request.user!
      const result = await changePassword(db, clock, {
        userId: user.id,
        email: user.email,
        currentPassword: field(request.body, 'currentPassword'),
        newPassword: field(request.body, 'newPassword'),
        confirmPassword: field(request.body, 'confirmPassword'),
        contextWords: passwordContextWords(app.partnership.name, app.partnership.forceName),
        keepSessionId: request.session!.id,
        ip: request.ip,
      })
      if (result.outcome === 'throttled') {
        await request.audit({ action: 'security', event: 'SIGN_IN_THROTTLED', outcome: 'denied', details: { scope: 'account', retryAfterSeconds: result.retryAfterSeconds } })
        reply.code(429).header('Retry-After', String(result.retryAfterSeconds))
        return renderChangePassword(reply, {
          currentPassword: `There have been too many wrong passwords. Wait ${minutesOf(result.retryAfterSeconds)}, then try again`,
        })
      }
      if (result.outcome === 'invalid') return renderChangePassword(reply.code(400), result.errors)
      await request.audit({ action: 'alter', event: 'CHANGE_PASSWORD', recordType: 'user', recordIds: [user.id], details: { fields: ['password'] } })
      return reply.redirect('/account?passwordChanged=1', 303)
    },
  })

  route.post('/account/keep-alive', {
    permission: 'signed-in',
    dataClass: 'none',
    handler: async (request) => {
      const idleExpiresAt = await keepSessionAlive(db, clock, request.session!.id)
      return { idleExpiresAt: idleExpiresAt.toISOString() }
    },
  })

  registerMfaRoutes(app)
}

const isoDateTime = (value: Date) => value.toISOString().replace('T', ' ').slice(0, 16) + ' UTC'
