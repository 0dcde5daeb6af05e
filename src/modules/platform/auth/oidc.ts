import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import * as client from 'openid-client'
import type { Clock } from '../../../clock.ts'
import type { Database } from '../../../db/schema.ts'
import { recordAudit } from '../audit/audit-log.ts'

/**
 * OpenID Connect sign-in for organisations with their own identity provider: the
 * authorization code flow with PKCE (S256), state and nonce. Users are keyed by
 * (issuer, subject); see docs/oidc.md for the binding rule.
 */

export const LOGIN_STATE_LIFETIME_MS = 10 * 60_000
const DISCOVERY_CACHE_MS = 60 * 60_000
const PROVIDER_TIMEOUT_SECONDS = 10
export const OIDC_SCOPE = 'openid email profile'

/** amr values (RFC 8176) that show a second factor was used. */
export const MULTI_FACTOR_AMR_VALUES: readonly string[] = ['mfa', 'otp', 'hwk']

/**
 * acr values accepted as multi-factor when a provider reports acr rather than amr: the PAPE
 * multi-factor policy and the phishing-resistant levels of OpenID EAP ACR Values 1.0.
 */
export const DEFAULT_MULTI_FACTOR_ACR_VALUES: readonly string[] = [
  'http://schemas.openid.net/pape/policies/2007/06/multi-factor',
  'phr',
  'phrh',
]

export interface OidcOrganisation {
  id: string
  name: string
  issuer: string
  clientId: string
  clientSecret: string | null
  requireMfa: boolean
}

/** The organisation, if it exists and has an identity provider configured. */
export async function findOidcOrganisation(db: Kysely<Database>, organisationId: string): Promise<OidcOrganisation | undefined> {
  const row = await db
    .selectFrom('organisation')
    .select(['id', 'name', 'oidc_issuer', 'oidc_client_id', 'oidc_client_secret', 'oidc_require_mfa'])
    .where('id', '=', organisationId)
    .executeTakeFirst()
  if (!row?.oidc_issuer || !row.oidc_client_id) return undefined
  return {
    id: row.id,
    name: row.name,
    issuer: row.oidc_issuer,
    clientId: row.oidc_client_id,
    clientSecret: row.oidc_client_secret,
    requireMfa: row.oidc_require_mfa,
  }
}

export class IdentityProviderUnavailableError extends Error {
  override name = 'IdentityProviderUnavailableError'
}

/** Plain http is allowed only to a provider on this machine, and never in production. */
export function mayUseInsecureIssuer(issuer: URL, production: boolean): boolean {
  return !production && issuer.protocol === 'http:' && (issuer.hostname === '127.0.0.1' || issuer.hostname === 'localhost')
}

export interface IssuerDirectory {
  /** The discovered configuration for this organisation's provider and client, cached in memory. */
  configurationFor(organisation: OidcOrganisation): Promise<client.Configuration>
}

export function createIssuerDirectory(options: { production: boolean; clock: Clock }): IssuerDirectory {
  const cache = new Map<string, { configuration: Promise<client.Configuration>; expiresAt: number }>()
  return {
    configurationFor(organisation) {
      // The client id and a digest of the secret are part of the key, so an edited client is rediscovered.
      const key = [organisation.issuer, organisation.clientId, sha256(organisation.clientSecret ?? '')].join('\n')
      const now = options.clock.now().getTime()
      const cached = cache.get(key)
      if (cached && cached.expiresAt > now) return cached.configuration
      const configuration = discover(organisation, options.production)
      cache.set(key, { configuration, expiresAt: now + DISCOVERY_CACHE_MS })
      configuration.catch(() => cache.delete(key))
      return configuration
    },
  }
}

async function discover(organisation: OidcOrganisation, production: boolean): Promise<client.Configuration> {
  let issuer: URL
  try {
    issuer = new URL(organisation.issuer)
  } catch {
    throw new IdentityProviderUnavailableError(`the issuer '${organisation.issuer}' is not a web address`)
  }
  const insecure = mayUseInsecureIssuer(issuer, production)
  if (issuer.protocol !== 'https:' && !insecure) {
    throw new IdentityProviderUnavailableError(`the issuer ${issuer.origin} does not use https`)
  }
  const secret = organisation.clientSecret ?? undefined
  const execute = insecure ? [client.allowInsecureRequests] : []
  let discovered: client.Configuration
  try {
    discovered = await client.discovery(issuer, organisation.clientId, secret, secret ? undefined : client.None(), {
      execute,
      timeout: PROVIDER_TIMEOUT_SECONDS,
    })
  } catch (error) {
    throw new IdentityProviderUnavailableError(`discovery at ${issuer.origin} failed: ${(error as Error).message}`)
  }
  // client_secret_basic is the OpenID Connect default and what every provider must accept;
  // fall back to client_secret_post only for a provider that says it takes nothing else.
  const methods = discovered.serverMetadata().token_endpoint_auth_methods_supported
  const basic = !methods || methods.includes('client_secret_basic')
  const configuration = secret
    ? new client.Configuration(
        discovered.serverMetadata(),
        organisation.clientId,
        secret,
        basic ? client.ClientSecretBasic(secret) : client.ClientSecretPost(secret),
      )
    : discovered
  if (insecure) client.allowInsecureRequests(configuration)
  configuration.timeout = PROVIDER_TIMEOUT_SECONDS
  return configuration
}

