import { randomBytes } from 'node:crypto'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Provider, type Account, type InteractionResult } from 'oidc-provider'

/**
 * A real OpenID Connect identity provider (oidc-provider) for tests, on http://127.0.0.1 and a
 * random port, with one client. Its login page is replaced by two form posts a test makes:
 * sign in as an account, or cancel.
 */
export interface TestAccount {
  sub: string
  email?: string
  email_verified?: boolean
  name?: string
  /** Authentication methods the provider reports in the ID token ('pwd', 'mfa', 'otp', ...). */
  amr?: string[]
  acr?: string
}

export interface TestIdentityProvider {
  issuer: string
  clientId: string
  clientSecret: string
  /** The accounts the provider knows, by subject: tests add and change them freely. */
  accounts: Map<string, TestAccount>
  /** Plays the browser from the app's redirect to the provider until the provider sends it back. */
  signIn(authorizationUrl: string, sub: string): Promise<URL>
  /** The user cancels at the provider: it answers error=access_denied. */
  cancel(authorizationUrl: string): Promise<URL>
  close(): Promise<void>
}

export async function startTestIdentityProvider(options: { redirectUri: string }): Promise<TestIdentityProvider> {
  const accounts = new Map<string, TestAccount>()
  const clientId = `upstream-${randomBytes(4).toString('hex')}`
  const clientSecret = randomBytes(24).toString('base64url')

  let handle: (request: IncomingMessage, response: ServerResponse) => void = (_request, response) => {
    response.statusCode = 503
    response.end()
  }
  const server = http.createServer((request, response) => handle(request, response))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    async findAccount(_context, sub): Promise<Account | undefined> {
      const account = accounts.get(sub)
      if (!account) return undefined
      return {
        accountId: sub,
        claims: () => ({ sub, email: account.email, email_verified: account.email_verified, name: account.name }),
      }
    },
    // amr and acr ride with the openid scope so that they are in every ID token, as in Entra ID or Okta.
    claims: { openid: ['sub', 'amr', 'acr'], email: ['email', 'email_verified'], profile: ['name'] },
    interactions: { url: (_context, interaction) => `/interaction/${interaction.uid}` },
    // First-party client: consent is given with the login, as an organisation's own directory does.
    async loadExistingGrant(context) {
      const { client, session, result, provider: self } = context.oidc
      if (!client || !session?.accountId) return undefined
      const grantId = result?.consent?.grantId ?? session.grantIdFor(client.clientId)
      if (grantId) return self.Grant.find(grantId)
      const grant = new self.Grant({ accountId: session.accountId, clientId: client.clientId })
      grant.addOIDCScope('openid email profile')
      await grant.save()
      return grant
    },
    features: { devInteractions: { enabled: false } },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
  })
  const providerCallback = provider.callback()

  async function finishInteraction(request: IncomingMessage, response: ServerResponse) {
    const match = /^\/interaction\/[^/]+\/(login|cancel)$/.exec(new URL(request.url ?? '/', issuer).pathname)
    if (request.method !== 'POST' || !match) {
      response.statusCode = 404
      return response.end()
    }
    const form = new URLSearchParams(await readBody(request))
    let result: InteractionResult
    if (match[1] === 'login') {
      const account = accounts.get(form.get('sub') ?? '')
      if (!account) {
        response.statusCode = 400
        return response.end('unknown account')
      }
      result = { login: { accountId: account.sub, amr: account.amr, acr: account.acr } }
    } else {
      result = { error: 'access_denied', error_description: 'The user cancelled the sign-in' }
    }
    await provider.interactionFinished(request, response, result, { mergeWithLastSubmission: false })
  }

  handle = (request, response) => {
    if (request.url?.startsWith('/interaction/')) {
      finishInteraction(request, response).catch((error: Error) => {
        response.statusCode = 500
        response.end(error.message)
      })
      return
    }
    providerCallback(request, response)
  }

  async function playBrowser(authorizationUrl: string, form: { action: 'login' | 'cancel'; sub?: string }) {
    const cookies = new Map<string, string>()
    const send = async (url: URL, body?: URLSearchParams) => {
      const response = await fetch(url, {
        method: body ? 'POST' : 'GET',
        redirect: 'manual',
        headers: {
          cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
          ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        body: body?.toString(),
      })
      for (const set of response.headers.getSetCookie()) {
        const [pair = ''] = set.split(';')
        const [name = '', value = ''] = pair.split('=')
        if (value) cookies.set(name.trim(), value)
        else cookies.delete(name.trim())
      }
      await response.arrayBuffer()
      const location = response.headers.get('location')
      if (!location) throw new Error(`the identity provider answered ${response.status} at ${url.pathname}, not a redirect`)
      return new URL(location, issuer)
    }
    const interaction = await send(new URL(authorizationUrl))
    const uid = /^\/interaction\/([^/]+)$/.exec(interaction.pathname)?.[1]
    if (!uid) throw new Error(`expected the provider's login page, was sent to ${interaction.href}`)
    const body = new URLSearchParams(form.sub ? { sub: form.sub } : {})
    let next = await send(new URL(`/interaction/${uid}/${form.action}`, issuer), body)
    for (let hops = 0; !next.href.startsWith(options.redirectUri); hops += 1) {
      if (hops > 5) throw new Error(`the provider never sent the browser back (last stop ${next.href})`)
      next = await send(next)
    }
    return next
  }

  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    signIn: (authorizationUrl, sub) => playBrowser(authorizationUrl, { action: 'login', sub }),
    cancel: (authorizationUrl) => playBrowser(authorizationUrl, { action: 'cancel' }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
