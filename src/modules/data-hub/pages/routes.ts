import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { sendCsv, safeFileName, sendDownload } from '../../../server/csv-writer.ts'
import { defineRoutes } from '../../../server/define-route.ts'
import { viewerKinds } from '../queries/visible-kinds.ts'
import { sendProblem } from '../../../server/request-context.ts'
import { roleHasPermission } from '../../platform/roles.ts'
import {
  countIncidents,
  filterQuery,
  highestIncidentId,
  parseIncidentFilter,
  parseIncidentSort,
  type IncidentFilter,
  type IncidentSort,
} from '../queries/incident-filter.ts'
import { eachIncident, findIncidents, incidentCategories } from '../queries/incidents.ts'
import { parseRunFilter, rowId, urlWithQuery, wholeNumberParameter } from '../queries/query-parameters.ts'
import {
  countImportRuns,
  countRejections,
  eachRejection,
  findImportRun,
  listAreas,
  listDataSources,
  listImportRuns,
  listRejections,
  sourceKinds,
} from '../queries/sources-and-runs.ts'
import {
  INCIDENT_CSV_HEADER,
  incidentCsvRows,
  incidentGeoJson,
  REJECTION_CSV_HEADER,
  rejectionCsvRows,
} from './exports.ts'
import {
  errorList,
  incidentFilterOptions,
  incidentRow,
  pagination,
  rangeSummary,
  rejectionRow,
  runFilterOptions,
  runRow,
  runSummaryRows,
  sourceRow,
} from './presenters.ts'

export const RUNS_PAGE_SIZE = 25
export const REJECTIONS_PAGE_SIZE = 50
export const INCIDENTS_PAGE_SIZE = 50
/** Offset paging reads and skips every earlier row, so the browser stops here; exports and the API's keyset go further. */
export const INCIDENTS_MAX_PAGE = 200

