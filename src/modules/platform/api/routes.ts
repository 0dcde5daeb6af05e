import type { FastifyInstance, FastifyRequest } from 'fastify'
import { invalid, staleVersion } from '../../../errors.ts'
import { defineRoutes } from '../../../server/define-route.ts'
import { sendProblem } from '../../../server/request-context.ts'
import { permissionsOf, ROLE_DESCRIPTIONS, ROLE_LABELS, ROLES } from '../roles.ts'
import { accountVersion, listOrganisations, renameAccount, teamsOf } from './queries.ts'
import { getMeSchema, listOrganisationsSchema, listRolesSchema, patchMeSchema } from './schemas.ts'

export const API_PREFIX = '/api/v1'

/** The JSON API, under /api/v1, described by the OpenAPI document at /api/openapi.json. */
export function registerApiRoutes(app: FastifyInstance): void {
  const route = defineRoutes(app)
  const { db, clock, config } = app.deps

  async function describeMe(request: FastifyRequest) {
    const user = request.user!
    const [version, teams] = await Promise.all([accountVersion(db, user.id), teamsOf(db, user.teamIds)])
    return {
      id: user.id,
      email: user.email,
      name: user.displayName,
      role: user.role,
      organisation: { id: user.organisationId, name: user.organisationName, kind: user.organisationKind },
      teams,
      permissions: [...permissionsOf(user.role)],
      version,
    }
  }

  route.get(`${API_PREFIX}/me`, {
    permission: 'api:read-self',
    dataClass: 'account',
    schema: getMeSchema,
    handler: async (request, reply) => {
      const me = await describeMe(request)
      reply.header('etag', `"${me.version}"`)
      return me
    },
  })

  route.patch(`${API_PREFIX}/me`, {
    permission: 'signed-in',
    dataClass: 'account',
    audit: 'alter',
    schema: patchMeSchema,
    handler: async (request, reply) => {
      const user = request.user!
      const body = request.body as { displayName: string; version?: number }
      const displayName = body.displayName.trim()
      if (!displayName) throw invalid({ displayName: 'Enter your name' })
      if (/\p{Cc}/u.test(displayName)) throw invalid({ displayName: 'Your name must not contain control characters' })
      const ifMatch = request.headers['if-match']
      const expectedVersion = ifMatch === undefined ? body.version : versionFromIfMatch(ifMatch)
      if (expectedVersion === undefined) {
        throw invalid({ version: 'Send the version you read, in an If-Match header or as version in the body' })
      }
      const newVersion = await renameAccount(
        db,
        { userId: user.id, displayName, expectedVersion, now: clock.now() },
        {
          occurredAt: clock.now(),
          actorUserId: user.id,
          actorOrganisationId: user.organisationId,
          requestId: request.id,
          ip: request.ip,
        },
      )
      if (newVersion === undefined) throw staleVersion('Your account')
      request.user = { ...user, displayName }
      reply.header('etag', `"${newVersion}"`)
      return describeMe(request)
    },
  })

  route.get(`${API_PREFIX}/organisations`, {
    permission: 'admin:organisations',
    dataClass: 'organisation',
    schema: listOrganisationsSchema,
    handler: async () => ({ organisations: await listOrganisations(db) }),
  })

  route.get(`${API_PREFIX}/roles`, {
    permission: 'admin:roles',
    schema: listRolesSchema,
    handler: () => ({
      roles: ROLES.map((role) => ({
        role,
        label: ROLE_LABELS[role],
        description: ROLE_DESCRIPTIONS[role],
        permissions: [...permissionsOf(role)],
      })),
    }),
  })

  route.get('/api/openapi.json', {
    permission: 'public',
    schema: { hide: true } as object,
    handler: (request, reply) => {
      if (!config.exposeApiDocs) {
        return sendProblem(request, reply, 404, 'not_found', 'Not found', [
          'The API description is not published here. An operator can set UPSTREAM_EXPOSE_API_DOCS=true.',
        ])
      }
      return apiDocument(app)
    },
  })
}

/** The OpenAPI document, limited to the versioned API (pages and health are not part of it). */
export function apiDocument(app: FastifyInstance): Record<string, unknown> {
  const document = app.swagger() as { paths?: Record<string, unknown> } & Record<string, unknown>
  const paths = Object.fromEntries(
    Object.entries(document.paths ?? {}).filter(([path]) => path === API_PREFIX || path.startsWith(`${API_PREFIX}/`)),
  )
  return { ...document, paths }
}

/** Accepts If-Match as "3", W/"3" or 3, the forms of the ETag that GET /api/v1/me sends. */
function versionFromIfMatch(header: string): number {
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header)
  if (!match) throw invalid({ version: 'If-Match must be the version you read, such as "3"' })
  return Number(match[1])
}
