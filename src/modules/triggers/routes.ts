import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { withViewerScope } from '../../db/viewer-scope.ts'
import { defineRoutes } from '../../server/define-route.ts'
import { sendProblem } from '../../server/request-context.ts'
import { formText, queryText } from '../platform/admin/forms.ts'
import { roleHasPermission } from '../platform/roles.ts'
import { partnershipDate } from '../platform/sharing.ts'
import { referralConversion } from '../referrals/index.ts'
import { lastCompletedRun, recentTriggerRuns, userNames } from './page-queries.ts'
import { fingerprintOf, isRuleKey, lastYear, parseDefinition, versionNumber } from './page-forms.ts'
import {
  conversionOfVersion,
  definitionText,
  dryRunTables,
  problemList,
  ruleInWords,
  ruleListRows,
} from './presenters.ts'
import { listRules, ruleVersion, type RuleSummary } from './queries.ts'
import type { RuleProblem } from './rule-definition.ts'
import { registerTriggerApiRoutes } from './api-routes.ts'
import { approveReadDraft, dryRunAuditEntry, dryRunVersion, saveRuleDraft } from './rule-actions.ts'
import { runTriggers } from './trigger-run.ts'

/**
 * Trigger rules pages (issue 5): the rules with their last run and conversion, one rule in plain
 * words with its history, a draft written as JSON, a dry run on history, approval by a second
 * person, and the runs. Every page works without JavaScript.
 *
 * Rule pages are dataClass 'none': a definition is configuration, and the counts on them are
 * totals over the partnership. A dry run reads every linked person's timeline and gives counts
 * by LSOA and month small enough to point at someone, so it is 'personal' and audited as a
 * consultation (docs/triggers/README.md, Pages).
 */
