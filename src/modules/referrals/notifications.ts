import type { Kysely } from 'kysely'
import { systemClock, type Clock } from '../../clock.ts'
import type { Database } from '../../db/schema.ts'
import { enqueueMail, enqueueMailOnce, PUBLIC_URL } from '../platform/mail/outbox.ts'
import { ROLES, roleHasPermission } from '../platform/roles.ts'
import { OPEN_STATUSES, STATUS_LABELS, type ActionKind, type ReferralStatus } from './workflow.ts'

/**
 * The emails a referral's changes send, queued in the change's own transaction. A message gives
 * the reference, the status and the link, and nothing else: no name, reason, evidence, police
 * note or purpose. Email leaves our access checks, so it must not need them (checklist A3); the
 * page behind the link checks what the reader may see.
 */
export interface NotifiedReferral {
  id: number
  reference: string
  status: ReferralStatus
  personId: number | null
  fromUserId: string | null
  toOrganisationId: string
  toTeamId: string | null
}

interface Recipient {
  id: string
  email: string
}

const SCREENER_ROLES = ROLES.filter((role) => roleHasPermission(role, 'referrals:screen'))

/** The receiving team's members who screen; the organisation's screeners when there is no team or it has none. */
async function screenersOf(db: Kysely<Database>, referral: NotifiedReferral): Promise<Recipient[]> {
  const screeners = db
    .selectFrom('app_user')
    .select(['app_user.id', 'app_user.email'])
    .where('app_user.organisation_id', '=', referral.toOrganisationId)
    .where('app_user.disabled', '=', false)
    .where('app_user.role', 'in', SCREENER_ROLES)
    .orderBy('app_user.id')
  const teamId = referral.toTeamId
  if (teamId) {
    const ofTeam = await screeners
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('team_membership')
            .select('team_membership.user_id')
            .whereRef('team_membership.user_id', '=', 'app_user.id')
            .where('team_membership.team_id', '=', teamId),
        ),
      )
      .execute()
    if (ofTeam.length > 0) return ofTeam
  }
  return screeners.execute()
}

async function activeUser(db: Kysely<Database>, id: string | null): Promise<Recipient[]> {
  if (!id) return []
  return db
    .selectFrom('app_user')
    .select(['id', 'email'])
    .where('id', '=', id)
    .where('disabled', '=', false)
    .execute()
}

interface Message {
  kind: string
  subject: string
  lead: string
}

function compose(referral: NotifiedReferral, message: Message, extra: string[] = []) {
  return {
    kind: message.kind,
    subject: `${message.subject}: ${referral.reference}`,
    text: [
      message.lead,
      '',
      `Reference: ${referral.reference}`,
      `Status: ${STATUS_LABELS[referral.status]}`,
      ...extra,
      '',
      `Open it in Upstream: ${PUBLIC_URL}/referrals/${referral.id}`,
      '',
      'This email names no one on purpose. Sign in to see what you may of the referral.',
      '',
    ].join('\n'),
    subjectPersonId: referral.personId,
  }
}

async function send(
  db: Kysely<Database>,
  referral: NotifiedReferral,
  recipients: Recipient[],
  message: Message,
  now: Date,
  skipUserId: string | null,
): Promise<number> {
  const mail = compose(referral, message)
  const seen = new Set<string>()
  for (const recipient of recipients) {
    const address = recipient.email.toLowerCase()
    if (recipient.id === skipUserId || seen.has(address)) continue
    seen.add(address)
    await enqueueMail(db, { ...mail, to: recipient.email }, now)
  }
  return seen.size
}

const ARRIVED: Message = {
  kind: 'referral-received',
  subject: 'A referral has arrived',
  lead: 'A referral has arrived for you to screen.',
}

/** A new referral (made, raised by a trigger, or referred on): its screeners are told. */
export async function notifyReferralArrived(
  db: Kysely<Database>,
  referral: NotifiedReferral,
  now: Date,
  actorUserId: string | null = null,
): Promise<number> {
  return send(db, referral, await screenersOf(db, referral), ARRIVED, now, actorUserId)
}

