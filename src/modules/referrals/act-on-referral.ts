import type { Kysely } from 'kysely'
import { systemClock } from '../../clock.ts'
import type { Database } from '../../db/schema.ts'
import { withViewerScope } from '../../db/viewer-scope.ts'
import { invalid } from '../../errors.ts'
import { recordAudit } from '../platform/audit/audit-log.ts'
import { restrictionGate } from '../people/restrictions/index.ts'
import { isBeyondUse } from '../people/subject-rights/index.ts'
import { isRole, roleHasPermission } from '../platform/roles.ts'
import type { AccessingUser } from '../platform/sharing.ts'
import { capacityOf, fieldAccess, isParty } from './access.ts'
import { copyAssessments } from './assessments.ts'
import { referralHistory, type ReferralHistoryItem, type ViewContext } from './queries.ts'
import { notifyAfterAction } from './notifications.ts'
import { appendEvent, insertReferral, resolveDestination } from './referral-writes.ts'
import { dueAtFor } from './time-limits.ts'
import { ACTION_DONE, ACTION_KINDS, transition, type ActionKind, type ReferralAction } from './workflow.ts'

/**
 * Every change to a referral after it is made: screening, assignment, work, closing and onward
 * referral. Each change names the version it read; the row is locked and changed only if that
 * is still its version, so of two supervisors screening at once one wins and the other is told
 * who did what and when, never overwritten silently.
 */
export type ActResult =
  | { kind: 'done'; referralId: number; version: number; onward?: { id: number; reference: string } }
  | { kind: 'conflict'; message: string; changes: ReferralHistoryItem[]; currentVersion: number }
  | { kind: 'not-found' }
  | { kind: 'denied'; reason: string }

const ACTION_FIELDS = [
  'action',
  'version',
  'reason',
  'question',
  'text',
  'userId',
  'outcome',
  'note',
  'to',
] as const

/** A form or JSON body as an action and the version it was read at; unknown keys are refused by name. */
export function actionFrom(
  body: unknown,
  only?: readonly ActionKind[],
): { action: ReferralAction; version: number } {
  const raw = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const unknown = Object.keys(raw).filter(
    (key) => key !== '_csrf' && !(ACTION_FIELDS as readonly string[]).includes(key),
  )
  if (unknown.length)
    throw invalid(
      Object.fromEntries(
        unknown.map((key) => [key.slice(0, 60), `'${key.slice(0, 60)}' is not a field of this form`]),
      ),
    )
  const text = (name: string) => (typeof raw[name] === 'string' ? (raw[name] as string).trim() : '')
  const kind = text('action') as ActionKind
  if (!ACTION_KINDS.includes(kind) || (only && !only.includes(kind))) {
    throw invalid({ action: `Choose one of: ${(only ?? ACTION_KINDS).join(', ')}` })
  }
  const versionText = typeof raw.version === 'number' ? String(raw.version) : text('version')
  if (!/^\d{1,9}$/.test(versionText))
    throw invalid({
      version: 'The version of the referral you read is missing: reload the page and try again',
    })
  const action = {
    accept: () => ({ kind, note: text('note') }),
    decline: () => ({ kind, reason: text('reason') }),
    'request-information': () => ({ kind, question: text('question') }),
    'supply-information': () => ({ kind, text: text('text') }),
    assign: () => ({ kind, userId: text('userId') }),
    start: () => ({ kind }),
    note: () => ({ kind, text: text('text') }),
    action: () => ({ kind, text: text('text') }),
    close: () => ({ kind, outcome: text('outcome'), note: text('note') }),
    'refer-on': () => ({ kind, reason: text('reason'), to: text('to') }),
  }[kind]() as ReferralAction
  return { action, version: Number(versionText) }
}

const londonTime = (date: Date) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit' }).format(
    date,
  )

export function conflictMessage(changes: ReferralHistoryItem[]): string {
  const first = changes[0]
  if (!first) return 'Someone else changed this referral since you opened it. Here it is as it is now.'
  const who = first.actorName
    ? `${first.actorName}${first.actorOrganisationName ? ` (${first.actorOrganisationName})` : ''}`
    : first.kind === 'priority-raised'
      ? 'The trigger rules'
      : 'Someone else'
  const what = ACTION_DONE[first.kind as keyof typeof ACTION_DONE] ?? 'changed'
  const more =
    changes.length > 1
      ? ` and ${changes.length - 1} more change${changes.length > 2 ? 's' : ''} followed`
      : ''
  return `${who} ${what} this referral at ${londonTime(first.occurredAt)}${more}. Your change was not saved: here is what they did. Check it, then act again if you still need to.`
}

