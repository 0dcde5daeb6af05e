import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { DomainError } from '../../../errors.ts'
import { attachmentHeader, sendCsv, sendDownload } from '../../../server/csv-writer.ts'
import { defineRoutes } from '../../../server/define-route.ts'
import { sendProblem } from '../../../server/request-context.ts'
import { allowSameOriginWorkers } from '../../../server/security-headers.ts'
import { roleHasPermission } from '../../platform/roles.ts'
import {
  AREA_LEVELS,
  INCIDENT_KINDS,
  isAreaLevel,
  parseIncidentFilter,
  viewerKinds,
  type IncidentKind,
} from '../../data-hub/index.ts'
import { ANALYSIS_METHODS, methodByName, type AnyAnalysisMethod } from '../methods.ts'
import { parseMethodOptions } from '../options.ts'
import { cancelAnalysisRun, startAnalysisRun } from '../runs/analysis-run.ts'
import { findAnalysisRun, type AnalysisRunRecord } from '../runs/queries.ts'
import { listAnalysisRuns } from '../runs/run-list.ts'
import type { CountsResult } from '../counts/counts-method.ts'
import { countsPublication } from '../publication/counts-publication.ts'
import { publicationCsv } from '../publication/publication-csv.ts'
import { methodExplanation } from './explanations.ts'
import { publicationLink, thresholdFromQuery } from './publication-download.ts'
import { filterFields, optionFields, runRow, runStatus } from './presenters.ts'
import { areaBoundaries, type AreaBoundaries } from './area-boundaries.ts'
import { areaKeysOf, csvCell, resultFeatures, resultTable, resultView } from './result-view.ts'

const FILTER_NAMES = ['kind', 'category', 'from', 'to', 'area', 'source'] as const

/** The words for each area level in the "Group areas by" select, smallest first. */
const AREA_LEVEL_LABELS: Record<(typeof AREA_LEVELS)[number], string> = {
  lsoa: 'LSOA (Lower layer Super Output Area)',
  neighbourhood: 'Neighbourhood',
  ward: 'Ward',
  'local-authority': 'Local authority',
  'local-policing-area': 'Local policing area',
  force: 'Police force area',
}

/** The select's items, the given (or default) level chosen. */
function areaLevelItems(chosen: string | undefined) {
  return [...AREA_LEVELS].reverse().map((level) => ({
    value: level,
    text: AREA_LEVEL_LABELS[level],
    selected: level === (chosen || 'lsoa'),
  }))
}

/**
 * The analysis pages: the methods, a form per method (its options and the incident filter),
 * and each run's page, which follows its progress and then shows its result as a table and,
 * for results by H3 cell or by areas with loaded boundaries, the same rows on a map. Every page
 * works without JavaScript.
 */
