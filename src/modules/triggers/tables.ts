import type { ColumnType, Generated } from 'kysely'

/** Table types of the triggers module (migration 0015). */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>

export const RULE_VERSION_STATUSES = ['draft', 'approved', 'retired'] as const
export type RuleVersionStatus = (typeof RULE_VERSION_STATUSES)[number]

export interface TriggerRuleTable {
  id: Generated<number>
  key: string
  title: string
  created_at: Generated<Date>
}

export interface TriggerRuleVersionTable {
  id: Generated<number>
  rule_id: number
  version: number
  /** The rule as validateRule returned it. */
  definition: ColumnType<unknown, string, string>
  status: RuleVersionStatus
  /** Null for the rules shipped with Upstream. */
  created_by: string | null
  created_at: Generated<Date>
  updated_at: Generated<Date>
  approved_by: string | null
  approved_at: Timestamp | null
  retired_at: Timestamp | null
}

/** A run of the live rules over every timeline (trigger-run.ts, migration 0017). */
export interface TriggerRunTable {
  id: Generated<number>
  status: 'running' | 'completed' | 'failed'
  as_of: string
  started_by: string | null
  started_at: Timestamp
  finished_at: Timestamp | null
  people: Generated<number>
  hits: Generated<number>
  referrals_raised: Generated<number>
  evidence_added: Generated<number>
  hits_by_rule: ColumnType<Record<string, number>, string | undefined, string>
  stopped_rules: ColumnType<
    { ruleKey: string; ruleVersion: number; personId: number | null; message: string }[],
    string | undefined,
    string
  >
  unrouted: ColumnType<{ personId: number; ruleKey: string; reason: string }[], string | undefined, string>
  error: string | null
}

export interface TriggerTables {
  trigger_run: TriggerRunTable
  trigger_rule: TriggerRuleTable
  trigger_rule_version: TriggerRuleVersionTable
}
