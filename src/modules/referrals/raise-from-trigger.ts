import { sql, type Kysely } from 'kysely'
import { systemClock, type Clock } from '../../clock.ts'
import type { Database } from '../../db/schema.ts'
import { invalid } from '../../errors.ts'
import { recordAudit } from '../platform/audit/audit-log.ts'
import { isPurpose } from '../platform/data-classes.ts'
import { priorityAssessment, recordAssessments, type NewAssessment } from './assessments.ts'
import { evidenceProvenance } from './evidence-provenance.ts'
import { notifyReferralArrived } from './notifications.ts'
import { raisePriorityIfGraver, type PriorityRaise } from './priority-escalation.ts'
import { appendEvent, insertReferral } from './referral-writes.ts'
import { routeReferral } from './routing.ts'
import { isPriority, OPEN_STATUSES, type Priority } from './workflow.ts'

/**
 * The trigger runner's way in: one open referral per person per rule. The first match raises a
 * referral routed to the neighbourhood team of the person's address (routing.ts); later matches
 * add their incidents to that referral as evidence, and raise its priority when they are graver.
 * The same evidence twice adds nothing, so a rerun of the triggers changes nothing.
 */
export interface TriggerEvidence {
  incidentId: number
  /** YYYY-MM-DD. */
  date: string
  why: string
}

export interface RaiseFromTriggerInput {
  personId: number
  ruleKey: string
  ruleVersion: number
  evidence: readonly TriggerEvidence[]
  priority: Priority
  purpose: string
  routeToTeamId?: string
  homeLsoaCode?: string
  /** The day the rule was run as of (YYYY-MM-DD), for its finding. */
  firedOn?: string
  /** The rule's RFG score, for rules that score. */
  score?: { recency: number; frequency: number; gravity: number; total: number; offences: number }
  /** Who wrote the rule version: the author of its assessments (null for a shipped rule). */
  ruleAuthorUserId?: string | null
}

export interface RaiseResult {
  referralId: number
  reference: string
  created: boolean
  evidenceAdded: number
  /** The team was at or over its capacity when the referral was routed to it. */
  overCapacity: boolean
  /** Set when this hit was graver than the open referral's priority (priority-escalation.ts). */
  priorityRaised?: PriorityRaise
}

const DATE = /^\d{4}-\d{2}-\d{2}$/

function check(input: RaiseFromTriggerInput): void {
  const errors: Record<string, string> = {}
  if (!Number.isSafeInteger(input.personId) || input.personId < 1)
    errors.personId = 'personId must be the id of a person'
  if (typeof input.ruleKey !== 'string' || input.ruleKey.trim() === '')
    errors.ruleKey = 'ruleKey must name the trigger rule'
  if (!Number.isSafeInteger(input.ruleVersion) || input.ruleVersion < 1)
    errors.ruleVersion = 'ruleVersion must be a whole number from 1'
  if (!isPriority(input.priority)) errors.priority = 'priority must be low, normal, high or urgent'
  if (!isPurpose(input.purpose)) errors.purpose = `'${String(input.purpose)}' is not a purpose`
  if (input.firedOn !== undefined && !DATE.test(input.firedOn)) errors.firedOn = 'firedOn must be YYYY-MM-DD'
  if (
    input.score !== undefined &&
    !['recency', 'frequency', 'gravity', 'total', 'offences'].every((part) =>
      Number.isFinite((input.score as unknown as Record<string, unknown>)[part]),
    )
  )
    errors.score = 'score must give recency, frequency, gravity, total and offences as numbers'
  if (!Array.isArray(input.evidence) || input.evidence.length === 0)
    errors.evidence = 'evidence must list at least one incident'
  else {
    input.evidence.forEach((item, index) => {
      if (!Number.isSafeInteger(item.incidentId) || item.incidentId < 1)
        errors[`evidence[${index}].incidentId`] = 'incidentId must be the id of an incident'
      if (typeof item.date !== 'string' || !DATE.test(item.date) || Number.isNaN(Date.parse(item.date)))
        errors[`evidence[${index}].date`] = 'date must be YYYY-MM-DD'
      if (typeof item.why !== 'string' || item.why.trim() === '')
        errors[`evidence[${index}].why`] = 'why must say why the incident counts'
    })
  }
  if (Object.keys(errors).length) throw invalid(errors)
}