const actionText = (action: ReferralAction): string => {
  switch (action.kind) {
    case 'decline':
    case 'refer-on':
      return action.reason
    case 'request-information':
      return action.question
    case 'supply-information':
    case 'note':
    case 'action':
      return action.text
    case 'accept':
    case 'close':
      return action.note ?? ''
    default:
      return ''
  }
}

export async function actOnReferral(
  db: Kysely<Database>,
  actor: AccessingUser,
  id: number | null,
  readVersion: number,
  action: ReferralAction,
  context: ViewContext = {},
): Promise<ActResult> {
  const now = (context.clock ?? systemClock).now()
  const audit = {
    actorUserId: actor.id,
    actorOrganisationId: actor.organisationId,
    requestId: context.requestId ?? null,
    ip: context.ip ?? null,
    occurredAt: now,
    recordType: 'referral',
  }
  return withViewerScope(db, { ...actor, on: now }, null, async (trx): Promise<ActResult> => {
    const row =
      id === null
        ? undefined
        : await trx.selectFrom('referral').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
    if (
      !row ||
      !isParty(actor, {
        fromOrganisationId: row.from_organisation_id,
        toOrganisationId: row.to_organisation_id,
      }) ||
      (row.person_id !== null && (await isBeyondUse(trx, row.person_id)))
    ) {
      await recordAudit(trx, {
        ...audit,
        action: 'alter',
        event: `REFERRAL_${action.kind.toUpperCase().replace(/-/g, '_')}`,
        outcome: 'denied',
        recordIds: id === null ? [] : [String(id)],
        details: { reason: 'not found' },
      })
      return { kind: 'not-found' }
    }
    const access = await fieldAccess(trx, actor, row.purpose, row.person_id !== null, now)
    const event = `REFERRAL_${action.kind.toUpperCase().replace(/-/g, '_')}`
    if (!access.referral.allowed) {
      await recordAudit(trx, {
        ...audit,
        action: 'alter',
        event,
        outcome: 'denied',
        purpose: row.purpose,
        recordIds: [String(row.id)],
        details: { reason: access.referral.reason },
      })
      return { kind: 'denied', reason: access.referral.reason }
    }
    // A restricted person's referral is acted on only by those who may open it (A7).
    if (row.person_id !== null) {
      const gate = await restrictionGate(trx, actor, Number(row.person_id), now, {
        ...context,
        purpose: row.purpose,
      })
      if (!gate.allowed) {
        await recordAudit(trx, {
          ...audit,
          action: 'alter',
          event,
          outcome: 'denied',
          purpose: row.purpose,
          recordIds: [String(row.id)],
          details: { reason: gate.reason, restriction: gate.cause },
        })
        return { kind: 'denied', reason: gate.reason }
      }
    }
    const referralId = Number(row.id)
    if (row.version !== readVersion) {
      const changes = await referralHistory(trx, referralId, readVersion)
      await recordAudit(trx, {
        ...audit,
        action: 'alter',
        event,
        outcome: 'failure',
        purpose: row.purpose,
        recordIds: [String(referralId)],
        details: { reason: 'stale version', readVersion, currentVersion: row.version },
      })
      return { kind: 'conflict', message: conflictMessage(changes), changes, currentVersion: row.version }
    }
    const capacity = capacityOf(actor, {
      fromOrganisationId: row.from_organisation_id,
      toOrganisationId: row.to_organisation_id,
    })
    const result = transition(row.status, action, capacity)
    if (!result.ok) throw invalid({ [result.field]: result.message })
    const { to, outcome } = result.transition

    let assignedUserId = row.assigned_user_id
    if (action.kind === 'assign') {
      const assignee = await trx
        .selectFrom('app_user')
        .select(['id', 'role', 'organisation_id', 'disabled'])
        .where(
          'id',
          '=',
          /^[0-9a-f-]{36}$/i.test(action.userId) ? action.userId : '00000000-0000-0000-0000-000000000000',
        )
        .executeTakeFirst()
      if (
        !assignee ||
        assignee.disabled ||
        assignee.organisation_id !== row.to_organisation_id ||
        !isRole(assignee.role) ||
        !roleHasPermission(assignee.role, 'referrals:work')
      ) {
        throw invalid({ userId: 'Choose someone in the receiving organisation who works referrals' })
      }
      assignedUserId = assignee.id
    }
    const onwardDestination = action.kind === 'refer-on' ? await resolveDestination(trx, action.to) : null
    if (action.kind === 'refer-on' && !onwardDestination)
      throw invalid({ to: 'Choose the team or organisation to refer it on to' })

    const nextVersion = row.version + 1
    const closing = to === 'closed' || to === 'declined'
    const screening = action.kind === 'accept' || action.kind === 'decline'
    const updated = await trx
      .updateTable('referral')
      .set({
        status: to,
        // Back to "new" after more information: screening starts again, with its own time limit.
        due_at: to === row.status ? row.due_at : dueAtFor(to, row.priority, now, row.due_at),
        assigned_user_id: assignedUserId,
        outcome: outcome ?? row.outcome,
        accepted_at: action.kind === 'accept' ? now : row.accepted_at,
        screened_at: screening ? now : row.screened_at,
        closed_at: closing ? now : row.closed_at,
        version: nextVersion,
        updated_at: now,
      })
      .where('id', '=', referralId)
      .where('version', '=', readVersion)
      .executeTakeFirst()
    if (Number(updated.numUpdatedRows) !== 1)
      throw new Error(`referral ${referralId} changed under its row lock`)

    let onward: { id: number; reference: string } | undefined
    if (onwardDestination && action.kind === 'refer-on') {
      onward = await insertReferral(trx, {
        personId: row.person_id,
        subject: row.subject,
        purpose: row.purpose,
        reason: action.reason,
        policeNote: row.police_note,
        from: { organisationId: actor.organisationId, userId: actor.id },
        to: onwardDestination,
        priority: row.priority,
        onwardFromReferralId: referralId,
        now,
      })
      await trx
        .insertInto('referral_evidence')
        .columns([
          'referral_id',
          'incident_id',
          'incident_date',
          'why',
          'rule_key',
          'rule_version',
          'added_at',
          'category',
          'source_kind',
          'import_run_id',
          'category_source_system',
        ])
        .expression((eb) =>
          eb
            .selectFrom('referral_evidence')
            .select([
              eb.val(onward!.id).as('referral_id'),
              'incident_id',
              'incident_date',
              'why',
              'rule_key',
              'rule_version',
              eb.val(now).as('added_at'),
              'category',
              'source_kind',
              'import_run_id',
              'category_source_system',
            ])
            .where('referral_id', '=', referralId),
        )
        .execute()
      await copyAssessments(trx, referralId, onward.id)
      await appendEvent(trx, {
        referralId: onward.id,
        version: 1,
        kind: 'raised',
        now,
        actor: { userId: actor.id, organisationId: actor.organisationId },
        toStatus: 'new',
        details: { onwardFrom: row.reference },
      })
    }
    await appendEvent(trx, {
      referralId,
      version: nextVersion,
      kind: action.kind,
      now,
      actor: { userId: actor.id, organisationId: actor.organisationId },
      fromStatus: row.status,
      toStatus: to,
      text: actionText(action),
      details: {
        ...(outcome ? { outcome } : {}),
        ...(action.kind === 'assign' ? { assignedUserId } : {}),
        ...(onward ? { onwardReferral: onward.reference } : {}),
      },
    })
    await notifyAfterAction(
      trx,
      row,
      {
        action: action.kind,
        toStatus: to,
        assignedUserId,
        actorUserId: actor.id,
        ...(onward && onwardDestination ? { onward: { ...onward, ...onwardDestination } } : {}),
      },
      now,
    )
    const disclosed = access.referral.basis === 'agreement'
    await recordAudit(trx, {
      ...audit,
      action: 'alter',
      event,
      purpose: row.purpose,
      recordIds: [String(referralId)],
      sharingAgreementId: access.referral.agreementId ?? null,
      details: {
        from: row.status,
        to,
        version: nextVersion,
        outcome: outcome ?? null,
        basis: disclosed ? 'agreement' : 'controller',
      },
    })
    if (onward && onwardDestination) {
      await recordAudit(trx, {
        ...audit,
        action: 'disclose',
        event: 'REFER_ON',
        purpose: row.purpose,
        recordIds: [String(onward.id)],
        recipients: [{ organisationId: onwardDestination.organisationId }],
        details: { onwardFrom: String(referralId), toTeamId: onwardDestination.teamId },
      })
    }
    return { kind: 'done', referralId, version: nextVersion, ...(onward ? { onward } : {}) }
  })
}
