/**
 * The data.police.uk outcome categories, as written in the 'Outcome type' column of the outcomes
 * files and the 'Last outcome category' column of the street files, with the stable code of each:
 * the category id the data.police.uk API gives for it (its `outcome_status.category` and
 * `category.code`). Labels no longer published (the court outcomes, unavailable since 2019) stay
 * in the table so that older files still map.
 */

export interface OutcomeCategory {
  code: string
  /** True while the crime is still open: the category says nothing final about it. */
  interim: boolean
}

export const UNKNOWN_OUTCOME = 'unknown'

export const OUTCOME_CATEGORIES: Readonly<Record<string, OutcomeCategory>> = {
  'Action to be taken by another organisation': {
    code: 'action-taken-by-another-organisation',
    interim: false,
  },
  'Awaiting court outcome': { code: 'awaiting-court-result', interim: true },
  'Court case unable to proceed': { code: 'unable-to-proceed', interim: false },
  'Court result unavailable': { code: 'court-result-unavailable', interim: false },
  'Defendant found not guilty': { code: 'not-guilty', interim: false },
  'Defendant sent to Crown Court': { code: 'sent-to-crown-court', interim: true },
  'Formal action is not in the public interest': {
    code: 'formal-action-not-in-public-interest',
    interim: false,
  },
  'Further action is not in the public interest': {
    code: 'further-action-not-in-public-interest',
    interim: false,
  },
  'Further investigation is not in the public interest': {
    code: 'further-investigation-not-in-public-interest',
    interim: false,
  },
  'Investigation complete; no suspect identified': { code: 'no-further-action', interim: false },
  'Local resolution': { code: 'local-resolution', interim: false },
  'Offender deprived of property': { code: 'deprived-of-property', interim: false },
  'Offender fined': { code: 'fined', interim: false },
  'Offender given a caution': { code: 'cautioned', interim: false },
  'Offender given a drugs possession warning': { code: 'drugs-possession-warning', interim: false },
  'Offender given absolute discharge': { code: 'absolute-discharge', interim: false },
  'Offender given community sentence': { code: 'community-penalty', interim: false },
  'Offender given conditional discharge': { code: 'conditional-discharge', interim: false },
  // The files write "penalty notice"; the API documentation "a penalty notice".
  'Offender given penalty notice': { code: 'penalty-notice-issued', interim: false },
  'Offender given a penalty notice': { code: 'penalty-notice-issued', interim: false },
  'Offender given suspended prison sentence': { code: 'suspended-sentence', interim: false },
  'Offender ordered to pay compensation': { code: 'compensation', interim: false },
  'Offender otherwise dealt with': { code: 'other-court-disposal', interim: false },
  'Offender sent to prison': { code: 'imprisoned', interim: false },
  'Status update unavailable': { code: 'status-update-unavailable', interim: true },
  'Suspect charged': { code: 'charged', interim: false },
  'Suspect charged as part of another case': { code: 'sentenced-in-another-case', interim: false },
  'Unable to prosecute suspect': { code: 'unable-to-prosecute', interim: false },
  'Under investigation': { code: 'under-investigation', interim: true },
}

/** The codes of the categories that leave a crime open, for ordering outcomes of the same month. */
export const INTERIM_OUTCOME_CODES: readonly string[] = [
  ...new Set(
    Object.values(OUTCOME_CATEGORIES)
      .filter((category) => category.interim)
      .map((category) => category.code),
  ),
]

/** The stable code of an outcome label; 'unknown' for a label not in the table (the label is kept). */
export function outcomeCode(label: string): string {
  return Object.hasOwn(OUTCOME_CATEGORIES, label) ? OUTCOME_CATEGORIES[label]!.code : UNKNOWN_OUTCOME
}
