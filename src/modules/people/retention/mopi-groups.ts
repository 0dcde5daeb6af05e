import type { MopiGroup } from './tables.ts'

/**
 * The MoPI review groups of police person records (College of Policing APP on information management,
 * "Retention, review and disposal", under the Code of Practice on the Management of Police Information
 * 2005, now the Police Information and Records Management Code 2023). docs/people/retention-and-erasure.md
 * gives the table, and how Upstream places a record in a group from what its source tells it.
 */
export interface MopiGroupRule {
  group: MopiGroup
  label: string
  /** Years from the start of the clear period (or from the last review) to the next review. */
  reviewAfterYears: number
  /** False for Group 1: it always goes to a reviewer, never to the disposal job. */
  automaticDisposal: boolean
}

export const MOPI_GROUPS: Record<MopiGroup, MopiGroupRule> = {
  1: { group: 1, label: 'Certain public protection matters', reviewAfterYears: 10, automaticDisposal: false },
  2: {
    group: 2,
    label: 'Other sexual, violent or serious offences',
    reviewAfterYears: 10,
    automaticDisposal: true,
  },
  3: { group: 3, label: 'All other offences', reviewAfterYears: 6, automaticDisposal: true },
  4: { group: 4, label: 'Undetected crime', reviewAfterYears: 6, automaticDisposal: true },
}

/** Group 1 records are kept until the subject is 100 (then reviewed like any other Group 1 record). */
export const GROUP_1_KEPT_UNTIL_AGE = 100

/** police.uk categories of a suspect's or offender's involvement that place the record in Group 1. */
export const PUBLIC_PROTECTION_CATEGORIES = ['violent-crime'] as const

/** ... and in Group 2: serious offences outside the public-protection category. */
export const SERIOUS_CATEGORIES = [
  'robbery',
  'burglary',
  'possession-of-weapons',
  'drugs',
  'criminal-damage-arson',
  'public-order',
] as const

/** Final police.uk outcomes that leave a crime undetected (its victims and witnesses go in Group 4). */
export const UNDETECTED_OUTCOMES = ['no-further-action', 'unable-to-prosecute'] as const

export const OFFENDER_ROLES = ['suspect', 'offender'] as const

/** Days before a record's review date from which it shows in the queue, so a reviewer can act first. */
export const REVIEW_NOTICE_DAYS = 30

/** A reviewer who retains a record sets its next review this many years on (at most). */
export const MAX_RETAIN_YEARS = 10