export interface LoginState {
  organisationId: string
  issuer: string
  nonce: string
  codeVerifier: string
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

/** Records a new sign-in attempt and returns where to send the browser. */
export async function startOidcSignIn(
  db: Kysely<Database>,
  clock: Clock,
  configuration: client.Configuration,
  organisation: OidcOrganisation,
  redirectUri: string,
): Promise<{ authorizationUrl: URL; state: string }> {
  const now = clock.now()
  await db.deleteFrom('oidc_login_state').where('expires_at', '<=', now).execute()
  const codeVerifier = client.randomPKCECodeVerifier()
  const state = client.randomState()
  const nonce = client.randomNonce()
  await db
    .insertInto('oidc_login_state')
    .values({
      state_hash: sha256(state),
      organisation_id: organisation.id,
      issuer: configuration.serverMetadata().issuer,
      nonce,
      code_verifier: codeVerifier,
      created_at: now,
      expires_at: new Date(now.getTime() + LOGIN_STATE_LIFETIME_MS),
    })
    .execute()
  const authorizationUrl = client.buildAuthorizationUrl(configuration, {
    redirect_uri: redirectUri,
    scope: OIDC_SCOPE,
    response_type: 'code',
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  })
  return { authorizationUrl, state }
}

export type LoginStateCheck = { status: 'valid'; loginState: LoginState } | { status: 'unknown' | 'expired' }

/** Takes the attempt for this state: it is deleted as it is read, so a state works once. */
export async function takeLoginState(db: Kysely<Database>, clock: Clock, state: string): Promise<LoginStateCheck> {
  const row = await db
    .deleteFrom('oidc_login_state')
    .where('state_hash', '=', sha256(state))
    .returningAll()
    .executeTakeFirst()
  if (!row) return { status: 'unknown' }
  if (row.expires_at <= clock.now()) return { status: 'expired' }
  return {
    status: 'valid',
    loginState: { organisationId: row.organisation_id, issuer: row.issuer, nonce: row.nonce, codeVerifier: row.code_verifier },
  }
}

/** What the identity provider says about the person, after every check has passed. */
export interface OidcIdentity {
  issuer: string
  subject: string
  email: string | null
  emailVerified: boolean
  amr: string[]
  acr: string | null
}

/**
 * Why an exchange failed: the provider could not be reached or answered nonsense
 * ('unreachable'), refused the code ('rejected'), or sent a response that failed a check
 * such as the nonce or the ID token signature ('invalid-response', a security event).
 */
export type OidcExchangeFailure = 'unreachable' | 'rejected' | 'invalid-response'

export class OidcExchangeError extends Error {
  override name = 'OidcExchangeError'
  constructor(
    readonly failure: OidcExchangeFailure,
    message: string,
  ) {
    super(message)
  }
}

function exchangeFailure(error: unknown): OidcExchangeError {
  const message = error instanceof Error ? error.message : String(error)
  if (error instanceof client.ResponseBodyError || error instanceof client.AuthorizationResponseError) {
    return new OidcExchangeError('rejected', `${error.error}: ${error.error_description ?? message}`)
  }
  if (error instanceof client.WWWAuthenticateChallengeError) {
    return new OidcExchangeError('rejected', `the provider challenged the client: ${message}`)
  }
  if (error instanceof client.ClientError) {
    const unreachable = error.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || error.code === 'OAUTH_RESPONSE_IS_NOT_JSON'
    return new OidcExchangeError(unreachable ? 'unreachable' : 'invalid-response', `${error.code ?? 'client error'}: ${message}`)
  }
  return new OidcExchangeError('unreachable', message)
}

/** Exchanges the code (checking state, PKCE, the ID token and its nonce) and reads the claims. */
export async function exchangeAuthorizationCode(
  configuration: client.Configuration,
  callbackUrl: URL,
  state: string,
  loginState: LoginState,
): Promise<OidcIdentity> {
  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>
  try {
    tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: loginState.codeVerifier,
      expectedState: state,
      expectedNonce: loginState.nonce,
      idTokenExpected: true,
    })
  } catch (error) {
    throw exchangeFailure(error)
  }
  const claims = tokens.claims()
  if (!claims) throw new OidcExchangeError('invalid-response', 'the provider sent no ID token')
  let email = claims.email
  let emailVerified = claims.email_verified
  // Many providers put email in the ID token; others (oidc-provider, by default) only in userinfo.
  if (email === undefined && tokens.access_token && configuration.serverMetadata().userinfo_endpoint) {
    try {
      const userInfo = await client.fetchUserInfo(configuration, tokens.access_token, claims.sub)
      email = userInfo.email
      emailVerified = userInfo.email_verified
    } catch (error) {
      throw exchangeFailure(error)
    }
  }
  return {
    issuer: claims.iss,
    subject: claims.sub,
    email: typeof email === 'string' && email ? email : null,
    emailVerified: emailVerified === true,
    amr: Array.isArray(claims.amr) ? claims.amr.filter((value): value is string => typeof value === 'string') : [],
    acr: typeof claims.acr === 'string' ? claims.acr : null,
  }
}

