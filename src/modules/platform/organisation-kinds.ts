/** The kinds of organisation in a partnership, with the labels pages show. */
export const ORGANISATION_KIND_LABELS = {
  police_force: 'Police force',
  pcc_office: 'Office of the Police and Crime Commissioner',
  council: 'Council',
  nhs_trust: 'NHS trust',
  fire_service: 'Fire and rescue service',
  probation: 'Probation service',
  charity: 'Charity or voluntary organisation',
  other: 'Other',
} as const
export type OrganisationKind = keyof typeof ORGANISATION_KIND_LABELS
export const ORGANISATION_KINDS = Object.keys(ORGANISATION_KIND_LABELS) as OrganisationKind[]

export function isOrganisationKind(value: unknown): value is OrganisationKind {
  return typeof value === 'string' && Object.hasOwn(ORGANISATION_KIND_LABELS, value)
}
