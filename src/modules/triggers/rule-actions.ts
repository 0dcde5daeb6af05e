import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'
import type { AuditEntryInput } from '../platform/audit/audit-log.ts'
import { loadTimelines } from '../people/timelines.ts'
import { dryRun, type DryRun } from './dry-run.ts'
import { lsoaNames } from './page-queries.ts'
import { DomainError } from '../../errors.ts'
import { dryRunPeriod, keyOf, RESERVED_KEYS, versionNumber } from './page-forms.ts'
import {
  approveDraft,
  listRules,
  ruleVersion,
  saveDraft,
  type RuleEditor,
  type RuleSummary,
} from './queries.ts'
import type { RuleProblem, TriggerRule } from './rule-definition.ts'

/**
 * What the pages and the API both do with a rule, so the two give the same answers: save a
 * draft (new or of a given rule), dry-run a version over a period, approve what was read.
 */

export type DraftOutcome = { ok: true; key: string; version: number } | { ok: false; problems: RuleProblem[] }

/** Saves a draft of `rule`, or a new rule when it is null; a key that does not fit is refused like any problem. */
export async function saveRuleDraft(
  db: Kysely<Database>,
  rule: RuleSummary | null,
  definition: unknown,
  editor: RuleEditor,
): Promise<DraftOutcome> {
  const key = keyOf(definition)
  if (rule && key !== null && key !== rule.key) {
    return {
      ok: false,
      problems: [
        { path: 'key', message: `must stay '${rule.key}': to write another rule, start a new rule` },
      ],
    }
  }
  if (!rule && key !== null) {
    if (RESERVED_KEYS.has(key)) {
      return {
        ok: false,
        problems: [
          { path: 'key', message: `'${key}' is a word the pages use in addresses: choose another key` },
        ],
      }
    }
    if ((await listRules(db)).some((existing) => existing.key === key)) {
      return {
        ok: false,
        problems: [{ path: 'key', message: `a rule '${key}' already exists: edit it from its page instead` }],
      }
    }
  }
  const saved = await saveDraft(db, definition, editor)
  return saved.ok ? { ok: true, key: saved.key, version: saved.version } : saved
}

export type DryRunOutcome =
  | { ok: false; errors: Record<string, string> }
  | { ok: true; definition: TriggerRule; result: DryRun; peopleRead: number; areaNames: Map<string, string> }

/** A dry run of one version of a rule, after checking the version and the period (each problem named by its field). */
export async function dryRunVersion(
  db: Kysely<Database>,
  rule: RuleSummary,
  values: { version: string; from: string; to: string },
): Promise<DryRunOutcome> {
  const errors: Record<string, string> = {}
  const version = versionNumber(values.version)
  if (version === null || !rule.versions.some((v) => v.version === version)) {
    const known = rule.versions.map((v) => v.version).join(', ')
    errors.version = `Version: ${rule.key} has no version '${values.version.slice(0, 12)}' (it has ${known})`
  }
  const period = dryRunPeriod(values.from, values.to)
  if (!period.ok) {
    if (period.errors.from) errors.from = period.errors.from
    if (period.errors.to) errors.to = period.errors.to
  }
  if (!period.ok || version === null || Object.keys(errors).length) return { ok: false, errors }
  const definition = await ruleVersion(db, rule.key, version)
  const timelines = await loadTimelines(db)
  const result = dryRun(definition, timelines, period.from, period.to)
  const areaNames = await lsoaNames(
    db,
    result.byArea.map((row) => row.lsoaCode),
  )
  return { ok: true, definition, result, peopleRead: timelines.length, areaNames }
}

/**
 * The audit entry of a dry run: a consultation of every linked person's timeline, for the
 * rule's purpose, recorded by rule and version with the counts (never who was flagged).
 */
export function dryRunAuditEntry(outcome: Extract<DryRunOutcome, { ok: true }>): AuditEntryInput {
  const { result } = outcome
  return {
    action: 'consult',
    event: 'DRY_RUN_TRIGGER_RULE',
    recordType: 'trigger_rule',
    recordIds: [result.ruleKey],
    purpose: outcome.definition.purpose,
    details: {
      ruleKey: result.ruleKey,
      version: result.ruleVersion,
      from: result.from,
      to: result.to,
      peopleRead: outcome.peopleRead,
      peopleFlagged: result.peopleFlagged,
      stopped: result.stopped !== null,
    },
  }
}

export type ApproveOutcome = { ok: true; rule: TriggerRule } | { ok: false; conflict: string }

/**
 * Approves the draft the approver read: its version and the fingerprint of its definition. A
 * version that is no longer the draft, or a draft saved again since, is a conflict and nothing
 * changes; approveDraft checks both under the row's lock, refuses the author and audits.
 */
export async function approveReadDraft(
  db: Kysely<Database>,
  rule: RuleSummary,
  versionText: string,
  fingerprint: string,
  approver: RuleEditor,
): Promise<ApproveOutcome> {
  const version = versionNumber(versionText)
  if (version === null || rule.draft !== version) {
    const status = rule.versions.find((v) => v.version === version)?.status
    return {
      ok: false,
      conflict: status
        ? `Version ${version} of '${rule.key}' is ${status}, no longer a draft: someone acted on it since you opened it`
        : `'${rule.key}' has no draft version ${versionText.slice(0, 12)} to approve`,
    }
  }
  try {
    return { ok: true, rule: await approveDraft(db, rule.key, version, approver, { fingerprint }) }
  } catch (error) {
    if (error instanceof DomainError && error.code === 'conflict')
      return { ok: false, conflict: error.message }
    throw error
  }
}
