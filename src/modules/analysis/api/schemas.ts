/**
 * JSON schemas of the analysis API, for Fastify and the OpenAPI document. A run's options are
 * declared per method in GET /analysis/methods (optionsSchema) and checked by parseMethodOptions,
 * which names each bad option, so the request body takes options as a plain object here.
 */

import { errorResponse, errorResponses, nullable } from '../../../server/api-schemas.ts'

const errors = errorResponses(400, 401, 403, 404)
const common = { tags: ['analysis'], security: [{ session: [] }] }
const anyObject = { type: 'object', additionalProperties: true } as const

const method = {
  type: 'object',
  required: ['name', 'title', 'description', 'options', 'optionsSchema'],
  properties: {
    name: { type: 'string' },
    title: { type: 'string' },
    description: { type: 'string' },
    options: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'flag', 'description', 'type'],
        properties: {
          key: { type: 'string' },
          flag: { type: 'string' },
          description: { type: 'string' },
          type: { type: 'string', enum: ['integer', 'number', 'number-list', 'string', 'enum', 'boolean'] },
          choices: { type: 'array', items: { type: 'string' } },
          minimum: { type: 'number' },
          maximum: { type: 'number' },
          default: {},
          required: { type: 'boolean' },
        },
      },
    },
    optionsSchema: { ...anyObject, description: "The JSON schema of this method's options" },
  },
} as const

export const analysisRun = {
  type: 'object',
  required: ['id', 'method', 'parameters', 'input', 'dataVersion', 'status', 'progress', 'createdAt'],
  properties: {
    id: { type: 'integer' },
    method: { type: 'string' },
    parameters: anyObject,
    filter: {
      type: ['object', 'null'],
      additionalProperties: true,
      description: 'The incident filter, with the kinds the user could see',
    },
    input: { type: 'string', description: "'database', or the name of the file read" },
    inputDetail: {
      ...anyObject,
      description: 'What was read: the import runs, points, and incidents without a location',
    },
    dataVersion: { type: 'string', description: 'A digest of the data read: equal versions, equal input' },
    status: { type: 'string', enum: ['queued', 'running', 'completed', 'failed', 'cancelled'] },
    progress: { type: 'number', minimum: 0, maximum: 1 },
    stage: nullable('string'),
    result: { description: "The method's result, once completed (see docs/analysis/<method>.md)" },
    error: nullable('string'),
    startedBy: nullable('string'),
    createdAt: { type: 'string', format: 'date-time' },
    startedAt: nullable('string', { format: 'date-time' }),
    finishedAt: nullable('string', { format: 'date-time' }),
    durationMs: nullable('integer'),
    reused: {
      type: 'boolean',
      description: 'True when an earlier run with the same method, parameters, filter and data was returned',
    },
  },
} as const

const idParameter = {
  type: 'object',
  properties: { id: { type: 'string', description: 'The run id' } },
} as const

export const listMethodsSchema = {
  ...common,
  summary: 'The analysis methods, with their options',
  response: {
    200: { type: 'object', required: ['methods'], properties: { methods: { type: 'array', items: method } } },
    ...errors,
  },
}

const text = (description: string) => ({ type: 'string', description })

export const startRunSchema = {
  ...common,
  summary: 'Run an analysis over the incidents you may see, or get the earlier run of the same request',
  body: {
    type: 'object',
    required: ['method'],
    properties: {
      method: { type: 'string', description: 'A method name from GET /api/v1/analysis/methods' },
      options: {
        ...anyObject,
        description: "The method's options, as its optionsSchema says; defaults fill the rest",
      },
      filter: {
        type: 'object',
        additionalProperties: false,
        properties: {
          kind: text('One incident kind, such as crime'),
          category: text('A category code, such as burglary'),
          from: text('First month, YYYY-MM, inclusive'),
          to: text('Last month, YYYY-MM, inclusive'),
          area: text('An area id from GET /api/v1/areas'),
          source: text('A data source kind, such as police-uk-street'),
        },
      },
      areaLevel: text(
        "The level of the areas the incidents are grouped by: lsoa (the default), neighbourhood, ward, local-authority, local-policing-area or force. A method's 'lsoa' option values (historical names) then mean these areas",
      ),
    },
  },
  response: { 200: analysisRun, 201: analysisRun, ...errors },
}

export const getRunSchema = {
  ...common,
  summary: 'An analysis run: its status, progress and, once completed, its result',
  params: idParameter,
  response: { 200: analysisRun, ...errors },
}

export const cancelRunSchema = {
  ...common,
  summary: 'Cancel a queued or running analysis run',
  params: idParameter,
  response: { 200: analysisRun, 409: errorResponse, ...errors },
}