export async function raiseFromTrigger(
  db: Kysely<Database>,
  input: RaiseFromTriggerInput,
  clock: Clock = systemClock,
): Promise<RaiseResult> {
  check(input)
  const now = clock.now()
  return db.transaction().execute(async (trx) => {
    const findOpen = () =>
      trx
        .selectFrom('referral')
        .select(['id', 'reference', 'version', 'purpose'])
        .where('person_id', '=', input.personId)
        .where('trigger_rule_key', '=', input.ruleKey)
        .where('status', 'in', OPEN_STATUSES)
        .forUpdate()
        .executeTakeFirst()
    const incidentIds = [...new Set(input.evidence.map((item) => item.incidentId))]
    const known = new Set(
      (await trx.selectFrom('incident').select('id').where('id', 'in', incidentIds).execute()).map((row) =>
        Number(row.id),
      ),
    )
    const missing = input.evidence.findIndex((item) => !known.has(item.incidentId))
    if (missing >= 0)
      throw invalid({
        [`evidence[${missing}].incidentId`]: `There is no incident ${input.evidence[missing]!.incidentId}`,
      })
    let open = await findOpen()
    let created = false
    let overCapacity = false
    if (!open) {
      const person = await trx
        .selectFrom('person')
        .select('id')
        .where('id', '=', input.personId)
        .executeTakeFirst()
      if (!person) throw invalid({ personId: `There is no person ${input.personId}` })
      const choice = await routeReferral(trx, input)
      if (!choice) {
        throw invalid({
          homeLsoaCode: input.routeToTeamId
            ? `There is no team ${input.routeToTeamId}`
            : `No team covers the area ${input.homeLsoaCode ?? '(none given)'}: add it to a team's areas or give routeToTeamId`,
        })
      }
      overCapacity = choice.overCapacity
      // Two runs may race to raise the same referral: the partial unique index lets one win, the other joins it.
      await sql`savepoint raise_referral`.execute(trx)
      try {
        const referral = await insertReferral(trx, {
          personId: input.personId,
          subject: '',
          purpose: input.purpose,
          reason: `Raised by the trigger rule ${input.ruleKey} (version ${input.ruleVersion}).`,
          from: { organisationId: choice.team.organisationId, teamId: null, userId: null },
          to: { organisationId: choice.team.organisationId, teamId: choice.team.teamId },
          priority: input.priority,
          trigger: { ruleKey: input.ruleKey, ruleVersion: input.ruleVersion },
          now,
        })
        await appendEvent(trx, {
          referralId: referral.id,
          version: 1,
          kind: 'raised',
          now,
          toStatus: 'new',
          details: {
            ruleKey: input.ruleKey,
            ruleVersion: input.ruleVersion,
            overCapacity,
            team: choice.team.name,
            openCaseload: choice.team.openCaseload,
            capacity: choice.team.capacity,
          },
        })
        await notifyReferralArrived(
          trx,
          {
            ...referral,
            status: 'new',
            personId: input.personId,
            fromUserId: null,
            toOrganisationId: choice.team.organisationId,
            toTeamId: choice.team.teamId,
          },
          now,
        )
        open = { id: referral.id, reference: referral.reference, version: 1, purpose: input.purpose }
        created = true
      } catch (error) {
        if ((error as { code?: string }).code !== '23505') throw error
        await sql`rollback to savepoint raise_referral`.execute(trx)
        open = await findOpen()
        if (!open) throw error
      }
    }
    const referralId = Number(open.id)
    const provenance = await evidenceProvenance(trx, input.personId, input.evidence)
    const added = await trx
      .insertInto('referral_evidence')
      .values(
        input.evidence.map((item) => {
          const source = provenance.get(item.incidentId)!
          return {
            referral_id: referralId,
            incident_id: item.incidentId,
            incident_date: item.date,
            why: item.why,
            rule_key: input.ruleKey,
            rule_version: input.ruleVersion,
            added_at: now,
            category: source.category,
            source_kind: source.sourceKind,
            import_run_id: source.importRunId,
            category_source_system: source.categorySourceSystem,
          }
        }),
      )
      .onConflict((oc) => oc.columns(['referral_id', 'incident_id']).doNothing())
      .returning('id')
      .execute()
    if (created || added.length > 0)
      await recordAssessments(
        trx,
        referralId,
        {
          kind: 'rule',
          ruleKey: input.ruleKey,
          ruleVersion: input.ruleVersion,
          authorUserId: input.ruleAuthorUserId ?? null,
        },
        ruleAssessments(input, created),
        now,
      )
    if (!created && added.length > 0) {
      await appendEvent(trx, {
        referralId,
        version: open.version,
        kind: 'evidence-added',
        now,
        details: { incidents: added.length, ruleVersion: input.ruleVersion },
      })
    }
    const priorityRaised = created ? null : await raisePriorityIfGraver(trx, { ...input, referralId, now })
    // A raised priority is the rule's assessment, recorded as one like the priority it started with.
    if (priorityRaised)
      await recordAssessments(
        trx,
        referralId,
        {
          kind: 'rule',
          ruleKey: input.ruleKey,
          ruleVersion: input.ruleVersion,
          authorUserId: input.ruleAuthorUserId ?? null,
        },
        [priorityAssessment(priorityRaised.to)],
        now,
      )
    if (created || added.length > 0) {
      await recordAudit(trx, {
        action: created ? 'collect' : 'combine',
        event: created ? 'RAISE_REFERRAL_FROM_TRIGGER' : 'ADD_REFERRAL_EVIDENCE',
        recordType: 'referral',
        recordIds: [String(referralId)],
        purpose: open.purpose,
        occurredAt: now,
        details: {
          personId: String(input.personId),
          ruleKey: input.ruleKey,
          ruleVersion: input.ruleVersion,
          incidents: added.length,
        },
      })
    }
    return {
      referralId,
      reference: open.reference,
      created,
      evidenceAdded: added.length,
      overCapacity,
      ...(priorityRaised ? { priorityRaised } : {}),
    }
  })
}

/** What the rule concluded on this run: its finding, its score, and (when it raised the referral) the priority. */
function ruleAssessments(input: RaiseFromTriggerInput, created: boolean): NewAssessment[] {
  const incidents = new Set(input.evidence.map((item) => item.incidentId)).size
  const asOf = input.firedOn ? ` as of ${input.firedOn}` : ''
  const assessments: NewAssessment[] = [
    {
      kind: 'trigger-finding',
      finding: `The rule ${input.ruleKey} (version ${input.ruleVersion}) matched ${incidents} ${incidents === 1 ? 'incident' : 'incidents'}${asOf}`,
      detail: { incidents, ...(input.firedOn ? { asOf: input.firedOn } : {}) },
    },
  ]
  if (input.score) {
    const { total, recency, frequency, gravity, offences } = input.score
    assessments.push({
      kind: 'rfg-score',
      finding: `RFG score ${total} (recency ${recency}, frequency ${frequency}, gravity ${gravity}, from ${offences} ${offences === 1 ? 'offence' : 'offences'})${asOf}`,
      detail: { total, recency, frequency, gravity, offences },
    })
  }
  if (created) assessments.push(priorityAssessment(input.priority))
  return assessments
}
