import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Configuration } from 'openid-client'
import { defineRoutes } from '../../../server/define-route.ts'
import { sessionCookieName, sessionCookieOptions } from '../../../server/request-context.ts'
import { recordAudit, type AuditEntryInput } from '../audit/audit-log.ts'
import {
  bindOidcIdentity,
  createIssuerDirectory,
  DEFAULT_MULTI_FACTOR_ACR_VALUES,
  exchangeAuthorizationCode,
  findOidcOrganisation,
  LOGIN_STATE_LIFETIME_MS,
  markSignedIn,
  OidcExchangeError,
  resolveOidcAccount,
  startOidcSignIn,
  takeLoginState,
  type OidcOrganisation,
  type OidcRefusal,
} from './oidc.ts'
import { createSession, endSession } from './sessions.ts'

export interface OidcRouteOptions {
  /** acr values that count as multi-factor for organisations that require it. */
  multiFactorAcrValues?: readonly string[]
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const PROBLEM_PAGE = 'platform/auth/pages/oidc-problem.njk'

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

const single = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined)

export function registerOidcRoutes(app: FastifyInstance, options: OidcRouteOptions = {}): void {
  const { config, db, clock } = app.deps
  const issuers = createIssuerDirectory({ production: config.production, clock })
  const multiFactorAcrValues = options.multiFactorAcrValues ?? DEFAULT_MULTI_FACTOR_ACR_VALUES
  const redirectUri = `${config.publicUrl}/sign-in/oidc/callback`
  // The state travels in the browser too, so that a callback only completes in the browser that
  // started it (no signing someone in to an attacker's account); the database makes it single use.
  const stateCookieName = config.production ? '__Host-upstream-oidc-state' : 'upstream-oidc-state'
  const stateCookieOptions = sessionCookieOptions(config)
  const route = defineRoutes(app)

  const audit = (request: FastifyRequest, entry: AuditEntryInput) =>
    recordAudit(db, { occurredAt: clock.now(), requestId: request.id, ip: request.ip, ...entry })

  const showProblem = (request: FastifyRequest, reply: FastifyReply, status: number, heading: string, paragraphs: string[]) =>
    reply.code(status).render(PROBLEM_PAGE, {
      pageTitle: heading,
      heading,
      paragraphs,
      requestId: status >= 500 ? request.id : undefined,
    })

  async function configurationOrProblem(request: FastifyRequest, reply: FastifyReply, organisation: OidcOrganisation) {
    try {
      return await issuers.configurationFor(organisation)
    } catch (error) {
      request.log.warn({ err: error, organisationId: organisation.id }, 'identity provider unavailable')
      await audit(request, {
        action: 'sign-in',
        event: 'SIGN_IN_FAILED',
        outcome: 'failure',
        details: { method: 'oidc', reason: 'identity provider unavailable', organisationId: organisation.id },
      })
      showProblem(request, reply, 502, `${organisation.name}'s identity provider is not answering`, [
        'Try again in a few minutes.',
        'If it keeps happening, give the reference below to your administrator: the identity provider may be down or its address may be wrong.',
      ])
      return undefined
    }
  }

  route.get('/sign-in/oidc/:organisationId', {
    permission: 'public',
    dataClass: 'none',
    audit: 'sign-in',
    handler: async (request, reply) => {
      const { organisationId } = request.params as { organisationId: string }
      const organisation = UUID.test(organisationId) ? await findOidcOrganisation(db, organisationId) : undefined
      if (!organisation) {
        return showProblem(request, reply, 404, 'This organisation does not sign in with its own identity provider', [
          'Go back to the sign-in page and choose your organisation, or sign in with your email address and password.',
        ])
      }
      const configuration = await configurationOrProblem(request, reply, organisation)
      if (!configuration) return reply
      const { authorizationUrl, state } = await startOidcSignIn(db, clock, configuration, organisation, redirectUri)
      reply.setCookie(stateCookieName, state, { ...stateCookieOptions, maxAge: LOGIN_STATE_LIFETIME_MS / 1000 })
      return reply.redirect(authorizationUrl.href, 302)
    },
  })

  route.get('/sign-in/oidc/callback', {
    permission: 'public',
    dataClass: 'account',
    audit: 'sign-in',
    handler: async (request, reply) => {
      const query = request.query as Record<string, unknown>
      const state = single(query.state)
      const browserState = request.cookies[stateCookieName]
      reply.clearCookie(stateCookieName, stateCookieOptions)

      const refuseState = async (reason: string) => {
        await audit(request, {
          action: 'security',
          event: 'OIDC_STATE_REJECTED',
          outcome: 'denied',
          details: { method: 'oidc', reason },
        })
        return showProblem(request, reply, 400, 'This sign-in could not be completed', [
          'The sign-in took longer than 10 minutes, was already used, or was not started in this browser.',
          'Go back to the sign-in page and start again.',
        ])
      }
      if (!state) return refuseState('no state')
      if (!browserState || !sameText(state, browserState)) return refuseState('state not started in this browser')
      const taken = await takeLoginState(db, clock, state)
      if (taken.status !== 'valid') return refuseState(taken.status === 'expired' ? 'state expired' : 'state unknown or already used')
      const { loginState } = taken

      const organisation = await findOidcOrganisation(db, loginState.organisationId)
      if (!organisation) return refuseState('organisation no longer uses an identity provider')

      const signInFailed = (
        reason: string,
        outcome: 'denied' | 'failure',
        extra: { userId?: string; providerError?: string } = {},
      ) =>
        audit(request, {
          action: 'sign-in',
          event: 'SIGN_IN_FAILED',
          outcome,
          ...(extra.userId ? { recordType: 'app_user', recordIds: [extra.userId] } : {}),
          details: {
            method: 'oidc',
            reason,
            organisationId: organisation.id,
            ...(extra.providerError ? { providerError: extra.providerError } : {}),
          },
        })

      const providerError = single(query.error)
      if (providerError) {
        // An OAuth error code is a short token; cut it so a forged one cannot fill the log.
        const code = providerError.slice(0, 64)
        await signInFailed('identity provider refused', 'denied', { providerError: code })
        return showProblem(
          request,
          reply,
          code === 'access_denied' ? 403 : 400,
          code === 'access_denied' ? 'Sign-in was cancelled' : `${organisation.name}'s identity provider did not sign you in`,
          [
            `${organisation.name}'s identity provider did not sign you in (it answered '${code}').`,
            'Go back to the sign-in page to try again. If it keeps happening, ask your IT service desk.',
          ],
        )
      }

      const configuration: Configuration | undefined = await configurationOrProblem(request, reply, organisation)
      if (!configuration) return reply
      if (configuration.serverMetadata().issuer !== loginState.issuer) {
        return refuseState('identity provider changed during sign-in')
      }
      const search = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : ''
      let identity
      try {
        identity = await exchangeAuthorizationCode(configuration, new URL(`${redirectUri}${search}`), state, loginState)
      } catch (error) {
        if (!(error instanceof OidcExchangeError)) throw error
        request.log.warn({ err: error, organisationId: organisation.id }, 'OpenID Connect code exchange failed')
        if (error.failure === 'invalid-response') {
          await audit(request, {
            action: 'security',
            event: 'OIDC_RESPONSE_REJECTED',
            outcome: 'denied',
            details: { method: 'oidc', reason: error.message.slice(0, 200), organisationId: organisation.id },
          })
          return showProblem(request, reply, 400, 'This sign-in could not be completed', [
            `The answer from ${organisation.name}'s identity provider failed a security check, so you have not been signed in.`,
            'Go back to the sign-in page and start again. If it keeps happening, tell your administrator.',
          ])
        }
        const unreachable = error.failure === 'unreachable'
        await signInFailed(unreachable ? 'identity provider unavailable' : 'identity provider refused the code', 'failure')
        return showProblem(
          request,
          reply,
          unreachable ? 502 : 400,
          unreachable
            ? `${organisation.name}'s identity provider is not answering`
            : `${organisation.name}'s identity provider did not sign you in`,
          ['Go back to the sign-in page and start again. If it keeps happening, give the reference below to your administrator.'],
        )
      }

      const refuse = async (reason: OidcRefusal, userId?: string) => {
        await signInFailed(reason, 'denied', { userId })
        const [heading, ...paragraphs] = refusalMessage(reason, app.partnership.name, organisation.name)
        return showProblem(request, reply, 403, heading!, paragraphs)
      }
      const resolution = await resolveOidcAccount(db, organisation, identity, multiFactorAcrValues)
      if (resolution.status === 'refused') return refuse(resolution.reason, resolution.userId)
      if (resolution.bindOnFirstSignIn) {
        const bound = await bindOidcIdentity(
          db,
          clock,
          { userId: resolution.userId, organisationId: resolution.organisationId, identity },
          { requestId: request.id, ip: request.ip },
        )
        if (!bound) return refuse('no matching account', resolution.userId)
      }

      // A new session at every sign-in: a session id planted before sign-in is worth nothing after.
      if (request.session) await endSession(db, clock, request.session.id, 'signed in again')
      const { token } = await createSession(db, clock, resolution.userId, {
        ip: request.ip,
        userAgent: request.headers['user-agent'],
      })
      await markSignedIn(db, clock, resolution.userId)
      await audit(request, {
        action: 'sign-in',
        event: 'SIGN_IN',
        outcome: 'success',
        actorUserId: resolution.userId,
        actorOrganisationId: resolution.organisationId,
        details: { method: 'oidc' },
      })
      reply.setCookie(sessionCookieName(config), token, sessionCookieOptions(config))
      return reply.redirect('/home', 303)
    },
  })
}

/** The heading and paragraphs of the page for a refused sign-in. */
function refusalMessage(reason: OidcRefusal, partnershipName: string, organisationName: string): string[] {
  switch (reason) {
    case 'no matching account':
      return [
        `Your account has not been set up in ${partnershipName}`,
        `Your account has not been set up in ${partnershipName}. Ask your administrator.`,
        `They need to add you with the email address that ${organisationName}'s identity provider holds for you.`,
      ]
    case 'account disabled':
      return [
        'Your account has been disabled',
        `Your account in ${partnershipName} has been disabled. Ask your administrator if you need access again.`,
      ]
    case 'multi-factor required':
      return [
        'Your organisation requires multi-factor sign-in',
        `${organisationName} requires you to sign in with a second factor, such as an authenticator app or a security key.`,
        `Go back to the sign-in page and sign in again, completing the extra step ${organisationName}'s identity provider asks for. If it does not ask, tell your IT service desk.`,
      ]
  }
}