export function registerAnalysisPagesRoutes(app: FastifyInstance): void {
  const route = defineRoutes(app)
  const { db, clock } = app.deps

  route.get('/analysis', {
    permission: 'analysis:read',
    dataClass: 'incidents',
    handler: async (request, reply) => {
      const mine = new Set(await viewerKinds(db, request, clock.now()))
      // The same rule as a run's page: only runs that read no kind of incident the viewer may not see.
      const runs = (await listAnalysisRuns(db, { limit: 50 }))
        .filter((run) => readKinds(run.filter).every((kind) => mine.has(kind)))
        .slice(0, 25)
      return reply.render('analysis/pages/index.njk', {
        pageTitle: 'Analysis',
        methods: ANALYSIS_METHODS.map((method) => ({
          name: method.name,
          title: method.title,
          description: method.description,
        })),
        runs: runs.map(runRow),
        mayRun: mayRun(request),
      })
    },
  })

  route.get('/analysis/methods/:method', {
    permission: 'analysis:run',
    dataClass: 'incidents',
    handler: async (request, reply) => {
      const method = methodFrom(request)
      if (!method) return notFound(request, reply, 'Analysis method not found')
      return showForm(reply, method, {}, {})
    },
  })

  route.post('/analysis/methods/:method', {
    permission: 'analysis:run',
    dataClass: 'incidents',
    handler: async (request, reply) => {
      const method = methodFrom(request)
      if (!method) return notFound(request, reply, 'Analysis method not found')
      const body = (request.body ?? {}) as Record<string, unknown>
      const values = Object.fromEntries(
        Object.entries(body).filter(([key, value]) => key !== '_csrf' && typeof value === 'string'),
      ) as Record<string, string>
      const errors: Record<string, string> = {}
      const parsedFilter = parseIncidentFilter(
        Object.fromEntries(FILTER_NAMES.map((name) => [name, values[name] ?? ''])),
        await viewerKinds(db, request, clock.now()),
      )
      if (!parsedFilter.ok) Object.assign(errors, parsedFilter.errors)
      const areaLevel = values.areaLevel || 'lsoa'
      if (!isAreaLevel(areaLevel)) errors.areaLevel = `Choose a level to group areas by, from the list`
      const raw = Object.fromEntries(
        method.options.map((option) => [
          option.key,
          values[option.key]?.trim() ? values[option.key] : undefined,
        ]),
      )
      let options: ReturnType<typeof parseMethodOptions> | undefined
      try {
        options = parseMethodOptions(method, raw, 'key')
      } catch (error) {
        if (!(error instanceof DomainError)) throw error
        Object.assign(errors, error.fields)
      }
      if (!parsedFilter.ok || !options || !isAreaLevel(areaLevel))
        return showForm(reply.code(400), method, values, errors)
      const started = await startAnalysisRun(db, {
        method,
        options,
        input: { kind: 'database', filter: parsedFilter.filter, areaLevel },
        user: request.user!.id,
        clock,
      })
      // The page follows the run; a failure is recorded on the run itself.
      started.finished.catch((error: unknown) => request.log.error({ err: error }, 'analysis run failed'))
      return reply.code(303).redirect(`/analysis/runs/${started.run.id}`)
    },
  })

  route.get('/analysis/runs/:id', {
    permission: 'analysis:read',
    dataClass: 'incidents',
    handler: async (request, reply) => {
      const run = await visibleRun(request)
      if (!run) return notFound(request, reply, 'Analysis run not found')
      const method = methodByName(run.method)
      const view =
        run.status === 'completed' ? resultView(run.method, run.result, await boundariesOf(run)) : undefined
      if (view?.map) allowSameOriginWorkers(reply)
      return reply.render('analysis/pages/run.njk', {
        pageTitle: `${method?.title ?? run.method}: run ${run.id}`,
        run: runStatus(run, method),
        view,
        mayCancel: mayRun(request) && (run.status === 'queued' || run.status === 'running'),
        geojsonUrl: `/analysis/runs/${run.id}/map.geojson`,
        publication: publicationLink(run),
        explanation: methodExplanation(run.method),
        areaLevelLabels: AREA_LEVEL_LABELS,
      })
    },
  })

  route.get('/analysis/runs/:id/status', {
    permission: 'analysis:read',
    dataClass: 'incidents',
    handler: async (request, reply) => {
      const run = await visibleRun(request)
      if (!run) return notFound(request, reply, 'Analysis run not found')
      return reply.send({
        id: run.id,
        status: run.status,
        progress: run.progress,
        stage: run.stage,
        error: run.error,
      })
    },
  })

  route.get('/analysis/runs/:id/map.geojson', {
    permission: 'analysis:read',
    dataClass: 'incidents',
    handler: async (request, reply) => {
      const run = await visibleRun(request)
      if (!run || run.status !== 'completed') return notFound(request, reply, 'Analysis result not found')
      // The page's map reads it as it is; the run page's link adds ?download=1 to save it as a file.
      if ((request.query as { download?: string }).download === '1') {
        reply.header('Content-Disposition', attachmentHeader(`${run.method}-run-${run.id}-map.geojson`))
      }
      return reply
        .type('application/geo+json')
        .send(resultFeatures(run.method, run.result, await boundariesOf(run)))
    },
  })

  route.get('/analysis/runs/:id/result.json', {
    permission: 'analysis:read',
    dataClass: 'incidents',
    handler: async (request, reply) => {
      const run = await visibleRun(request)
      if (!run || run.status !== 'completed') return notFound(request, reply, 'Analysis result not found')
      const json = JSON.stringify(run.result, null, 2)
      return sendDownload(reply, {
        fileName: `${run.method}-run-${run.id}.json`,
        contentType: 'application/json',
        chunks: (async function* () {
          yield json
        })(),
      })
    },
  })

  route.get('/analysis/runs/:id/result.csv', {
    permission: 'analysis:read',
    dataClass: 'incidents',
    handler: async (request, reply) => {
      const run = await visibleRun(request)
      if (!run || run.status !== 'completed') return notFound(request, reply, 'Analysis result not found')
      const table = resultTable(run.method, run.result)
      return sendCsv(
        reply,
        `${run.method}-run-${run.id}`,
        table.columns.map((column) => column.key),
        table.rows.map((row) => row.map(csvCell)),
      )
    },
  })

  // The table fit to publish beyond signed-in staff: small counts suppressed (checklist C7).
  route.get('/analysis/runs/:id/publication.csv', {
    permission: 'analysis:read',
    dataClass: 'incidents',
    handler: async (request, reply) => {
      const run = await visibleRun(request)
      const link = run && publicationLink(run)
      if (!run || !link) return notFound(request, reply, 'Publishable table not found')
      if (link.problem)
        return sendProblem(
          request,
          reply,
          422,
          'invalid',
          'This result is too fine to publish',
          [link.problem],
          { h3Resolution: link.problem },
        )
      const { threshold, problem } = thresholdFromQuery(request.query)
      if (problem)
        return sendProblem(request, reply, 400, 'invalid', 'The threshold is not valid', [problem], {
          threshold: problem,
        })
      const publication = countsPublication(run.result as CountsResult, {
        threshold,
        source: `analysis run ${run.id}; data version ${run.dataVersion}`,
      })
      const csv = publicationCsv(publication)
      return sendDownload(reply, {
        fileName: `${run.method}-run-${run.id}-publishable-k${publication.threshold}.csv`,
        contentType: 'text/csv; charset=utf-8',
        chunks: (async function* () {
          yield csv
        })(),
      })
    },
  })

  route.post('/analysis/runs/:id/cancel', {
    permission: 'analysis:run',
    dataClass: 'incidents',
    handler: async (request, reply) => {
      const run = await visibleRun(request)
      if (!run) return notFound(request, reply, 'Analysis run not found')
      try {
        await cancelAnalysisRun(db, run.id, clock)
      } catch (error) {
        // Already finished: the run page says how it ended.
        if (!(error instanceof DomainError && error.code === 'conflict')) throw error
      }
      return reply.code(303).redirect(`/analysis/runs/${run.id}`)
    },
  })

  /**
   * The boundaries of a result's areas, at the level the run grouped its points by (LSOA for a
   * file's area column); undefined when its rows are not areas.
   */
  async function boundariesOf(run: AnalysisRunRecord): Promise<AreaBoundaries | undefined> {
    const keys = areaKeysOf(run.method, run.result)
    if (!keys) return undefined
    const stored = run.filter?.areaLevel
    return areaBoundaries(db, typeof stored === 'string' && isAreaLevel(stored) ? stored : 'lsoa', keys)
  }

  /** The kinds of incident a run read: none for a file. */
  function readKinds(filter: Record<string, unknown> | null): IncidentKind[] {
    return (filter?.visibleKinds as IncidentKind[] | undefined) ?? []
  }

  function mayRun(request: FastifyRequest): boolean {
    return !!request.user && roleHasPermission(request.user.role, 'analysis:run')
  }

  function methodFrom(request: FastifyRequest): AnyAnalysisMethod | undefined {
    return methodByName((request.params as { method: string }).method)
  }

  /**
   * The run, if the viewer may see every kind of incident it read: a run made by an analyst
   * under a sharing agreement is not shown to someone without it.
   */
  async function visibleRun(request: FastifyRequest): Promise<AnalysisRunRecord | undefined> {
    const id = (request.params as { id: string }).id
    if (!/^\d{1,15}$/.test(id)) return undefined
    const run = await findAnalysisRun(db, Number(id))
    if (!run) return undefined
    const mine = new Set(await viewerKinds(db, request, clock.now()))
    return readKinds(run.filter).every((kind) => mine.has(kind)) ? run : undefined
  }

  function showForm(
    reply: FastifyReply,
    method: AnyAnalysisMethod,
    values: Record<string, string>,
    errors: Record<string, string>,
  ) {
    return reply.render('analysis/pages/method.njk', {
      // The layout puts "Error: " before the title when errorList has entries.
      pageTitle: method.title,
      method: { name: method.name, title: method.title, description: method.description },
      options: optionFields(method, values, errors),
      filters: filterFields(values, errors, INCIDENT_KINDS),
      areaLevel: { items: areaLevelItems(values.areaLevel), error: errors.areaLevel },
      errorList: Object.entries(errors).map(([field, text]) => ({ text, href: `#${field}` })),
      explanation: methodExplanation(method.name),
    })
  }

  function notFound(request: FastifyRequest, reply: FastifyReply, heading: string) {
    return sendProblem(request, reply, 404, 'not_found', heading, [
      'Check the address, or go back to the list of analyses.',
    ])
  }
}