/** The staff data pages under /data: sources, import runs and their reports, incidents and their exports. */
export function registerDataPagesRoutes(app: FastifyInstance): void {
  const route = defineRoutes(app)
  const { db, clock } = app.deps
  const may = (request: FastifyRequest, permission: 'data:import' | 'data:export') =>
    !!request.user && roleHasPermission(request.user.role, permission)

  route.get('/data', {
    permission: 'data:read',
    dataClass: 'imports',
    handler: async (request, reply) => {
      const sources = await listDataSources(db)
      return reply.render('data-hub/pages/overview.njk', {
        pageTitle: 'Data',
        sources: sources.map(sourceRow),
        totalIncidents: sources
          .reduce((sum, source) => sum + source.incidentCount, 0)
          .toLocaleString('en-GB'),
        totalRuns: sources.reduce((sum, source) => sum + source.runCount, 0).toLocaleString('en-GB'),
        mayExport: may(request, 'data:export'),
      })
    },
  })

  route.get('/data/sources', {
    permission: 'data:read',
    dataClass: 'imports',
    handler: async (_request, reply) => {
      const sources = await listDataSources(db)
      return reply.render('data-hub/pages/sources.njk', {
        pageTitle: 'Data sources',
        sources: sources.map(sourceRow),
      })
    },
  })

  route.get('/data/runs', {
    permission: 'data:read',
    dataClass: 'imports',
    handler: async (request, reply) => {
      const parsed = parseRunFilter(request.query)
      const page = wholeNumberParameter(request.query, 'page', 1, 100_000)
      const errors = { ...parsed.errors, ...(page.ok ? {} : { page: page.error }) }
      const sources = await sourceKinds(db)
      const common = {
        pageTitle: 'Import runs',
        values: parsed.values,
        options: runFilterOptions(parsed.values, sources),
      }
      if (Object.keys(errors).length || !page.ok) {
        return reply
          .code(400)
          .render('data-hub/pages/runs.njk', { ...common, errors, errorList: errorList(errors) })
      }
      const [runs, total] = await Promise.all([
        listImportRuns(db, parsed.filter, {
          limit: RUNS_PAGE_SIZE,
          offset: (page.value - 1) * RUNS_PAGE_SIZE,
        }),
        countImportRuns(db, parsed.filter),
      ])
      const pageUrl = (n: number) =>
        urlWithQuery('/data/runs', { ...parsed.filter, page: n > 1 ? n : undefined })
      return reply.render('data-hub/pages/runs.njk', {
        ...common,
        errors: {},
        rows: runs.map(runRow),
        summary: rangeSummary((page.value - 1) * RUNS_PAGE_SIZE + 1, runs.length, total, [
          'import run',
          'import runs',
        ]),
        pagination: pagination(
          pageUrl,
          page.value,
          Math.ceil(total / RUNS_PAGE_SIZE),
          'Pages of import runs',
        ),
      })
    },
  })

  route.get('/data/runs/:id', {
    permission: 'data:read',
    dataClass: 'imports',
    audit: 'consult',
    handler: async (request, reply) => {
      const { id } = request.params as { id: string }
      const run = rowId(id) === undefined ? undefined : await findImportRun(db, rowId(id)!)
      if (!run)
        return sendProblem(request, reply, 404, 'not_found', 'Import run not found', [
          `There is no import run ${id}.`,
        ])
      const context = {
        pageTitle: `Import run ${run.id}: ${run.fileName}`,
        run,
        summaryRows: runSummaryRows(run),
      }
      // The rejected rows quote the file, which may hold personal data: they are part of the import report.
      if (!may(request, 'data:import'))
        return reply.render('data-hub/pages/run.njk', { ...context, mayReadReport: false })
      const page = wholeNumberParameter(request.query, 'page', 1, 1_000_000)
      if (!page.ok)
        return sendProblem(request, reply, 400, 'invalid', 'The page number is not valid', [page.error], {
          page: page.error,
        })
      const [rejections, total] = await Promise.all([
        listRejections(db, run.id, {
          limit: REJECTIONS_PAGE_SIZE,
          offset: (page.value - 1) * REJECTIONS_PAGE_SIZE,
        }),
        countRejections(db, run.id),
      ])
      await request.audit({
        action: 'consult',
        event: 'VIEW_IMPORT_REJECTIONS',
        recordType: 'import_run',
        recordIds: [String(run.id)],
        details: { page: page.value, rows: rejections.length },
      })
      const pageUrl = (n: number) => urlWithQuery(`/data/runs/${run.id}`, { page: n > 1 ? n : undefined })
      return reply.render('data-hub/pages/run.njk', {
        ...context,
        mayReadReport: true,
        rejections: rejections.map(rejectionRow),
        rejectionTotal: total,
        rejectionSummary: rangeSummary(
          (page.value - 1) * REJECTIONS_PAGE_SIZE + 1,
          rejections.length,
          total,
          ['rejected row', 'rejected rows'],
        ),
        pagination: pagination(
          pageUrl,
          page.value,
          Math.ceil(total / REJECTIONS_PAGE_SIZE),
          'Pages of rejected rows',
        ),
      })
    },
  })

  route.get('/data/runs/:id/rejections.csv', {
    permission: 'data:import',
    dataClass: 'imports',
    audit: 'disclose',
    handler: async (request, reply) => {
      const { id } = request.params as { id: string }
      const run = rowId(id) === undefined ? undefined : await findImportRun(db, rowId(id)!)
      if (!run)
        return sendProblem(request, reply, 404, 'not_found', 'Import run not found', [
          `There is no import run ${id}.`,
        ])
      const rows = await countRejections(db, run.id)
      await request.audit({
        action: 'disclose',
        event: 'EXPORT_IMPORT_REJECTIONS',
        recordType: 'import_run',
        recordIds: [String(run.id)],
        details: { format: 'csv', rows },
      })
      return sendCsv(
        reply,
        `import-run-${run.id}-rejections`,
        REJECTION_CSV_HEADER,
        rejectionCsvRows(eachRejection(db, run.id)),
      )
    },
  })

  route.get('/data/incidents', {
    permission: 'data:read',
    dataClass: 'incidents',
    audit: 'consult',
    handler: async (request, reply) => {
      const parsed = parseIncidentFilter(request.query, await viewerKinds(db, request, clock.now()))
      const sort = parseIncidentSort(request.query)
      const page = wholeNumberParameter(request.query, 'page', 1, INCIDENTS_MAX_PAGE)
      const [categories, areas, sources] = await Promise.all([
        incidentCategories(db),
        listAreas(db),
        sourceKinds(db),
      ])
      const common = {
        pageTitle: 'Incidents',
        values: { ...parsed.values, sort: sort ?? 'month-desc' },
        options: incidentFilterOptions(parsed.values, { categories, areas, sources }),
        mayExport: may(request, 'data:export'),
      }
      const errors: Record<string, string | undefined> = {
        ...(parsed.ok ? {} : parsed.errors),
        sort: sort ? undefined : 'Sort must be newest month first or oldest month first',
        page: page.ok
          ? undefined
          : `${page.error}. Only the first ${INCIDENTS_MAX_PAGE} pages are shown: narrow the filters or export the view`,
      }
      if (!parsed.ok || !sort || !page.ok) {
        await auditRefusedFilter(request, '/data/incidents', errors)
        return reply
          .code(400)
          .render('data-hub/pages/incidents.njk', { ...common, errors, errorList: errorList(errors) })
      }
      const filter = parsed.filter
      const offset = (page.value - 1) * INCIDENTS_PAGE_SIZE
      const [incidents, total] = await Promise.all([
        findIncidents(db, filter, { sort, limit: INCIDENTS_PAGE_SIZE, offset }),
        countIncidents(db, filter),
      ])
      await request.audit({
        action: 'consult',
        event: 'SEARCH_INCIDENTS',
        recordType: 'incident',
        recordIds: incidents.map((incident) => String(incident.id)),
        details: { ...filterQuery(filter), sort, page: page.value, matches: total },
      })
      const viewQuery = { ...filterQuery(filter), sort: sort === 'month-desc' ? undefined : sort }
      const pageUrl = (n: number) =>
        urlWithQuery('/data/incidents', { ...viewQuery, page: n > 1 ? n : undefined })
      return reply.render('data-hub/pages/incidents.njk', {
        ...common,
        errors: {},
        rows: incidents.map(incidentRow),
        summary: rangeSummary(offset + 1, incidents.length, total, ['incident', 'incidents']),
        pagination: pagination(
          pageUrl,
          page.value,
          Math.min(Math.ceil(total / INCIDENTS_PAGE_SIZE), INCIDENTS_MAX_PAGE),
          'Pages of incidents',
        ),
        pageCapped: total > INCIDENTS_MAX_PAGE * INCIDENTS_PAGE_SIZE,
        maxPage: INCIDENTS_MAX_PAGE,
        csvHref: urlWithQuery('/data/incidents.csv', viewQuery),
        geoJsonHref: urlWithQuery('/data/incidents.geojson', viewQuery),
        clearHref: '/data/incidents',
      })
    },
  })

  async function auditRefusedFilter(
    request: FastifyRequest,
    path: string,
    errors: Record<string, string | undefined>,
  ) {
    await request.audit({
      action: 'security',
      event: 'VALIDATION_FAILED',
      outcome: 'failure',
      details: { route: path, fields: Object.keys(errors).filter((name) => errors[name]) },
    })
  }

  /** The checked filters and sort of an export, or undefined once a 400 naming the fields has been sent. */
  async function exportRequest(request: FastifyRequest, reply: FastifyReply, path: string) {
    const parsed = parseIncidentFilter(request.query, await viewerKinds(db, request, clock.now()))
    const sort = parseIncidentSort(request.query)
    if (parsed.ok && sort) return { filter: parsed.filter, sort }
    const errors = {
      ...(parsed.ok ? {} : parsed.errors),
      sort: sort ? undefined : 'Sort must be month-desc or month-asc',
    }
    await auditRefusedFilter(request, path, errors)
    const fields = Object.fromEntries(
      Object.entries(errors).filter((entry): entry is [string, string] => !!entry[1]),
    )
    void sendProblem(
      request,
      reply,
      400,
      'invalid',
      'The export filters are not valid',
      Object.values(fields),
      fields,
    )
    return undefined
  }

  /** Records the export (filters and row count) before any row leaves, then gives the rows to stream. */
  async function startIncidentExport(
    request: FastifyRequest,
    filter: IncidentFilter,
    sort: IncidentSort,
    format: string,
  ) {
    const maxId = await highestIncidentId(db)
    const rows = await countIncidents(db, filter, maxId)
    await request.audit({
      action: 'disclose',
      event: 'EXPORT_INCIDENTS',
      recordType: 'incident',
      details: { ...filterQuery(filter), sort, format, rows },
    })
    return eachIncident(db, filter, { sort, maxId })
  }

  const exportName = (filter: IncidentFilter) =>
    [
      'incidents',
      filter.kind,
      filter.category,
      filter.source,
      filter.area && `area-${filter.area}`,
      filter.from,
      filter.to && `to-${filter.to}`,
    ]
      .filter(Boolean)
      .join('-')

  route.get('/data/incidents.csv', {
    permission: 'data:export',
    dataClass: 'incidents',
    audit: 'disclose',
    handler: async (request, reply) => {
      const checked = await exportRequest(request, reply, '/data/incidents.csv')
      if (!checked) return reply
      const incidents = await startIncidentExport(request, checked.filter, checked.sort, 'csv')
      return sendCsv(reply, exportName(checked.filter), INCIDENT_CSV_HEADER, incidentCsvRows(incidents))
    },
  })

  route.get('/data/incidents.geojson', {
    permission: 'data:export',
    dataClass: 'incidents',
    audit: 'disclose',
    handler: async (request, reply) => {
      const checked = await exportRequest(request, reply, '/data/incidents.geojson')
      if (!checked) return reply
      const incidents = await startIncidentExport(request, checked.filter, checked.sort, 'geojson')
      return sendDownload(reply, {
        fileName: safeFileName(exportName(checked.filter), 'geojson'),
        contentType: 'application/geo+json; charset=utf-8',
        chunks: incidentGeoJson(incidents),
      })
    },
  })
}
