import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { withViewerScope } from '../../db/viewer-scope.ts'
import { defineRoutes } from '../../server/define-route.ts'
import { sendProblem } from '../../server/request-context.ts'
import { API_PREFIX } from '../platform/api/routes.ts'
import {
  approveSchema,
  dryRunSchema,
  getRuleSchema,
  listRulesSchema,
  saveDraftSchema,
} from './api-schemas.ts'
import { fingerprintOf, isRuleKey } from './page-forms.ts'
import { listRules, ruleVersion, type RuleSummary } from './queries.ts'
import { approveReadDraft, dryRunAuditEntry, dryRunVersion, saveRuleDraft } from './rule-actions.ts'
import type { RuleProblem } from './rule-definition.ts'

/** /api/v1/triggers: the rules pages' reads and changes as JSON, with the same checks and audit. */
export function registerTriggerApiRoutes(app: FastifyInstance): void {
  const route = defineRoutes(app)
  const { db, clock } = app.deps
  const viewer = (request: FastifyRequest) => request.user as NonNullable<FastifyRequest['user']>
  const editor = (request: FastifyRequest) => ({
    userId: viewer(request).id,
    role: viewer(request).role,
    requestId: request.id,
  })
  const keyOf = (request: FastifyRequest) => (request.params as { key: string }).key
  const findRule = async (key: string) =>
    isRuleKey(key) ? ((await listRules(db)).find((rule) => rule.key === key) ?? null) : null
  const notFound = (request: FastifyRequest, reply: FastifyReply) =>
    sendProblem(request, reply, 404, 'not_found', `No trigger rule '${keyOf(request).slice(0, 100)}'`, [])
  const refused = (request: FastifyRequest, reply: FastifyReply, problems: readonly RuleProblem[]) => {
    const fields: Record<string, string> = {}
    for (const problem of problems)
      fields[problem.path] = fields[problem.path]
        ? `${fields[problem.path]}; ${problem.message}`
        : problem.message
    return sendProblem(
      request,
      reply,
      400,
      'invalid',
      'The rule was refused: nothing was saved',
      problems.map((p) => `${p.path}: ${p.message}`),
      fields,
    )
  }
  const summaryJson = (rule: RuleSummary) => ({
    ...rule,
    versions: rule.versions.map((v) => ({
      ...v,
      createdAt: v.createdAt.toISOString(),
      approvedAt: v.approvedAt?.toISOString() ?? null,
      retiredAt: v.retiredAt?.toISOString() ?? null,
    })),
  })

  route.get(`${API_PREFIX}/triggers`, {
    permission: 'triggers:read',
    dataClass: 'none',
    schema: listRulesSchema,
    handler: async () => ({ rules: (await listRules(db)).map(summaryJson) }),
  })

  route.get(`${API_PREFIX}/triggers/:key`, {
    permission: 'triggers:read',
    dataClass: 'none',
    schema: getRuleSchema,
    handler: async (request, reply) => {
      const rule = await findRule(keyOf(request))
      if (!rule) return notFound(request, reply)
      const live = rule.live === null ? null : await ruleVersion(db, rule.key, rule.live)
      const draft = rule.draft === null ? null : await ruleVersion(db, rule.key, rule.draft)
      return {
        ...summaryJson(rule),
        liveDefinition: live,
        draftDefinition: draft,
        draftFingerprint: draft && fingerprintOf(draft),
      }
    },
  })

  route.post(`${API_PREFIX}/triggers/:key/draft`, {
    permission: 'triggers:edit',
    dataClass: 'none',
    audit: 'alter',
    schema: saveDraftSchema,
    handler: async (request, reply) => {
      const key = keyOf(request)
      const rule = await findRule(key)
      const given = (request.body as Record<string, unknown>).key
      // A new rule is written at its own address, so the two keys must agree.
      if (!rule && given !== key)
        return refused(request, reply, [
          { path: 'key', message: `must be '${key.slice(0, 100)}', the key in the address` },
        ])
      const saved = await saveRuleDraft(db, rule, request.body, editor(request))
      if (!saved.ok) return refused(request, reply, saved.problems)
      const stored = await ruleVersion(db, saved.key, saved.version)
      return reply
        .code(201)
        .send({ key: saved.key, version: saved.version, fingerprint: fingerprintOf(stored) })
    },
  })

  route.post(`${API_PREFIX}/triggers/:key/approve`, {
    permission: 'triggers:approve',
    dataClass: 'none',
    audit: 'alter',
    schema: approveSchema,
    handler: async (request, reply) => {
      const rule = await findRule(keyOf(request))
      if (!rule) return notFound(request, reply)
      const body = request.body as { version: number; fingerprint: string }
      const approved = await approveReadDraft(
        db,
        rule,
        String(body.version),
        body.fingerprint,
        editor(request),
      )
      if (!approved.ok)
        return sendProblem(request, reply, 409, 'conflict', approved.conflict, ['Nothing was approved.'])
      return { key: rule.key, version: approved.rule.version }
    },
  })

  route.get(`${API_PREFIX}/triggers/:key/dry-run`, {
    permission: 'triggers:read',
    dataClass: 'personal',
    audit: 'consult',
    schema: dryRunSchema,
    handler: async (request, reply) => {
      const rule = await findRule(keyOf(request))
      if (!rule) return notFound(request, reply)
      const query = request.query as { version: string; from: string; to: string }
      const scope = { ...viewer(request), on: clock.now() }
      const outcome = await withViewerScope(db, scope, null, (trx) => dryRunVersion(trx, rule, query))
      if (!outcome.ok) {
        return sendProblem(
          request,
          reply,
          400,
          'invalid',
          'The dry run was not started',
          Object.values(outcome.errors),
          outcome.errors,
        )
      }
      const { result, peopleRead } = outcome
      await request.audit(dryRunAuditEntry(outcome))
      return {
        ...result,
        peopleRead,
        byArea: result.byArea.map((row) => ({
          ...row,
          lsoaName: row.lsoaCode === null ? null : (outcome.areaNames.get(row.lsoaCode) ?? null),
        })),
      }
    },
  })
}
