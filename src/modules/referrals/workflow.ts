/**
 * The referral workflow as a pure state machine: which actions each state allows, who may take
 * them, and what each needs (a reason to decline, an outcome to close). No database and no HTTP:
 * queries.ts applies the result under the referral's version, pages and the API show the errors.
 *
 *   new ──accept──▶ accepted ──assign──▶ assigned ──start──▶ in_progress ──close──▶ closed
 *    │  └─request information─▶ needs_information ──supply information──▶ new
 *    └─decline (reason)─▶ declined
 * Onward referral closes this referral with the outcome 'referred-on' and opens a new one.
 */

export const REFERRAL_STATUSES = [
  'new',
  'needs_information',
  'accepted',
  'declined',
  'assigned',
  'in_progress',
  'closed',
] as const
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number]

export const STATUS_LABELS: Record<ReferralStatus, string> = {
  new: 'New',
  needs_information: 'Needs more information',
  accepted: 'Accepted',
  declined: 'Declined',
  assigned: 'Assigned',
  in_progress: 'In progress',
  closed: 'Closed',
}

export const CLOSED_STATUSES: readonly ReferralStatus[] = ['declined', 'closed']
export const OPEN_STATUSES: readonly ReferralStatus[] = REFERRAL_STATUSES.filter(
  (s) => !CLOSED_STATUSES.includes(s),
)
export const isOpen = (status: ReferralStatus) => !CLOSED_STATUSES.includes(status)

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const
export type Priority = (typeof PRIORITIES)[number]
export const PRIORITY_LABELS: Record<Priority, string> = {
  low: 'Low',
  normal: 'Normal',
  high: 'High',
  urgent: 'Urgent',
}

export const OUTCOMES = [
  'support-provided',
  'support-refused',
  'unable-to-contact',
  'no-further-action',
  'referred-on',
] as const
export type Outcome = (typeof OUTCOMES)[number]
export const OUTCOME_LABELS: Record<Outcome, string> = {
  'support-provided': 'Support provided',
  'support-refused': 'Support offered and refused',
  'unable-to-contact': 'Unable to make contact',
  'no-further-action': 'No further action needed',
  'referred-on': 'Referred on to another organisation',
}

export const isStatus = (value: unknown): value is ReferralStatus =>
  typeof value === 'string' && (REFERRAL_STATUSES as readonly string[]).includes(value)
export const isPriority = (value: unknown): value is Priority =>
  typeof value === 'string' && (PRIORITIES as readonly string[]).includes(value)
export const isOutcome = (value: unknown): value is Outcome =>
  typeof value === 'string' && (OUTCOMES as readonly string[]).includes(value)

/** What the actor is to this referral: decided by queries.ts from their role and organisation. */
export interface ActorCapacity {
  /** Receives it and may screen and assign (referrals:screen in the receiving organisation). */
  screener: boolean
  /** Receives it and may work it (referrals:work in the receiving organisation). */
  worker: boolean
  /** Made it, or belongs to the organisation that did. */
  referrer: boolean
}

export type ReferralAction =
  | { kind: 'accept'; note?: string }
  | { kind: 'decline'; reason: string }
  | { kind: 'request-information'; question: string }
  | { kind: 'supply-information'; text: string }
  | { kind: 'assign'; userId: string }
  | { kind: 'start' }
  | { kind: 'note'; text: string }
  | { kind: 'action'; text: string }
  | { kind: 'close'; outcome: string; note?: string }
  /** to: 'team:<id>' or 'organisation:<id>', checked against the database by queries.ts. */
  | { kind: 'refer-on'; reason: string; to: string }

export type ActionKind = ReferralAction['kind']
export const ACTION_KINDS: readonly ActionKind[] = [
  'accept',
  'decline',
  'request-information',
  'supply-information',
  'assign',
  'start',
  'note',
  'action',
  'close',
  'refer-on',
]

export const ACTION_LABELS: Record<ActionKind, string> = {
  accept: 'Accept',
  decline: 'Decline',
  'request-information': 'Ask for more information',
  'supply-information': 'Give more information',
  assign: 'Assign',
  start: 'Start work',
  note: 'Add a note',
  action: 'Record an action',
  close: 'Close with an outcome',
  'refer-on': 'Refer on to another organisation',
}

type Who = keyof ActorCapacity

interface Rule {
  from: readonly ReferralStatus[]
  who: readonly Who[]
  /** The next status; 'same' keeps the current one. */
  to: ReferralStatus | 'same'
}

const SCREENING: readonly ReferralStatus[] = ['new']
const WORKABLE: readonly ReferralStatus[] = ['accepted', 'assigned', 'in_progress']

