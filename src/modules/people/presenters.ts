import { PURPOSE_LABELS, type Purpose } from '../platform/data-classes.ts'
import { DATA_SUBJECT_CATEGORY_LABELS } from '../platform/data-subject-categories.ts'
import type { PersonView } from './person-view.ts'
import type { ReviewPair } from './review-queue.ts'

/** Shapes people data for the pages: words for codes, percentages, rows for tables. */

const ROLE_WORDS: Record<string, string> = {
  victim: 'Victim',
  suspect: 'Suspect',
  offender: 'Offender',
  witness: 'Witness',
  'reporting-person': 'Reported it',
  'missing-person': 'Missing person',
  'child-present': 'Child present',
  other: 'Other',
}

const KIND_WORDS: Record<string, string> = {
  crime: 'Crime',
  'anti-social-behaviour': 'Anti-social behaviour',
  'stop-and-search': 'Stop and search',
  'call-for-service': 'Call for service',
  'ae-assault': 'A&E attendance for assault',
  'missing-episode': 'Missing episode',
}

export const percent = (probability: number | null) =>
  probability === null
    ? '—'
    : `${(probability * 100).toFixed(probability > 0.999 || probability < 0.001 ? 2 : 1)}%`

export function personPage(person: PersonView, purpose: Purpose) {
  return {
    person,
    purpose,
    purposeLabel: PURPOSE_LABELS[purpose],
    sources: [...new Set(person.records.map((r) => r.sourceSystem))],
    records: person.records.map((r) => ({
      ...r,
      probability: percent(r.matchProbability),
      assessedBy: `Record linkage run ${r.matchAssessment.linkageRunId}, ${r.matchAssessment.startedByName ? `started by ${r.matchAssessment.startedByName}` : 'run by Upstream'}`,
      assessedAt: r.matchAssessment.assessedAt,
    })),
    timeline: person.timeline.map((entry) => ({
      ...entry,
      roleText: ROLE_WORDS[entry.role] ?? entry.role,
      categoryText: DATA_SUBJECT_CATEGORY_LABELS[entry.category],
      kindText: KIND_WORDS[entry.kind] ?? entry.kind,
    })),
    withheld: person.withheldKinds.map((kind) => KIND_WORDS[kind] ?? kind),
    households: person.households.map((household) => ({
      ...household,
      others: household.others.map((other) => ({
        ...other,
        href: `/people/${other.personId}?purpose=${purpose}`,
      })),
    })),
  }
}

export function reviewPage(pair: ReviewPair) {
  const fields = [
    ['First names', pair.a.firstNames, pair.b.firstNames],
    ['Last name', pair.a.lastName, pair.b.lastName],
    ['Date of birth', pair.a.dateOfBirth ?? '', pair.b.dateOfBirth ?? ''],
    ['Address', pair.a.address ?? '', pair.b.address ?? ''],
    ['Postcode', pair.a.postcode ?? '', pair.b.postcode ?? ''],
    [
      'Source',
      `${pair.a.sourceSystem} ${pair.a.sourcePersonId}`,
      `${pair.b.sourceSystem} ${pair.b.sourcePersonId}`,
    ],
  ] as const
  return {
    pair,
    href: `/people/review/${pair.id}`,
    probability: percent(pair.matchProbability),
    weight: pair.matchWeight.toFixed(1),
    fields: fields.map(([label, a, b]) => ({
      label,
      a: a || '—',
      b: b || '—',
      same: a !== '' && a.toLowerCase() === b.toLowerCase(),
    })),
    explanation: pair.explanation.map((item) => ({
      field: item.field,
      level: item.level,
      weight: `${item.weight >= 0 ? '+' : '−'}${Math.abs(item.weight).toFixed(2)}`,
      direction: item.weight > 0 ? 'for' : item.weight < 0 ? 'against' : 'neutral',
    })),
  }
}
