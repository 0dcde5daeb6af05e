/** What other modules may use of the triggers module. */
export type {
  PersonTimeline,
  HouseholdMember,
  TimelineEvent,
  EventKind,
  EventRole,
  EventFlag,
} from './timeline.ts'
export { EVENT_KINDS, EVENT_ROLES, EVENT_FLAGS, TimelineError } from './timeline.ts'
export type { TriggerRule, RuleProblem, RuleValidation, Priority, EvidenceSource } from './rule-definition.ts'
export { validateRule, describeProblems, PRIORITIES } from './rule-definition.ts'
export type { TriggerHit, EvidenceItem, RuleRun, StoppedRule } from './evaluate.ts'
export { evaluateRule, runRules } from './evaluate.ts'
export type { DryRun } from './dry-run.ts'
export { dryRun, firstFiring } from './dry-run.ts'
export type { RfgScheme, RfgScore } from './rfg.ts'
export { DEFAULT_RFG_SCHEME, rfgScore } from './rfg.ts'
export { SHIPPED_RULES, shippedRule } from './shipped-rules.ts'
export type { RuleEditor, RuleSummary, RuleVersionSummary, DraftSaved } from './queries.ts'
export { saveDraft, approveDraft, listRules, liveRules, ruleVersion } from './queries.ts'