/** After an action on a referral, under its new status: who must know of it now. */
export async function notifyReferralAction(
  db: Kysely<Database>,
  referral: NotifiedReferral,
  change: { action: ActionKind; assignedUserId: string | null; actorUserId: string },
  now: Date,
): Promise<number> {
  const skip = change.actorUserId
  switch (change.action) {
    case 'request-information':
      return send(
        db,
        referral,
        await activeUser(db, referral.fromUserId),
        {
          kind: 'referral-information-requested',
          subject: 'More information is asked for',
          lead: 'The team that received your referral asks for more information.',
        },
        now,
        skip,
      )
    case 'supply-information':
      return send(
        db,
        referral,
        await screenersOf(db, referral),
        {
          kind: 'referral-information-supplied',
          subject: 'More information has been given',
          lead: 'The referrer has answered your request: the referral is back for screening.',
        },
        now,
        skip,
      )
    case 'assign':
      return send(
        db,
        referral,
        await activeUser(db, change.assignedUserId),
        {
          kind: 'referral-assigned',
          subject: 'A referral is assigned to you',
          lead: 'A referral has been assigned to you to work.',
        },
        now,
        skip,
      )
    case 'decline':
    case 'close':
    case 'refer-on':
      return send(
        db,
        referral,
        await activeUser(db, referral.fromUserId),
        {
          kind: 'referral-outcome',
          subject: 'The outcome of your referral is recorded',
          lead: 'The outcome of your referral has been recorded.',
        },
        now,
        skip,
      )
    default:
      return 0
  }
}

/** The day in the UK, so that a reminder's day starts at midnight where its readers are. */
const londonDay = (date: Date) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/London',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(date)

/**
 * Reminds whoever an overdue referral waits on: the referrer when it needs information, the
 * assigned worker once assigned, else its screeners. At most one reminder per referral, recipient
 * and day however often this runs (the outbox's once key).
 */
export async function queueOverdueReminders(
  db: Kysely<Database>,
  clock: Clock = systemClock,
): Promise<number> {
  const now = clock.now()
  const day = londonDay(now)
  const overdue = await db
    .selectFrom('referral')
    .select([
      'id',
      'reference',
      'status',
      'person_id',
      'from_user_id',
      'to_organisation_id',
      'to_team_id',
      'assigned_user_id',
    ])
    .where('status', 'in', OPEN_STATUSES)
    .where('due_at', '<=', now)
    .orderBy('id')
    .execute()
  let queued = 0
  for (const row of overdue) {
    const referral: NotifiedReferral = {
      id: Number(row.id),
      reference: row.reference,
      status: row.status,
      personId: row.person_id === null ? null : Number(row.person_id),
      fromUserId: row.from_user_id,
      toOrganisationId: row.to_organisation_id,
      toTeamId: row.to_team_id,
    }
    const waitingOn =
      row.status === 'needs_information'
        ? await activeUser(db, row.from_user_id)
        : row.status === 'assigned' || row.status === 'in_progress'
          ? await activeUser(db, row.assigned_user_id)
          : []
    const recipients = waitingOn.length > 0 ? waitingOn : await screenersOf(db, referral)
    const mail = compose(referral, {
      kind: 'referral-overdue',
      subject: 'A referral is overdue',
      lead: 'A referral waiting on you is past its time limit.',
    })
    for (const recipient of recipients) {
      const id = await enqueueMailOnce(
        db,
        { ...mail, to: recipient.email },
        `referral-overdue:${referral.id}:${recipient.id}:${day}`,
        now,
      )
      if (id !== null) queued++
    }
  }
  return queued
}

/** The referral row as act-on-referral holds it. */
interface ReferralRow {
  id: number
  reference: string
  person_id: number | null
  from_user_id: string | null
  to_organisation_id: string
  to_team_id: string | null
}

/** actOnReferral's one call: the action's notice, and for an onward referral the new recipients' too. */
export async function notifyAfterAction(
  db: Kysely<Database>,
  row: ReferralRow,
  change: {
    action: ActionKind
    toStatus: ReferralStatus
    assignedUserId: string | null
    actorUserId: string
    onward?: { id: number; reference: string; organisationId: string; teamId: string | null }
  },
  now: Date,
): Promise<void> {
  const personId = row.person_id === null ? null : Number(row.person_id)
  await notifyReferralAction(
    db,
    {
      id: Number(row.id),
      reference: row.reference,
      status: change.toStatus,
      personId,
      fromUserId: row.from_user_id,
      toOrganisationId: row.to_organisation_id,
      toTeamId: row.to_team_id,
    },
    change,
    now,
  )
  if (change.onward) {
    await notifyReferralArrived(
      db,
      {
        id: change.onward.id,
        reference: change.onward.reference,
        status: 'new',
        personId,
        fromUserId: change.actorUserId,
        toOrganisationId: change.onward.organisationId,
        toTeamId: change.onward.teamId,
      },
      now,
      change.actorUserId,
    )
  }
}
