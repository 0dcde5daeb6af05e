import { personal, plain, type TableInventory } from '../platform/data-inventory.ts'

/** The triggers module's tables: rule definitions and who wrote and approved them (0015), and its runs (0017). */
export const INVENTORY: TableInventory[] = [
  {
    table: 'trigger_rule',
    description: 'Each trigger rule by its key, with the title of its live version.',
    dataClass: null,
    retention: 'configuration',
    columns: {
      id: plain('Surrogate key'),
      key: plain('The rule’s stable name, e.g. repeat-missing'),
      title: plain('The title of the live version'),
      created_at: plain('When the rule was first saved'),
    },
  },
  {
    table: 'trigger_rule_version',
    description:
      'Every version of every trigger rule, as JSON, with its status; kept for good, because each trigger hit names the version that raised it.',
    dataClass: null,
    retention: 'configuration',
    columns: {
      id: plain('Surrogate key'),
      rule_id: plain('The rule this is a version of'),
      version: plain('1, 2, 3… within the rule'),
      definition: plain('The rule as validated: conditions, window, threshold, score; no personal data'),
      status: plain('draft, approved or retired'),
      created_by: personal('The user who last saved this version; null for rules shipped with Upstream'),
      created_at: plain('When the version was first saved'),
      updated_at: plain('When the draft was last saved'),
      approved_by: personal('The supervisor who approved it; null for shipped rules'),
      approved_at: plain('When it went live'),
      retired_at: plain('When a later version replaced it'),
    },
  },
  {
    table: 'trigger_run',
    description:
      'Each run of the live trigger rules: as of which day, counts per rule, stopped rules and unrouted hits.',
    dataClass: null,
    retention: 'import-provenance',
    columns: {
      id: plain('Surrogate key'),
      status: plain('running, completed or failed'),
      as_of: plain('The day the look-back windows end'),
      started_by: personal('The user who started it; null for the system'),
      started_at: plain('When it started'),
      finished_at: plain('When it ended'),
      people: plain('Timelines read'),
      hits: plain('Rule hits'),
      referrals_raised: plain('New referrals'),
      evidence_added: plain('Incidents added to open referrals'),
      hits_by_rule: plain('Hits per rule key'),
      stopped_rules: personal('Rules stopped on an error, with the person id being read'),
      unrouted: personal('Hits no team could take: person id, rule and why'),
      error: plain('Why the run failed'),
    },
  },
]
