import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { defineRoutes } from '../../../server/define-route.ts'
import { sendProblem } from '../../../server/request-context.ts'
import { viewerKinds } from '../queries/visible-kinds.ts'
import { API_PREFIX } from '../../platform/api/routes.ts'
import {
  countIncidents,
  filterQuery,
  parseIncidentFilter,
  parseIncidentSort,
  type IncidentFilter,
} from '../queries/incident-filter.ts'
import {
  countIncidentsByH3,
  decodeIncidentCursor,
  encodeIncidentCursor,
  findIncidents,
  H3_RESOLUTIONS,
  type H3Resolution,
} from '../queries/incidents.ts'
import { rowId, urlWithQuery, wholeNumberParameter, parseRunFilter } from '../queries/query-parameters.ts'
import {
  countRejections,
  decodeRejectionCursor,
  encodeRejectionCursor,
  findImportRun,
  listAreas,
  listDataSources,
  listImportRuns,
  listRejections,
} from '../queries/sources-and-runs.ts'
import { incidentJson, runJson } from './json.ts'
import {
  getImportRunSchema,
  incidentH3Schema,
  listAreasSchema,
  listImportRunsSchema,
  listIncidentsSchema,
  listRejectionsSchema,
  listSourcesSchema,
} from './schemas.ts'

