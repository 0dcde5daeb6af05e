import type { FastifyInstance, FastifyRequest } from 'fastify'
import { DomainError, invalid, notFound } from '../../../errors.ts'
import { defineRoutes } from '../../../server/define-route.ts'
import { API_PREFIX } from '../../platform/api/routes.ts'
import {
  AREA_LEVELS,
  isAreaLevel,
  parseIncidentFilter,
  viewerKinds,
  type AreaLevel,
  type IncidentKind,
} from '../../data-hub/index.ts'
import { ANALYSIS_METHODS, type AnyAnalysisMethod } from '../methods.ts'
import { methodOptionsSchema, parseMethodOptions, type MethodOptions } from '../options.ts'
import { cancelAnalysisRun, startAnalysisRun } from '../runs/analysis-run.ts'
import { findAnalysisRun, type AnalysisRunRecord } from '../runs/queries.ts'
import { cancelRunSchema, getRunSchema, listMethodsSchema, startRunSchema } from './schemas.ts'

/**
 * The analysis API: the methods, and runs started, read and cancelled. A run reads only the
 * incidents the signed-in user may see (the data hub's visible kinds), and a run is shown only to
 * users who may see every kind it read. Runs go on in the server after the answer; poll the run.
 */

export const runJson = (run: AnalysisRunRecord, reused?: boolean) => ({
  id: run.id,
  method: run.method,
  parameters: run.parameters,
  filter: run.filter,
  input: run.input,
  inputDetail: run.inputDetail,
  dataVersion: run.dataVersion,
  status: run.status,
  progress: run.progress,
  stage: run.stage,
  result: run.result,
  error: run.error,
  startedBy: run.startedBy,
  createdAt: run.createdAt.toISOString(),
  startedAt: run.startedAt?.toISOString() ?? null,
  finishedAt: run.finishedAt?.toISOString() ?? null,
  durationMs: run.durationMs,
  ...(reused === undefined ? {} : { reused }),
})

/** The kinds a run read: its filter's one kind, or every kind its user could see. */
function kindsRead(run: AnalysisRunRecord): string[] {
  const filter = run.filter as { kind?: string; visibleKinds?: string[] } | null
  if (!filter) return []
  return filter.kind ? [filter.kind] : (filter.visibleKinds ?? [])
}

export interface AnalysisApiOptions {
  /** The methods offered; the registry unless a test gives its own. */
  methods?: readonly AnyAnalysisMethod[]
  prefix?: string
}

export function registerAnalysisApiRoutes(app: FastifyInstance, given: AnalysisApiOptions = {}): void {
  const route = defineRoutes(app)
  const { db, clock } = app.deps
  const methods = given.methods ?? ANALYSIS_METHODS
  const prefix = given.prefix ?? `${API_PREFIX}/analysis`

  /** The run, if it exists and the user may see all it read; otherwise not found, so ids reveal nothing. */
  async function visibleRun(request: FastifyRequest): Promise<AnalysisRunRecord> {
    const { id } = request.params as { id: string }
    const run = /^\d{1,15}$/.test(id) ? await findAnalysisRun(db, Number(id)) : undefined
    const kinds = new Set<string>(await viewerKinds(db, request, clock.now()))
    if (!run || !kindsRead(run).every((kind) => kinds.has(kind))) throw notFound(`Analysis run ${id}`)
    return run
  }

  route.get(`${prefix}/methods`, {
    permission: 'analysis:read',
    dataClass: 'none',
    schema: listMethodsSchema,
    handler: () => ({
      methods: methods.map((method) => ({
        name: method.name,
        title: method.title,
        description: method.description,
        options: method.options,
        optionsSchema: methodOptionsSchema(method),
      })),
    }),
  })

  route.post(`${prefix}/runs`, {
    permission: 'analysis:run',
    dataClass: 'incidents',
    audit: 'consult',
    schema: startRunSchema,
    handler: async (request, reply) => {
      const body = request.body as {
        method: string
        options?: Record<string, unknown>
        filter?: Record<string, unknown>
        areaLevel?: string
      }
      const method = methods.find((m) => m.name === body.method)
      if (!method)
        throw invalid({
          method: `method must be one of ${methods.map((m) => m.name).join(', ')}, not '${body.method}'`,
        })
      const problems: Record<string, string> = {}
      let options: MethodOptions = {}
      try {
        options = parseMethodOptions(method, body.options ?? {}, 'key')
      } catch (error) {
        if (!(error instanceof DomainError)) throw error
        Object.assign(problems, error.fields)
      }
      const visible: IncidentKind[] = await viewerKinds(db, request, clock.now())
      const filter = parseIncidentFilter(body.filter ?? {}, visible)
      if (!filter.ok) {
        for (const [name, message] of Object.entries(filter.errors)) problems[`filter.${name}`] = message!
      }
      const givenLevel = body.areaLevel ?? 'lsoa'
      const areaLevel: AreaLevel = isAreaLevel(givenLevel) ? givenLevel : 'lsoa'
      if (!isAreaLevel(givenLevel))
        problems.areaLevel = `areaLevel must be one of ${AREA_LEVELS.join(', ')}, not '${givenLevel}'`
      if (Object.keys(problems).length || !filter.ok) throw invalid(problems)
      const started = await startAnalysisRun(db, {
        method,
        options,
        input: { kind: 'database', filter: filter.filter, areaLevel },
        user: request.user!.id,
        clock,
      })
      // The run goes on after the answer; its row records how it ends, failures included.
      started.finished.catch((error: unknown) => request.log.error({ err: error }, 'analysis run'))
      await request.audit({
        action: 'consult',
        event: started.reused ? 'REUSE_ANALYSIS_RUN' : 'START_ANALYSIS_RUN',
        recordType: 'analysis_run',
        recordIds: [String(started.run.id)],
        details: {
          method: method.name,
          ...(filter.filter.category ? { category: filter.filter.category } : {}),
          ...(areaLevel === 'lsoa' ? {} : { areaLevel }),
        },
      })
      reply.code(started.reused ? 200 : 201)
      return runJson(started.run, started.reused)
    },
  })

  route.get(`${prefix}/runs/:id`, {
    permission: 'analysis:read',
    dataClass: 'incidents',
    audit: 'consult',
    schema: getRunSchema,
    handler: async (request) => {
      const run = await visibleRun(request)
      await request.audit({
        action: 'consult',
        event: 'VIEW_ANALYSIS_RUN',
        recordType: 'analysis_run',
        recordIds: [String(run.id)],
      })
      return runJson(run)
    },
  })

  route.post(`${prefix}/runs/:id/cancel`, {
    permission: 'analysis:run',
    dataClass: 'incidents',
    schema: cancelRunSchema,
    handler: async (request) => runJson(await cancelAnalysisRun(db, (await visibleRun(request)).id, clock)),
  })
}
