/** JSON schemas of the data hub's API: Fastify validates responses with them and @fastify/swagger documents them. */

import { errorResponse, errorResponses, nullable } from '../../../server/api-schemas.ts'

const errors = errorResponses(400, 401, 403)
const common = { tags: ['data'], security: [{ session: [] }] }

/**
 * Query parameters are declared as plain strings so they appear in the document; the handlers
 * check them (parseIncidentFilter) and answer 400 naming the field, the same checks as the pages.
 */
const text = (description: string) => ({ type: 'string', description })

const incidentFilterParameters = {
  kind: text(
    'One incident kind: crime, anti-social-behaviour, stop-and-search, call-for-service, ae-assault, missing-episode',
  ),
  category: text('A category code, such as burglary'),
  from: text('First month, YYYY-MM, inclusive'),
  to: text('Last month, YYYY-MM, inclusive'),
  area: text('An area id from GET /api/v1/areas; matches incidents in that area and every area below it'),
  source: text('A data source kind, such as police-uk-street'),
}

const importRun = {
  type: 'object',
  required: ['id', 'source', 'fileName', 'fileSize', 'fileSha256', 'status', 'startedAt', 'rows'],
  properties: {
    id: { type: 'integer' },
    source: { type: 'string' },
    fileName: { type: 'string' },
    fileSize: { type: 'integer' },
    fileSha256: { type: 'string' },
    strict: { type: 'boolean' },
    status: { type: 'string', enum: ['running', 'completed', 'interrupted', 'failed', 'rejected'] },
    message: nullable('string'),
    startedAt: { type: 'string', format: 'date-time' },
    finishedAt: nullable('string', { format: 'date-time' }),
    durationMs: nullable('integer'),
    importedBy: {
      type: ['object', 'null'],
      properties: { id: { type: 'string' }, name: { type: 'string' }, email: { type: 'string' } },
    },
    rows: {
      type: 'object',
      required: ['read', 'inserted', 'updated', 'rejected'],
      properties: {
        read: { type: 'integer' },
        inserted: { type: 'integer' },
        updated: { type: 'integer' },
        rejected: { type: 'integer' },
      },
    },
  },
} as const

const incident = {
  type: 'object',
  required: ['id', 'kind', 'source', 'importRunId', 'month', 'category'],
  properties: {
    id: { type: 'integer' },
    kind: { type: 'string' },
    source: { type: 'string' },
    importRunId: { type: 'integer' },
    sourceReference: nullable('string'),
    crimeId: nullable('string'),
    month: { type: 'string', description: 'YYYY-MM' },
    occurredAt: nullable('string', { format: 'date-time' }),
    category: {
      type: 'object',
      required: ['code', 'label'],
      properties: { code: { type: 'string' }, label: { type: 'string' } },
    },
    lastOutcome: {
      type: ['object', 'null'],
      properties: { code: nullable('string'), label: { type: 'string' } },
    },
    reportedBy: nullable('string'),
    fallsWithin: nullable('string'),
    longitude: nullable('number'),
    latitude: nullable('number'),
    locationText: nullable('string'),
    lsoa: {
      type: ['object', 'null'],
      properties: { code: { type: 'string' }, name: nullable('string') },
    },
    h3: {
      type: 'object',
      properties: { res7: nullable('string'), res8: nullable('string'), res9: nullable('string') },
    },
    harmWeight: { type: 'number' },
    context: nullable('string'),
  },
} as const

const nextLink = nullable('string', { description: 'The URL of the next page, or null on the last page' })

export const listSourcesSchema = {
  ...common,
  summary: 'Data sources with their incident counts and latest import',
  response: {
    200: {
      type: 'object',
      required: ['sources'],
      properties: {
        sources: {
          type: 'array',
          items: {
            type: 'object',
            required: ['kind', 'name', 'incidentCount', 'runCount', 'latestRun'],
            properties: {
              kind: { type: 'string' },
              name: { type: 'string' },
              incidentCount: { type: 'integer' },
              runCount: { type: 'integer' },
              latestRun: { anyOf: [importRun, { type: 'null' }] },
            },
          },
        },
      },
    },
    ...errors,
  },
}