export function registerTriggerRoutes(app: FastifyInstance): void {
  registerTriggerApiRoutes(app)
  const route = defineRoutes(app)
  const { db, clock } = app.deps
  const viewer = (request: FastifyRequest) => request.user as NonNullable<FastifyRequest['user']>
  const editor = (request: FastifyRequest) => ({
    userId: viewer(request).id,
    role: viewer(request).role,
    requestId: request.id,
  })
  const keyParam = (request: FastifyRequest) => (request.params as { key?: string }).key ?? ''

  async function findRule(request: FastifyRequest): Promise<RuleSummary | null> {
    const key = keyParam(request)
    if (!isRuleKey(key)) return null
    return (await listRules(db)).find((rule) => rule.key === key) ?? null
  }

  const ruleNotFound = (request: FastifyRequest, reply: FastifyReply) =>
    sendProblem(request, reply, 404, 'not_found', 'No such trigger rule', [
      'Check the address, or go back to the list of trigger rules.',
    ])

  route.get('/triggers', {
    permission: 'triggers:read',
    dataClass: 'none',
    handler: async (request, reply) => {
      const [rules, lastRun, conversions] = await Promise.all([
        listRules(db),
        lastCompletedRun(db),
        referralConversion(db, viewer(request).organisationId),
      ])
      return reply.render('triggers/pages/list.njk', {
        pageTitle: 'Trigger rules',
        rules: ruleListRows(rules, lastRun, conversions),
        lastRun,
        mayEdit: roleHasPermission(viewer(request).role, 'triggers:edit'),
      })
    },
  })

  route.get('/triggers/runs', {
    permission: 'triggers:read',
    dataClass: 'none',
    handler: async (request, reply) =>
      reply.render('triggers/pages/runs.njk', {
        pageTitle: 'Trigger runs',
        runs: await recentTriggerRuns(db, 50),
        mayRun: roleHasPermission(viewer(request).role, 'triggers:approve'),
        started: queryText(request, 'started') === '1',
      }),
  })

  route.post('/triggers/runs', {
    permission: 'triggers:approve',
    dataClass: 'personal',
    audit: 'combine',
    handler: async (request, reply) => {
      // The run goes on after the answer (runTriggers records and audits it); its row shows
      // "running" until it ends.
      void runTriggers(db, { startedBy: viewer(request).id, clock }).catch((error: unknown) => {
        request.log.error({ err: error }, 'trigger run failed')
      })
      return reply.code(303).redirect('/triggers/runs?started=1')
    },
  })

  const renderDraftForm = (
    reply: FastifyReply,
    options: { rule: RuleSummary | null; text: string; problems?: RuleProblem[]; saved?: number | null },
  ) => {
    const action = options.rule ? `/triggers/${options.rule.key}/draft` : '/triggers/new'
    return reply.render('triggers/pages/draft.njk', {
      pageTitle: options.rule ? `Edit ${options.rule.title}` : 'New trigger rule',
      rule: options.rule,
      action,
      text: options.text,
      errorList: options.problems ? problemList(options.problems) : undefined,
      saved: options.saved ?? null,
    })
  }

  route.get('/triggers/new', {
    permission: 'triggers:edit',
    dataClass: 'none',
    handler: async (_request, reply) => renderDraftForm(reply, { rule: null, text: '' }),
  })

  route.post('/triggers/new', {
    permission: 'triggers:edit',
    dataClass: 'none',
    audit: 'alter',
    handler: async (request, reply) => {
      const text = formText(request.body, 'definition')
      const parsed = parseDefinition(text)
      const saved = parsed.ok ? await saveRuleDraft(db, null, parsed.definition, editor(request)) : parsed
      if (saved.ok) return reply.code(303).redirect(`/triggers/${saved.key}/draft?saved=${saved.version}`)
      reply.code(400)
      return renderDraftForm(reply, { rule: null, text, problems: saved.problems })
    },
  })

  route.get('/triggers/:key', {
    permission: 'triggers:read',
    dataClass: 'none',
    handler: async (request, reply) => {
      const rule = await findRule(request)
      if (!rule) return ruleNotFound(request, reply)
      const [live, draft, names, conversions] = await Promise.all([
        rule.live === null ? null : ruleVersion(db, rule.key, rule.live),
        rule.draft === null ? null : ruleVersion(db, rule.key, rule.draft),
        userNames(
          db,
          rule.versions.flatMap((v) => [v.createdBy, v.approvedBy]),
        ),
        referralConversion(db, viewer(request).organisationId),
      ])
      const user = viewer(request)
      const author = rule.versions.find((v) => v.status === 'draft')?.createdBy ?? null
      const nameOf = (id: string | null) =>
        id === null ? 'Upstream (shipped)' : (names.get(id) ?? 'A former user')
      return reply.render('triggers/pages/rule.njk', {
        pageTitle: rule.title,
        rule,
        live: live && { words: ruleInWords(live), json: definitionText(live) },
        draft: draft && {
          words: ruleInWords(draft),
          json: definitionText(draft),
          fingerprint: fingerprintOf(draft),
          author: nameOf(author),
        },
        mayEdit: roleHasPermission(user.role, 'triggers:edit'),
        mayApprove: roleHasPermission(user.role, 'triggers:approve') && author !== user.id,
        isAuthor: author === user.id,
        approved: versionNumber(queryText(request, 'approved')),
        history: rule.versions.map((v) => ({
          ...v,
          createdByName: nameOf(v.createdBy),
          approvedByName: v.approvedBy === null ? (v.approvedAt ? nameOf(null) : '') : nameOf(v.approvedBy),
          conversion: conversionOfVersion(
            conversions.find((c) => c.ruleKey === rule.key && c.ruleVersion === v.version),
          ),
        })),
      })
    },
  })

  route.get('/triggers/:key/draft', {
    permission: 'triggers:edit',
    dataClass: 'none',
    handler: async (request, reply) => {
      const rule = await findRule(request)
      if (!rule) return ruleNotFound(request, reply)
      const shown = rule.draft ?? rule.live ?? rule.versions[0]!.version
      return renderDraftForm(reply, {
        rule,
        text: definitionText(await ruleVersion(db, rule.key, shown)),
        saved: versionNumber(queryText(request, 'saved')),
      })
    },
  })

  route.post('/triggers/:key/draft', {
    permission: 'triggers:edit',
    dataClass: 'none',
    audit: 'alter',
    handler: async (request, reply) => {
      const rule = await findRule(request)
      if (!rule) return ruleNotFound(request, reply)
      const text = formText(request.body, 'definition')
      const parsed = parseDefinition(text)
      const saved = parsed.ok ? await saveRuleDraft(db, rule, parsed.definition, editor(request)) : parsed
      if (saved.ok) return reply.code(303).redirect(`/triggers/${rule.key}/draft?saved=${saved.version}`)
      reply.code(400)
      return renderDraftForm(reply, { rule, text, problems: saved.problems })
    },
  })

  route.get('/triggers/:key/dry-run', {
    permission: 'triggers:read',
    dataClass: 'personal',
    audit: 'consult',
    handler: async (request, reply) => {
      const rule = await findRule(request)
      if (!rule) return ruleNotFound(request, reply)
      const defaults = lastYear(partnershipDate(clock.now()))
      const versionText = queryText(request, 'version')
      const values = {
        version: versionText || String(rule.draft ?? rule.live ?? rule.versions[0]!.version),
        from: queryText(request, 'from') || defaults.from,
        to: queryText(request, 'to') || defaults.to,
      }
      const render = (extra: Record<string, unknown>) =>
        reply.render('triggers/pages/dry-run.njk', {
          pageTitle: `Dry run: ${rule.title}`,
          rule,
          values,
          versions: rule.versions.map((v) => ({
            value: String(v.version),
            text: `Version ${v.version} (${v.status})`,
            selected: String(v.version) === values.version,
          })),
          ...extra,
        })
      // Nothing is read until the viewer asks for a period.
      if (!queryText(request, 'from') && !queryText(request, 'to')) return render({})
      const scope = { ...viewer(request), on: clock.now() }
      const outcome = await withViewerScope(db, scope, null, (trx) => dryRunVersion(trx, rule, values))
      if (!outcome.ok) {
        reply.code(400)
        return render({
          errors: outcome.errors,
          errorList: Object.entries(outcome.errors).map(([field, text]) => ({ text, href: `#${field}` })),
        })
      }
      const { result, peopleRead } = outcome
      await request.audit(dryRunAuditEntry(outcome))
      return render({ result, tables: dryRunTables(result, outcome.areaNames), peopleRead })
    },
  })

  route.post('/triggers/:key/approve', {
    permission: 'triggers:approve',
    dataClass: 'none',
    audit: 'alter',
    handler: async (request, reply) => {
      const rule = await findRule(request)
      if (!rule) return ruleNotFound(request, reply)
      const version = formText(request.body, 'version')
      const approved = await approveReadDraft(
        db,
        rule,
        version,
        formText(request.body, 'fingerprint'),
        editor(request),
      )
      if (!approved.ok) {
        return sendProblem(request, reply, 409, 'conflict', approved.conflict, [
          `Nothing was approved. Open the rule again to see its versions as they are now: /triggers/${rule.key}`,
        ])
      }
      return reply.code(303).redirect(`/triggers/${rule.key}?approved=${approved.rule.version}`)
    },
  })
}
