import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { defineRoutes } from '../../../server/define-route.ts'
import { sendProblem } from '../../../server/request-context.ts'
import { findAnomalies } from './anomalies.ts'
import { createCheckpointScheduler, type CheckpointScheduler } from './checkpoints.ts'
import {
  detailRows,
  entryDetailRows,
  entryRow,
  filterOptions,
  paginationFor,
  resultSummary,
  searchUrl,
} from './presenters.ts'
import { findAuditEntry, type AuditReadScope } from './queries.ts'
import { filtersForAudit, parseAuditSearch, searchAuditLog } from './search.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Writes a checkpoint of the audit chain after every 100 committed entries. */
    auditCheckpoints: CheckpointScheduler
  }
}

/**
 * The audit log's pages. Who reads what (B5): audit:read-all (administrator, auditor) reads
 * everything under /audit; audit:read-team (supervisor) reads the actions of the members of
 * their teams under /audit/team; everyone else is refused by the route declaration.
 */
export function registerAuditRoutes(app: FastifyInstance): void {
  const { db, config, clock } = app.deps
  const route = defineRoutes(app)

  const scheduler = createCheckpointScheduler(db, config.auditCheckpointDir, {
    now: () => clock.now(),
    log: (line) => app.log.info(line),
    onError: (error) => app.log.error({ err: error }, 'audit checkpoint failed'),
  })
  app.decorate('auditCheckpoints', scheduler)
  // After the response, so the entries the request wrote are committed. Public reads (assets,
  // health) write no audit; anything they miss the next request or the hourly timer catches.
  app.addHook('onResponse', async (request) => {
    const access = request.routeOptions.config?.access
    if (!access || (access.permission === 'public' && (request.method === 'GET' || request.method === 'HEAD'))) return
    void scheduler.afterCommit()
  })
  // A check still running must finish before the database closes.
  app.addHook('onClose', async () => scheduler.idle())

  const everything = (): AuditReadScope => ({ kind: 'all' })
  const teamsOf = (request: FastifyRequest): AuditReadScope => ({ kind: 'teams', teamIds: request.user?.teamIds ?? [] })

  route.get('/audit', {
    permission: 'audit:read-all',
    dataClass: 'audit',
    audit: 'consult',
    handler: (request, reply) => showSearch(request, reply, everything(), '/audit'),
  })
  route.get('/audit/team', {
    permission: 'audit:read-team',
    dataClass: 'audit',
    audit: 'consult',
    handler: (request, reply) => showSearch(request, reply, teamsOf(request), '/audit/team'),
  })
  route.get('/audit/anomalies', {
    permission: 'audit:read-all',
    dataClass: 'audit',
    audit: 'consult',
    handler: showAnomalies,
  })
  route.get('/audit/:seq', {
    permission: 'audit:read-all',
    dataClass: 'audit',
    audit: 'consult',
    handler: (request, reply) => showEntry(request, reply, everything(), '/audit'),
  })
  route.get('/audit/team/:seq', {
    permission: 'audit:read-team',
    dataClass: 'audit',
    audit: 'consult',
    handler: (request, reply) => showEntry(request, reply, teamsOf(request), '/audit/team'),
  })

  async function showSearch(request: FastifyRequest, reply: FastifyReply, scope: AuditReadScope, basePath: string) {
    const heading = scope.kind === 'all' ? 'Audit log' : "Your teams' audit log"
    const parsed = parseAuditSearch(request.query)
    if (!parsed.ok) {
      await request.audit({
        action: 'security',
        event: 'VALIDATION_FAILED',
        outcome: 'failure',
        details: { route: basePath, fields: Object.keys(parsed.errors) },
      })
      const errors = parsed.errors as Record<string, string>
      return reply.code(400).render('platform/audit/pages/search.njk', {
        pageTitle: heading,
        heading,
        basePath,
        filters: parsed.filters,
        options: filterOptions(parsed.filters),
        errors,
        errorList: Object.entries(errors).map(([name, text]) => ({ text, href: name === 'page' ? undefined : `#${name}` })),
      })
    }
    const { filters, page } = parsed.request
    const result = await searchAuditLog(db, parsed.conditions, scope, page)
    await request.audit({
      action: 'consult',
      event: 'SEARCH_AUDIT',
      recordType: 'audit_event',
      recordIds: result.entries.map((entry) => String(entry.seq)),
      details: { ...filtersForAudit(filters), page, scope: scope.kind, matches: result.total },
    })
    return reply.render('platform/audit/pages/search.njk', {
      pageTitle: heading,
      heading,
      basePath,
      filters,
      options: filterOptions(filters),
      errors: {},
      rows: result.entries.map((entry) => entryRow(entry, basePath)),
      summary: resultSummary(result),
      pagination: paginationFor(basePath, filters, result),
      clearUrl: searchUrl(basePath, { action: '', event: '', actor: '', recordType: '', recordId: '', from: '', to: '', outcome: '' }),
    })
  }

  async function showEntry(request: FastifyRequest, reply: FastifyReply, scope: AuditReadScope, basePath: string) {
    const { seq } = request.params as { seq: string }
    const entry = /^\d{1,15}$/.test(seq) ? await findAuditEntry(db, Number(seq), scope) : undefined
    if (!entry) {
      return sendProblem(request, reply, 404, 'not_found', 'Audit entry not found', [
        scope.kind === 'all'
          ? `There is no audit entry ${seq}.`
          : `There is no audit entry ${seq} among the actions of your teams.`,
      ])
    }
    await request.audit({ action: 'consult', event: 'VIEW_AUDIT_ENTRY', recordType: 'audit_event', recordIds: [String(entry.seq)] })
    return reply.render('platform/audit/pages/entry.njk', {
      pageTitle: `Audit entry ${entry.seq}`,
      entry,
      basePath,
      rows: entryDetailRows(entry),
      details: detailRows(entry.details),
    })
  }

  async function showAnomalies(request: FastifyRequest, reply: FastifyReply) {
    const report = await findAnomalies(db, clock.now())
    await request.audit({
      action: 'consult',
      event: 'VIEW_AUDIT_ANOMALIES',
      recordType: 'audit_event',
      details: {
        frequentViews: report.frequentPersonViews.length,
        outOfHoursBulkViews: report.outOfHoursBulkViews.length,
        dormantAccounts: report.dormantAccounts.length,
      },
    })
    return reply.render('platform/audit/pages/anomalies.njk', { pageTitle: 'Audit anomalies', report })
  }
}