/** The data hub's JSON API: sources, import runs and their rejections, incidents and their H3 counts. */
export function registerDataApiRoutes(app: FastifyInstance): void {
  const route = defineRoutes(app)
  const { db, clock } = app.deps

  const badRequest = (
    request: FastifyRequest,
    reply: FastifyReply,
    fields: Record<string, string | undefined>,
  ) => {
    const named = Object.fromEntries(
      Object.entries(fields).filter((entry): entry is [string, string] => !!entry[1]),
    )
    return sendProblem(
      request,
      reply,
      400,
      'invalid',
      'The query parameters are not valid',
      Object.values(named),
      named,
    )
  }

  route.get(`${API_PREFIX}/sources`, {
    permission: 'data:read',
    dataClass: 'imports',
    schema: listSourcesSchema,
    handler: async () => {
      const sources = await listDataSources(db)
      return {
        sources: sources.map((source) => ({
          ...source,
          latestRun: source.latestRun && runJson(source.latestRun),
        })),
      }
    },
  })

  route.get(`${API_PREFIX}/areas`, {
    permission: 'data:read',
    dataClass: 'none',
    schema: listAreasSchema,
    handler: async () => ({ areas: await listAreas(db) }),
  })

  route.get(`${API_PREFIX}/import-runs`, {
    permission: 'data:read',
    dataClass: 'imports',
    schema: listImportRunsSchema,
    handler: async (request, reply) => {
      const { filter, errors } = parseRunFilter(request.query)
      const limit = wholeNumberParameter(request.query, 'limit', 50, 500)
      const before = wholeNumberParameter(request.query, 'before', 0, Number.MAX_SAFE_INTEGER)
      if (Object.keys(errors).length || !limit.ok || !before.ok) {
        return badRequest(request, reply, {
          ...errors,
          limit: limit.ok ? undefined : limit.error,
          before: before.ok ? undefined : before.error,
        })
      }
      const runs = await listImportRuns(db, filter, {
        limit: limit.value,
        beforeId: before.value || undefined,
      })
      const last = runs[runs.length - 1]
      const next =
        runs.length === limit.value && last
          ? urlWithQuery(`${API_PREFIX}/import-runs`, { ...filter, limit: limit.value, before: last.id })
          : null
      return { runs: runs.map(runJson), next }
    },
  })

  route.get(`${API_PREFIX}/import-runs/:id`, {
    permission: 'data:read',
    dataClass: 'imports',
    schema: getImportRunSchema,
    handler: async (request, reply) => {
      const { id } = request.params as { id: string }
      const run = rowId(id) === undefined ? undefined : await findImportRun(db, rowId(id)!)
      if (!run) return sendProblem(request, reply, 404, 'not_found', `There is no import run ${id}.`, [])
      return runJson(run)
    },
  })

  route.get(`${API_PREFIX}/import-runs/:id/rejections`, {
    permission: 'data:import',
    dataClass: 'imports',
    audit: 'consult',
    schema: listRejectionsSchema,
    handler: async (request, reply) => {
      const { id } = request.params as { id: string }
      const run = rowId(id) === undefined ? undefined : await findImportRun(db, rowId(id)!)
      if (!run) return sendProblem(request, reply, 404, 'not_found', `There is no import run ${id}.`, [])
      const limit = wholeNumberParameter(request.query, 'limit', 100, 1000)
      const afterText = (request.query as { after?: unknown }).after
      const after = typeof afterText === 'string' && afterText ? decodeRejectionCursor(afterText) : undefined
      const badCursor = afterText !== undefined && afterText !== '' && !after
      if (!limit.ok || badCursor) {
        return badRequest(request, reply, {
          limit: limit.ok ? undefined : limit.error,
          after: badCursor ? 'after must be the cursor from a next link' : undefined,
        })
      }
      const [rejections, total] = await Promise.all([
        listRejections(db, run.id, { limit: limit.value, after }),
        countRejections(db, run.id),
      ])
      await request.audit({
        action: 'consult',
        event: 'VIEW_IMPORT_REJECTIONS',
        recordType: 'import_run',
        recordIds: [String(run.id)],
        details: { rows: rejections.length },
      })
      const last = rejections[rejections.length - 1]
      const next =
        rejections.length === limit.value && last
          ? urlWithQuery(`${API_PREFIX}/import-runs/${run.id}/rejections`, {
              limit: limit.value,
              after: encodeRejectionCursor(last),
            })
          : null
      return {
        total,
        rejections: rejections.map(({ rowNumber, column, valueExcerpt, reason }) => ({
          rowNumber,
          column,
          valueExcerpt,
          reason,
        })),
        next,
      }
    },
  })

  /** The filters of an API request, or undefined once a 400 naming the fields has been sent. */
  async function incidentFilterOf(request: FastifyRequest, reply: FastifyReply): Promise<IncidentFilter | undefined> {
    const parsed = parseIncidentFilter(request.query, await viewerKinds(db, request, clock.now()))
    if (parsed.ok) return parsed.filter
    void badRequest(request, reply, parsed.errors)
    return undefined
  }

  route.get(`${API_PREFIX}/incidents`, {
    permission: 'data:read',
    dataClass: 'incidents',
    audit: 'consult',
    schema: listIncidentsSchema,
    handler: async (request, reply) => {
      const filter = await incidentFilterOf(request, reply)
      if (!filter) return reply
      const sort = parseIncidentSort(request.query)
      const limit = wholeNumberParameter(request.query, 'limit', 100, 1000)
      const afterText = (request.query as { after?: unknown }).after
      const after = typeof afterText === 'string' && afterText ? decodeIncidentCursor(afterText) : undefined
      const badCursor = afterText !== undefined && afterText !== '' && !after
      if (!sort || !limit.ok || badCursor) {
        return badRequest(request, reply, {
          sort: sort ? undefined : 'sort must be month-desc or month-asc',
          limit: limit.ok ? undefined : limit.error,
          after: badCursor ? 'after must be the cursor from a next link' : undefined,
        })
      }
      const incidents = await findIncidents(db, filter, { sort, limit: limit.value, after })
      await request.audit({
        action: 'consult',
        event: 'SEARCH_INCIDENTS',
        recordType: 'incident',
        recordIds: incidents.map((incident) => String(incident.id)),
        details: { ...filterQuery(filter), sort, rows: incidents.length, via: 'api' },
      })
      const last = incidents[incidents.length - 1]
      const next =
        incidents.length === limit.value && last
          ? urlWithQuery(`${API_PREFIX}/incidents`, {
              ...filterQuery(filter),
              sort,
              limit: limit.value,
              after: encodeIncidentCursor(last),
            })
          : null
      return { incidents: incidents.map(incidentJson), next }
    },
  })

  route.get(`${API_PREFIX}/incidents/h3`, {
    permission: 'data:read',
    dataClass: 'incidents',
    schema: incidentH3Schema,
    handler: async (request, reply) => {
      const filter = await incidentFilterOf(request, reply)
      if (!filter) return reply
      const resolutionText = (request.query as { resolution?: unknown }).resolution
      const resolution = resolutionText === undefined || resolutionText === '' ? 8 : Number(resolutionText)
      if (!(H3_RESOLUTIONS as readonly number[]).includes(resolution) || Array.isArray(resolutionText)) {
        return badRequest(request, reply, { resolution: 'resolution must be 7, 8 or 9' })
      }
      const [counts, total] = await Promise.all([
        countIncidentsByH3(db, filter, resolution as H3Resolution),
        countIncidents(db, filter),
      ])
      return { resolution, total, withoutLocation: counts.withoutLocation, cells: counts.cells }
    },
  })
}
