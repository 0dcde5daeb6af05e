/**
 * JSON schemas of the trigger rules API: Fastify serialises answers through them and
 * @fastify/swagger documents them. A rule's definition is the rule language of
 * docs/triggers/README.md, checked by validateRule rather than here, so that a refused rule
 * comes back with every problem named by its path.
 */

import { errorResponses, nullable } from '../../server/api-schemas.ts'

const errors = errorResponses(400, 401, 403, 404, 409)
const common = { tags: ['triggers'], security: [{ session: [] }] }
const keyParameter = {
  type: 'object',
  properties: { key: { type: 'string', description: 'The rule key, e.g. repeat-missing' } },
  required: ['key'],
}
const definition = {
  type: 'object',
  additionalProperties: true,
  description: 'A trigger rule in the rule language (docs/triggers/README.md)',
}

const version = {
  type: 'object',
  required: ['version', 'status', 'createdAt'],
  properties: {
    version: { type: 'integer' },
    status: { type: 'string', enum: ['draft', 'approved', 'retired'] },
    createdBy: nullable('string', { description: 'User id of the author; null for shipped rules' }),
    createdAt: { type: 'string', format: 'date-time' },
    approvedBy: nullable('string'),
    approvedAt: nullable('string', { format: 'date-time' }),
    retiredAt: nullable('string', { format: 'date-time' }),
  },
}

const summary = {
  type: 'object',
  required: ['key', 'title', 'live', 'draft', 'versions'],
  properties: {
    key: { type: 'string' },
    title: { type: 'string' },
    live: nullable('integer', { description: 'The approved version' }),
    draft: nullable('integer'),
    versions: { type: 'array', items: version },
  },
}

export const listRulesSchema = {
  ...common,
  summary: 'Every trigger rule with its versions',
  response: { 200: { type: 'object', properties: { rules: { type: 'array', items: summary } } }, ...errors },
}

export const getRuleSchema = {
  ...common,
  summary:
    'One trigger rule: its live definition, its draft (with the fingerprint approval needs) and versions',
  params: keyParameter,
  response: {
    200: {
      type: 'object',
      properties: {
        ...summary.properties,
        liveDefinition: { ...definition, type: ['object', 'null'] },
        draftDefinition: { ...definition, type: ['object', 'null'] },
        draftFingerprint: nullable('string', { description: 'Send it back to approve the draft as read' }),
      },
    },
    ...errors,
  },
}

export const saveDraftSchema = {
  ...common,
  summary: 'Save a draft of a rule (a new rule when the key is new); refused rules name every problem',
  params: keyParameter,
  body: definition,
  response: {
    201: {
      type: 'object',
      properties: { key: { type: 'string' }, version: { type: 'integer' }, fingerprint: { type: 'string' } },
    },
    ...errors,
  },
}

export const approveSchema = {
  ...common,
  summary: 'Approve the draft version read, putting it live (a supervisor who is not its author)',
  params: keyParameter,
  body: {
    type: 'object',
    required: ['version', 'fingerprint'],
    additionalProperties: false,
    properties: { version: { type: 'integer', minimum: 1 }, fingerprint: { type: 'string', maxLength: 64 } },
  },
  response: {
    200: { type: 'object', properties: { key: { type: 'string' }, version: { type: 'integer' } } },
    ...errors,
  },
}

const count = (extra: Record<string, unknown>) => ({
  type: 'object',
  properties: { people: { type: 'integer' }, ...extra },
})

export const dryRunSchema = {
  ...common,
  summary: 'How many people a version of a rule would have flagged over a period, by month and home LSOA',
  params: keyParameter,
  querystring: {
    type: 'object',
    required: ['version', 'from', 'to'],
    properties: {
      version: { type: 'string', description: 'The version number' },
      from: { type: 'string', description: 'YYYY-MM-DD' },
      to: { type: 'string', description: 'YYYY-MM-DD, at most 3653 days after from' },
    },
  },
  response: {
    200: {
      type: 'object',
      properties: {
        ruleKey: { type: 'string' },
        ruleVersion: { type: 'integer' },
        from: { type: 'string' },
        to: { type: 'string' },
        peopleRead: { type: 'integer' },
        peopleFlagged: { type: 'integer' },
        byMonth: { type: 'array', items: count({ month: { type: 'string' } }) },
        byArea: {
          type: 'array',
          items: count({ lsoaCode: nullable('string'), lsoaName: nullable('string') }),
        },
        byAreaAndMonth: {
          type: 'array',
          items: count({ month: { type: 'string' }, lsoaCode: nullable('string') }),
        },
        stopped: {
          type: ['object', 'null'],
          properties: { personId: { type: 'integer' }, message: { type: 'string' } },
        },
      },
    },
    ...errors,
  },
}