export const listImportRunsSchema = {
  ...common,
  summary: 'Import runs, newest first',
  querystring: {
    type: 'object',
    properties: {
      source: text('A data source kind'),
      status: text('running, completed, interrupted, failed or rejected'),
      limit: text('Runs per page, 1 to 500 (default 50)'),
      before: text('Continue below this run id (from the next link)'),
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['runs', 'next'],
      properties: { runs: { type: 'array', items: importRun }, next: nextLink },
    },
    ...errors,
  },
}

const runIdParameter = {
  type: 'object',
  properties: { id: { type: 'string', description: 'The import run id' } },
}

export const getImportRunSchema = {
  ...common,
  summary: 'One import run',
  params: runIdParameter,
  response: { 200: importRun, ...errors, 404: errorResponse },
}

export const listRejectionsSchema = {
  ...common,
  summary: "An import run's rejected rows, in file order",
  params: runIdParameter,
  querystring: {
    type: 'object',
    properties: {
      limit: text('Rejections per page, 1 to 1000 (default 100)'),
      after: text('Continue after this cursor (from the next link)'),
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['rejections', 'total', 'next'],
      properties: {
        total: { type: 'integer' },
        rejections: {
          type: 'array',
          items: {
            type: 'object',
            required: ['rowNumber', 'column', 'valueExcerpt', 'reason'],
            properties: {
              rowNumber: { type: 'integer' },
              column: nullable('string'),
              valueExcerpt: nullable('string'),
              reason: { type: 'string' },
            },
          },
        },
        next: nextLink,
      },
    },
    ...errors,
    404: errorResponse,
  },
}

export const listIncidentsSchema = {
  ...common,
  summary: 'Incidents matching the filters, by month',
  querystring: {
    type: 'object',
    properties: {
      ...incidentFilterParameters,
      sort: text('month-desc (default) or month-asc'),
      limit: text('Incidents per page, 1 to 1000 (default 100)'),
      after: text('Continue after this cursor (from the next link)'),
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['incidents', 'next'],
      properties: { incidents: { type: 'array', items: incident }, next: nextLink },
    },
    ...errors,
  },
}

export const incidentH3Schema = {
  ...common,
  summary: 'Counts of the matching incidents by H3 cell',
  description:
    'One entry per H3 cell holding at least one matching incident, most incidents first. Incidents without a location are counted in withoutLocation.',
  querystring: {
    type: 'object',
    properties: { resolution: text('H3 resolution: 7, 8 (default) or 9'), ...incidentFilterParameters },
  },
  response: {
    200: {
      type: 'object',
      required: ['resolution', 'total', 'withoutLocation', 'cells'],
      properties: {
        resolution: { type: 'integer', enum: [7, 8, 9] },
        total: { type: 'integer', description: 'Every matching incident, with a location or not' },
        withoutLocation: { type: 'integer' },
        cells: {
          type: 'array',
          items: {
            type: 'object',
            required: ['cell', 'count'],
            properties: {
              cell: { type: 'string', description: 'H3 index, hexadecimal' },
              count: { type: 'integer' },
            },
          },
        },
      },
    },
    ...errors,
  },
}

export const listAreasSchema = {
  ...common,
  summary: 'The areas incidents can be filtered by, broadest level first',
  response: {
    200: {
      type: 'object',
      required: ['areas'],
      properties: {
        areas: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', 'level', 'code', 'name'],
            properties: {
              id: { type: 'integer' },
              level: { type: 'string' },
              code: { type: 'string' },
              name: { type: 'string' },
            },
          },
        },
      },
    },
    ...errors,
  },
}