const RULES: Record<ActionKind, Rule> = {
  accept: { from: SCREENING, who: ['screener'], to: 'accepted' },
  decline: { from: ['new', 'needs_information'], who: ['screener'], to: 'declined' },
  'request-information': { from: SCREENING, who: ['screener'], to: 'needs_information' },
  'supply-information': { from: ['needs_information'], who: ['referrer'], to: 'new' },
  assign: { from: WORKABLE, who: ['screener'], to: 'assigned' },
  start: { from: ['assigned'], who: ['worker', 'screener'], to: 'in_progress' },
  note: { from: OPEN_STATUSES, who: ['worker', 'screener'], to: 'same' },
  action: { from: ['in_progress'], who: ['worker', 'screener'], to: 'same' },
  close: { from: ['assigned', 'in_progress'], who: ['worker', 'screener'], to: 'closed' },
  'refer-on': { from: WORKABLE, who: ['worker', 'screener'], to: 'closed' },
}

const TEXT_LIMIT = 4000

export interface Transition {
  from: ReferralStatus
  to: ReferralStatus
  action: ReferralAction
  /** Set when the action closes the referral. */
  outcome: Outcome | null
}

/** The past tense of each action, for history and for the answer a stale writer gets. */
export const ACTION_DONE: Record<ActionKind | 'raised' | 'evidence-added' | 'priority-raised', string> = {
  raised: 'made',
  'evidence-added': 'added evidence to',
  'priority-raised': 'raised the priority of',
  accept: 'accepted',
  decline: 'declined',
  'request-information': 'asked for more information on',
  'supply-information': 'gave more information on',
  assign: 'assigned',
  start: 'started work on',
  note: 'added a note to',
  action: 'recorded an action on',
  close: 'closed',
  'refer-on': 'referred on',
}

export type TransitionResult =
  { ok: true; transition: Transition } | { ok: false; field: string; message: string }

const refuse = (field: string, message: string): TransitionResult => ({ ok: false, field, message })

function textProblem(value: unknown, what: string, required: boolean): string | null {
  if (typeof value !== 'string' || value.trim() === '') return required ? `Enter ${what}` : null
  if (value.length > TEXT_LIMIT)
    return `${what[0]!.toUpperCase()}${what.slice(1)} must be ${TEXT_LIMIT} characters or fewer`
  return null
}

/** The actions this actor may take on a referral in this status, in the order pages offer them. */
export function allowedActions(status: ReferralStatus, capacity: ActorCapacity): ActionKind[] {
  return ACTION_KINDS.filter((kind) => {
    const rule = RULES[kind]
    return rule.from.includes(status) && rule.who.some((who) => capacity[who])
  })
}

/** Checks one action against the current status and the actor, and says where it leads. */
export function transition(
  status: ReferralStatus,
  action: ReferralAction,
  capacity: ActorCapacity,
): TransitionResult {
  const rule = RULES[action.kind]
  if (!rule) return refuse('action', 'Choose an action')
  if (!rule.from.includes(status)) {
    return refuse(
      'action',
      `A referral that is ${STATUS_LABELS[status].toLowerCase()} cannot be given the action '${ACTION_LABELS[action.kind]}'`,
    )
  }
  if (!rule.who.some((who) => capacity[who])) {
    return refuse('action', `You may not '${ACTION_LABELS[action.kind]}' on this referral`)
  }
  let problem: [string, string | null] = ['action', null]
  let outcome: Outcome | null = null
  switch (action.kind) {
    case 'decline':
      problem = ['reason', textProblem(action.reason, 'the reason for declining', true)]
      break
    case 'refer-on':
      problem =
        typeof action.to !== 'string' || action.to === ''
          ? ['to', 'Choose the team or organisation to refer it on to']
          : ['reason', textProblem(action.reason, 'why it is referred on', true)]
      outcome = 'referred-on'
      break
    case 'request-information':
      problem = ['question', textProblem(action.question, 'what information is needed', true)]
      break
    case 'supply-information':
      problem = ['text', textProblem(action.text, 'the information asked for', true)]
      break
    case 'note':
    case 'action':
      problem = [
        'text',
        textProblem(action.text, action.kind === 'note' ? 'the note' : 'what was done', true),
      ]
      break
    case 'accept':
      problem = ['note', textProblem(action.note, 'the note', false)]
      break
    case 'assign':
      if (typeof action.userId !== 'string' || action.userId === '')
        problem = ['userId', 'Choose who to assign it to']
      break
    case 'close':
      if (!isOutcome(action.outcome) || action.outcome === 'referred-on') {
        problem = ['outcome', 'Choose an outcome (to refer on, use "Refer on to another organisation")']
      } else {
        outcome = action.outcome
        problem = ['note', textProblem(action.note, 'the note', false)]
      }
      break
    case 'start':
      break
  }
  if (problem[1]) return refuse(problem[0], problem[1])
  return {
    ok: true,
    transition: { from: status, to: rule.to === 'same' ? status : rule.to, action, outcome },
  }
}
