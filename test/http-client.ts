import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import type { Kysely } from 'kysely'
import type { Clock } from '../src/clock.ts'
import type { Database } from '../src/db/schema.ts'
import { createSession } from '../src/modules/platform/auth/sessions.ts'

/**
 * A small browser for in-process tests: keeps cookies between requests, finds the CSRF
 * token on the last page, and sends it with forms.
 */
export class TestClient {
  readonly cookies = new Map<string, string>()
  csrfToken = ''
  constructor(readonly app: FastifyInstance) {}

  async request(options: InjectOptions): Promise<LightMyRequestResponse> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    const response = await this.app.inject({
      ...options,
      headers: { accept: 'text/html', ...(cookie ? { cookie } : {}), ...(options.headers ?? {}) },
    })
    for (const set of response.cookies) {
      if (!set.value || (set.expires && set.expires.getTime() <= Date.now())) this.cookies.delete(set.name)
      else this.cookies.set(set.name, set.value)
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)
    if (token) this.csrfToken = token[1]!
    return response
  }

  get(url: string, headers: Record<string, string> = {}) {
    return this.request({ method: 'GET', url, headers })
  }

  /** Posts a form with the CSRF token from the last page (unless the form gives its own _csrf). */
  postForm(url: string, form: Record<string, string | string[]>, options: { withCsrf?: boolean } = {}) {
    const body = new URLSearchParams()
    if (options.withCsrf !== false && !('_csrf' in form)) body.append('_csrf', this.csrfToken)
    for (const [key, value] of Object.entries(form)) for (const v of [value].flat()) body.append(key, v)
    return this.request({
      method: 'POST',
      url,
      payload: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
  }

  /** Signs in through the real sign-in form. */
  async signIn(email: string, password: string): Promise<LightMyRequestResponse> {
    await this.get('/sign-in')
    return this.postForm('/sign-in', { email, password })
  }
}

/** A client already holding a session for this user, made directly (for tests not about sign-in). */
export async function clientSignedInAs(
  app: FastifyInstance,
  db: Kysely<Database>,
  clock: Clock,
  userId: string,
): Promise<TestClient> {
  const client = new TestClient(app)
  const { token, session } = await createSession(db, clock, userId)
  client.cookies.set('upstream-session', token)
  client.csrfToken = session.csrfToken
  return client
}
