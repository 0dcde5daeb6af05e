/**
 * The categories of data subject of checklist C3 (DPA 2018 s.38(3)): how a person is linked to
 * an incident. Stored as the PostgreSQL enum data_subject_category (migration 0020); this list
 * is the same, in the same order.
 */
export const DATA_SUBJECT_CATEGORIES = [
  'suspect',
  'offender',
  'victim',
  'witness',
  'reporting-person',
  'child-at-risk',
  'missing-person',
  'other',
] as const
export type DataSubjectCategory = (typeof DATA_SUBJECT_CATEGORIES)[number]

export const DATA_SUBJECT_CATEGORY_LABELS: Record<DataSubjectCategory, string> = {
  suspect: 'Suspect',
  offender: 'Offender',
  victim: 'Victim',
  witness: 'Witness',
  'reporting-person': 'Reporting person',
  'child-at-risk': 'Child at risk',
  'missing-person': 'Missing person',
  other: 'Other',
}

export const isDataSubjectCategory = (value: unknown): value is DataSubjectCategory =>
  (DATA_SUBJECT_CATEGORIES as readonly unknown[]).includes(value)

/**
 * The category of a source's involvement role. The roles of the people-involvements format are
 * the categories, except a child present at an incident, who is a child at risk.
 */
export function categoryOfRole(role: string): DataSubjectCategory {
  if (role === 'child-present') return 'child-at-risk'
  return isDataSubjectCategory(role) ? role : 'other'
}
