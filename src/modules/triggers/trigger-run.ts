import type { Kysely } from 'kysely'
import { systemClock, type Clock } from '../../clock.ts'
import type { Database } from '../../db/schema.ts'
import { DomainError } from '../../errors.ts'
import { loadTimelines } from '../people/timelines.ts'
import { recordAudit } from '../platform/audit/audit-log.ts'
import { partnershipDate } from '../platform/sharing.ts'
import { raiseFromTrigger } from '../referrals/index.ts'
import { runRules } from './evaluate.ts'
import { liveRules } from './queries.ts'
import { approvedRuleAuthors } from './rule-authors.ts'

/**
 * The open TIPT loop: every approved rule over every linked person's timeline, as of a day; each
 * hit raises a referral to the neighbourhood team of the person's home area, or adds its new
 * evidence to the open referral of that person and rule. Running it twice raises nothing new.
 * A rule that fails is stopped and reported in the run's record; the others carry on.
 */

export interface TriggerRunSummary {
  runId: number
  asOf: string
  people: number
  hits: number
  referralsRaised: number
  evidenceAdded: number
  hitsByRule: Record<string, number>
  stopped: { ruleKey: string; ruleVersion: number; personId: number | null; message: string }[]
  refused: { key: string; version: number; problems: string[] }[]
  /** Hits that no team could take: the run goes on and lists them. */
  unrouted: { personId: number; ruleKey: string; reason: string }[]
}

export async function runTriggers(
  db: Kysely<Database>,
  options: { asOf?: string; startedBy?: string | null; clock?: Clock } = {},
): Promise<TriggerRunSummary> {
  const clock = options.clock ?? systemClock
  const asOf = options.asOf ?? partnershipDate(clock.now())
  const run = await db
    .insertInto('trigger_run')
    .values({
      status: 'running',
      as_of: asOf,
      started_by: options.startedBy ?? null,
      started_at: clock.now(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  try {
    const { rules, refused } = await liveRules(db)
    const authors = await approvedRuleAuthors(db)
    const timelines = await loadTimelines(db)
    const { hits, stopped } = runRules(rules, timelines, asOf)
    let referralsRaised = 0
    let evidenceAdded = 0
    const hitsByRule: Record<string, number> = {}
    const unrouted: TriggerRunSummary['unrouted'] = []
    for (const hit of hits) {
      hitsByRule[hit.ruleKey] = (hitsByRule[hit.ruleKey] ?? 0) + 1
      const raised = await raiseFromTrigger(
        db,
        {
          personId: hit.personId,
          ruleKey: hit.ruleKey,
          ruleVersion: hit.ruleVersion,
          evidence: hit.evidence.map((item) => ({
            incidentId: item.incidentId,
            date: item.date,
            why: item.why,
          })),
          priority: hit.priority,
          purpose: hit.purpose,
          ...(hit.lsoaCode ? { homeLsoaCode: hit.lsoaCode } : {}),
          firedOn: hit.firedOn,
          ...(hit.score ? { score: hit.score } : {}),
          ruleAuthorUserId: authors.get(`${hit.ruleKey}@${hit.ruleVersion}`) ?? null,
        },
        clock,
      ).catch((error: unknown) => {
        if (!(error instanceof DomainError && error.code === 'invalid')) throw error
        unrouted.push({ personId: hit.personId, ruleKey: hit.ruleKey, reason: error.message })
        return null
      })
      if (!raised) continue
      if (raised.created) referralsRaised++
      evidenceAdded += raised.evidenceAdded
    }
    const summary: TriggerRunSummary = {
      runId: run.id,
      asOf,
      people: timelines.length,
      hits: hits.length,
      referralsRaised,
      evidenceAdded,
      hitsByRule,
      stopped,
      refused: refused.map((r) => ({
        key: r.key,
        version: r.version,
        problems: r.problems.map((p) => `${p.path}: ${p.message}`),
      })),
      unrouted,
    }
    await db
      .updateTable('trigger_run')
      .set({
        status: 'completed',
        finished_at: clock.now(),
        people: summary.people,
        hits: summary.hits,
        referrals_raised: referralsRaised,
        evidence_added: evidenceAdded,
        hits_by_rule: JSON.stringify(hitsByRule),
        stopped_rules: JSON.stringify(stopped),
        unrouted: JSON.stringify(unrouted),
      })
      .where('id', '=', run.id)
      .execute()
    await recordAudit(db, {
      action: 'combine',
      event: 'RUN_TRIGGER_RULES',
      actorUserId: options.startedBy ?? null,
      recordType: 'trigger_run',
      recordIds: [String(run.id)],
      details: {
        asOf,
        people: summary.people,
        hits: summary.hits,
        referralsRaised,
        evidenceAdded,
        stoppedRules: stopped.map((s) => s.ruleKey),
        unrouted: unrouted.length,
      },
      occurredAt: clock.now(),
    })
    return summary
  } catch (error) {
    await db
      .updateTable('trigger_run')
      .set({
        status: 'failed',
        finished_at: clock.now(),
        error: error instanceof Error ? error.message : String(error),
      })
      .where('id', '=', run.id)
      .execute()
    throw error
  }
}