export function meetsMultiFactorPolicy(identity: OidcIdentity, multiFactorAcrValues: readonly string[]): boolean {
  return (
    identity.amr.some((method) => MULTI_FACTOR_AMR_VALUES.includes(method)) ||
    (identity.acr !== null && multiFactorAcrValues.includes(identity.acr))
  )
}

export type OidcRefusal = 'no matching account' | 'account disabled' | 'multi-factor required'

export type OidcAccountResolution =
  | { status: 'accepted'; userId: string; organisationId: string; bindOnFirstSignIn: boolean }
  | { status: 'refused'; reason: OidcRefusal; userId?: string }

/**
 * Finds the user an identity signs in as. An identity provider signs in only users of the
 * organisation that configured it: first by (issuer, subject); failing that, once, by a
 * verified email of a user of that organisation who has no identity bound yet.
 */
export async function resolveOidcAccount(
  db: Kysely<Database>,
  organisation: OidcOrganisation,
  identity: OidcIdentity,
  multiFactorAcrValues: readonly string[],
): Promise<OidcAccountResolution> {
  const bound = await db
    .selectFrom('app_user')
    .select(['id', 'organisation_id', 'disabled'])
    .where('oidc_issuer', '=', identity.issuer)
    .where('oidc_subject', '=', identity.subject)
    .executeTakeFirst()
  let user = bound
  if (bound && bound.organisation_id !== organisation.id) return { status: 'refused', reason: 'no matching account' }
  if (!bound && identity.email && identity.emailVerified) {
    user = await db
      .selectFrom('app_user')
      .select(['id', 'organisation_id', 'disabled'])
      .where('organisation_id', '=', organisation.id)
      .where((eb) => eb(eb.fn('lower', ['email']), '=', identity.email!.toLowerCase()))
      .where('oidc_subject', 'is', null)
      .executeTakeFirst()
  }
  if (!user) return { status: 'refused', reason: 'no matching account' }
  if (user.disabled) return { status: 'refused', reason: 'account disabled', userId: user.id }
  if (organisation.requireMfa && !meetsMultiFactorPolicy(identity, multiFactorAcrValues)) {
    return { status: 'refused', reason: 'multi-factor required', userId: user.id }
  }
  return { status: 'accepted', userId: user.id, organisationId: user.organisation_id, bindOnFirstSignIn: !bound }
}

/**
 * Binds an identity to a user at their first sign-in, with its audit entry. False when the
 * user was bound meanwhile or the identity already belongs to someone else.
 */
export async function bindOidcIdentity(
  db: Kysely<Database>,
  clock: Clock,
  binding: { userId: string; organisationId: string; identity: OidcIdentity },
  request: { requestId: string; ip: string },
): Promise<boolean> {
  try {
    return await db.transaction().execute(async (trx) => {
      const now = clock.now()
      const result = await trx
        .updateTable('app_user')
        .set((eb) => ({
          oidc_issuer: binding.identity.issuer,
          oidc_subject: binding.identity.subject,
          updated_at: now,
          version: eb('version', '+', 1),
        }))
        .where('id', '=', binding.userId)
        .where('oidc_subject', 'is', null)
        .executeTakeFirst()
      if (Number(result.numUpdatedRows) !== 1) return false
      await recordAudit(trx, {
        action: 'alter',
        event: 'BIND_OIDC_IDENTITY',
        actorUserId: binding.userId,
        actorOrganisationId: binding.organisationId,
        recordType: 'app_user',
        recordIds: [binding.userId],
        details: { issuer: binding.identity.issuer, fields: ['oidc_issuer', 'oidc_subject'] },
        requestId: request.requestId,
        ip: request.ip,
        occurredAt: now,
      })
      return true
    })
  } catch (error) {
    if ((error as { code?: string }).code === '23505') return false
    throw error
  }
}

export async function markSignedIn(db: Kysely<Database>, clock: Clock, userId: string): Promise<void> {
  await db.updateTable('app_user').set({ last_sign_in_at: clock.now() }).where('id', '=', userId).execute()
}
