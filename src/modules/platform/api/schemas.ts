/** JSON schemas of the API: Fastify validates with them and @fastify/swagger documents them. */

import { errorResponse, errorResponses } from '../../../server/api-schemas.ts'

const errors = errorResponses(400, 401, 403)

const me = {
  type: 'object',
  required: ['id', 'email', 'name', 'role', 'organisation', 'teams', 'permissions', 'version'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    email: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
    organisation: {
      type: 'object',
      required: ['id', 'name', 'kind'],
      properties: {
        id: { type: 'string', format: 'uuid' },
        name: { type: 'string' },
        kind: { type: 'string' },
      },
    },
    teams: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name'],
        properties: { id: { type: 'string' }, name: { type: 'string' } },
      },
    },
    permissions: { type: 'array', items: { type: 'string' } },
    version: {
      type: 'integer',
      description: 'Send it back (If-Match or version) when you change the account',
    },
  },
} as const

const common = { tags: ['api'], security: [{ session: [] }] }

export const getMeSchema = {
  ...common,
  summary: 'The signed-in user: account, organisation, teams and permissions',
  response: { 200: me, ...errors },
}

export const patchMeSchema = {
  ...common,
  summary: 'Change your own display name',
  description:
    'Needs the X-CSRF-Token header and the version you read, as If-Match or in the body; 409 if it changed since.',
  headers: {
    type: 'object',
    properties: { 'if-match': { type: 'string', description: 'The version from GET /api/v1/me, e.g. "3"' } },
  },
  body: {
    type: 'object',
    required: ['displayName'],
    additionalProperties: false,
    properties: {
      displayName: { type: 'string', maxLength: 200 },
      version: { type: 'integer', minimum: 1, maximum: 2_147_483_647 },
    },
  },
  response: { 200: me, ...errors, 409: errorResponse },
}

export const listOrganisationsSchema = {
  ...common,
  summary: 'Every organisation in the partnership',
  response: {
    200: {
      type: 'object',
      required: ['organisations'],
      properties: {
        organisations: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', 'name', 'kind', 'signsInWithOpenIdConnect', 'version'],
            properties: {
              id: { type: 'string', format: 'uuid' },
              name: { type: 'string' },
              kind: { type: 'string' },
              signsInWithOpenIdConnect: { type: 'boolean' },
              version: { type: 'integer' },
            },
          },
        },
      },
    },
    ...errors,
  },
}

export const listRolesSchema = {
  ...common,
  summary: 'The roles and the permissions each one grants',
  response: {
    200: {
      type: 'object',
      required: ['roles'],
      properties: {
        roles: {
          type: 'array',
          items: {
            type: 'object',
            required: ['role', 'label', 'description', 'permissions'],
            properties: {
              role: { type: 'string' },
              label: { type: 'string' },
              description: { type: 'string' },
              permissions: { type: 'array', items: { type: 'string' } },
            },
          },
        },
      },
    },
    ...errors,
  },
}
