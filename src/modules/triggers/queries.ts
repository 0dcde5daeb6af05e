import { sql, type Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'
import { inTransaction } from '../../db/in-transaction.ts'
import { DomainError, notFound } from '../../errors.ts'
import { recordAudit } from '../platform/audit/audit-log.ts'
import { roleHasPermission, type Role } from '../platform/roles.ts'
import { validateRule, type RuleProblem, type TriggerRule } from './rule-definition.ts'
import type { RuleVersionStatus } from './tables.ts'
import { fingerprintOf } from './page-forms.ts'
import { userNames } from './page-queries.ts'

const londonDateTime = (date: Date) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(date)

/** Who is changing rules: the signed-in user, with the role their session carries. */
export interface RuleEditor {
  userId: string
  role: Role
  requestId?: string | null
}

export type DraftSaved =
  { ok: true; key: string; version: number; created: boolean } | { ok: false; problems: RuleProblem[] }

export interface RuleVersionSummary {
  version: number
  status: RuleVersionStatus
  createdBy: string | null
  createdAt: Date
  approvedBy: string | null
  approvedAt: Date | null
  retiredAt: Date | null
}

export interface RuleSummary {
  key: string
  title: string
  /** The approved version, if the rule is live. */
  live: number | null
  draft: number | null
  versions: RuleVersionSummary[]
}

const auditDetails = (editor: RuleEditor) => ({
  actorUserId: editor.userId,
  requestId: editor.requestId ?? null,
})

/**
 * Saves a draft version of a rule, new or changed. The definition is validated first: a refused
 * rule comes back as its problems and nothing is written. The version number is the next one of
 * the rule (the definition's own version field is replaced). A rule has at most one draft: saving
 * again replaces it, and whoever saved last counts as its author for the four-eyes check.
 */
export async function saveDraft(
  db: Kysely<Database>,
  definition: unknown,
  editor: RuleEditor,
): Promise<DraftSaved> {
  if (!roleHasPermission(editor.role, 'triggers:edit')) {
    throw new DomainError('forbidden', 'Your role may not write trigger rules')
  }
  const isObject = typeof definition === 'object' && definition !== null && !Array.isArray(definition)
  // The version is the database's to number, so whatever the definition says there is ignored.
  const first = validateRule(isObject ? { ...definition, version: 1 } : definition)
  if (!first.ok) return first
  const { key } = first.rule
  return inTransaction(db, async (trx) => {
    await trx
      .insertInto('trigger_rule')
      .values({ key, title: first.rule.title })
      .onConflict((conflict) => conflict.column('key').doNothing())
      .execute()
    // Locks the rule, so two people saving drafts of it at once get consecutive versions.
    const rule = await trx
      .selectFrom('trigger_rule')
      .select('id')
      .where('key', '=', key)
      .forUpdate()
      .executeTakeFirstOrThrow()
    const versions = await trx
      .selectFrom('trigger_rule_version')
      .select(['id', 'version', 'status'])
      .where('rule_id', '=', rule.id)
      .execute()
    const draft = versions.find((row) => row.status === 'draft')
    const version = draft?.version ?? Math.max(0, ...versions.map((row) => row.version)) + 1
    const checked = validateRule({ ...(definition as object), version })
    if (!checked.ok) return checked
    const stored = JSON.stringify(checked.rule)
    let versionId: number
    if (draft) {
      await trx
        .updateTable('trigger_rule_version')
        .set({ definition: stored, created_by: editor.userId, updated_at: sql<Date>`now()` })
        .where('id', '=', draft.id)
        .execute()
      versionId = draft.id
    } else {
      const inserted = await trx
        .insertInto('trigger_rule_version')
        .values({ rule_id: rule.id, version, definition: stored, status: 'draft', created_by: editor.userId })
        .returning('id')
        .executeTakeFirstOrThrow()
      versionId = inserted.id
    }
    await recordAudit(trx, {
      ...auditDetails(editor),
      action: 'alter',
      event: draft ? 'UPDATE_TRIGGER_RULE_DRAFT' : 'CREATE_TRIGGER_RULE_DRAFT',
      recordType: 'trigger_rule_version',
      recordIds: [String(versionId)],
      details: { ruleKey: key, version },
    })
    return { ok: true as const, key, version, created: !draft }
  })
}

/**
 * Puts a draft live: only a role with triggers:approve, never the draft's author. The version
 * that was live is retired in the same transaction, so a run always sees exactly one version.
 * Given the fingerprint of the definition the approver read, the check is made under the row's
 * lock: of two approvals at once, or an approval racing the author's save, exactly one outcome
 * stands and the other is a conflict naming who did what, and when.
 */
export async function approveDraft(
  db: Kysely<Database>,
  key: string,
  version: number,
  approver: RuleEditor,
  read: { fingerprint?: string } = {},
): Promise<TriggerRule> {
  if (!roleHasPermission(approver.role, 'triggers:approve')) {
    throw new DomainError('forbidden', 'Only a supervisor may approve a trigger rule')
  }
  return inTransaction(db, async (trx) => {
    const draft = await trx
      .selectFrom('trigger_rule_version as v')
      .innerJoin('trigger_rule as r', 'r.id', 'v.rule_id')
      .select([
        'v.id',
        'v.rule_id',
        'v.status',
        'v.created_by',
        'v.definition',
        'v.updated_at',
        'v.approved_by',
        'v.approved_at',
      ])
      .where('r.key', '=', key)
      .where('v.version', '=', version)
      .forUpdate()
      .executeTakeFirst()
    if (!draft) throw notFound(`Version ${version} of trigger rule '${key}'`)
    if (draft.status !== 'draft') {
      const names = await userNames(trx, [draft.approved_by])
      const when = draft.approved_at ? ` at ${londonDateTime(new Date(draft.approved_at))}` : ''
      const approval = draft.approved_by
        ? `${names.get(draft.approved_by) ?? 'another supervisor'} approved it${when}`
        : 'it was shipped approved with Upstream'
      throw new DomainError(
        'conflict',
        `Version ${version} of '${key}' is ${draft.status}, not a draft: ${approval}`,
      )
    }
    if (read.fingerprint !== undefined) {
      const current = validateRule(draft.definition)
      if (!current.ok || fingerprintOf(current.rule) !== read.fingerprint) {
        const names = await userNames(trx, [draft.created_by])
        const savedBy = (draft.created_by && names.get(draft.created_by)) || 'someone'
        throw new DomainError(
          'conflict',
          `The draft of '${key}' was saved again since you opened it, by ${savedBy} at ${londonDateTime(new Date(draft.updated_at))}: read it again before approving`,
        )
      }
    }
    if (draft.created_by === approver.userId) {
      throw new DomainError(
        'forbidden',
        `You wrote version ${version} of '${key}': someone else must approve it`,
      )
    }
    const checked = validateRule(draft.definition)
    if (!checked.ok) {
      throw new DomainError(
        'invalid',
        `Version ${version} of '${key}' no longer validates: ${checked.problems[0]!.message}`,
      )
    }
    const retired = await trx
      .updateTable('trigger_rule_version')
      .set({ status: 'retired', retired_at: sql<Date>`now()` })
      .where('rule_id', '=', draft.rule_id)
      .where('status', '=', 'approved')
      .returning('version')
      .executeTakeFirst()
    await trx
      .updateTable('trigger_rule_version')
      .set({ status: 'approved', approved_by: approver.userId, approved_at: sql<Date>`now()` })
      .where('id', '=', draft.id)
      .execute()
    await trx
      .updateTable('trigger_rule')
      .set({ title: checked.rule.title })
      .where('id', '=', draft.rule_id)
      .execute()
    await recordAudit(trx, {
      ...auditDetails(approver),
      action: 'alter',
      event: 'APPROVE_TRIGGER_RULE',
      recordType: 'trigger_rule_version',
      recordIds: [String(draft.id)],
      details: {
        ruleKey: key,
        version,
        retiredVersion: retired?.version ?? null,
        authorUserId: draft.created_by,
      },
    })
    return checked.rule
  })
}

/** Every rule with its versions, newest first. */
export async function listRules(db: Kysely<Database>): Promise<RuleSummary[]> {
  const rows = await db
    .selectFrom('trigger_rule as r')
    .innerJoin('trigger_rule_version as v', 'v.rule_id', 'r.id')
    .select([
      'r.key',
      'r.title',
      'v.version',
      'v.status',
      'v.created_by',
      'v.created_at',
      'v.approved_by',
      'v.approved_at',
      'v.retired_at',
    ])
    .orderBy('r.key')
    .orderBy('v.version', 'desc')
    .execute()
  const rules = new Map<string, RuleSummary>()
  for (const row of rows) {
    const rule = rules.get(row.key) ?? {
      key: row.key,
      title: row.title,
      live: null,
      draft: null,
      versions: [],
    }
    rules.set(row.key, rule)
    if (row.status === 'approved') rule.live = row.version
    if (row.status === 'draft') rule.draft = row.version
    rule.versions.push({
      version: row.version,
      status: row.status,
      createdBy: row.created_by,
      createdAt: new Date(row.created_at),
      approvedBy: row.approved_by,
      approvedAt: row.approved_at === null ? null : new Date(row.approved_at),
      retiredAt: row.retired_at === null ? null : new Date(row.retired_at),
    })
  }
  return [...rules.values()]
}

/** One version of a rule as written, whatever its status (for a dry run of a draft). */
export async function ruleVersion(db: Kysely<Database>, key: string, version: number): Promise<TriggerRule> {
  const row = await db
    .selectFrom('trigger_rule_version as v')
    .innerJoin('trigger_rule as r', 'r.id', 'v.rule_id')
    .select('v.definition')
    .where('r.key', '=', key)
    .where('v.version', '=', version)
    .executeTakeFirst()
  if (!row) throw notFound(`Version ${version} of trigger rule '${key}'`)
  const checked = validateRule(row.definition)
  if (!checked.ok)
    throw new DomainError(
      'invalid',
      `Version ${version} of '${key}' does not validate: ${checked.problems[0]!.message}`,
    )
  return checked.rule
}

/**
 * The approved version of every live rule, for a run. A stored definition that no longer
 * validates (the language changed under it) is left out and reported, never run half-understood.
 */
export async function liveRules(
  db: Kysely<Database>,
): Promise<{ rules: TriggerRule[]; refused: { key: string; version: number; problems: RuleProblem[] }[] }> {
  const rows = await db
    .selectFrom('trigger_rule_version as v')
    .innerJoin('trigger_rule as r', 'r.id', 'v.rule_id')
    .select(['r.key', 'v.version', 'v.definition'])
    .where('v.status', '=', 'approved')
    .orderBy('r.key')
    .execute()
  const rules: TriggerRule[] = []
  const refused: { key: string; version: number; problems: RuleProblem[] }[] = []
  for (const row of rows) {
    const checked = validateRule(row.definition)
    if (checked.ok) rules.push(checked.rule)
    else refused.push({ key: row.key, version: row.version, problems: checked.problems })
  }
  return { rules, refused }
}
