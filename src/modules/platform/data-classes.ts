import type { OrganisationKind } from './organisation-kinds.ts'

/**
 * The classes of data that sharing agreements name, and the kind of organisation that
 * controls each (the data controller in UK GDPR / DPA 2018 terms). Staff of the controlling
 * kind see their own data; anyone else needs an agreement (see sharing.ts).
 */
export interface DataClassDefinition {
  label: string
  description: string
  controller: OrganisationKind
  /** False for data that no agreement may share, whatever it says. */
  shareable: boolean
}

export const DATA_CLASSES = {
  'incident-summary': {
    label: 'Incident summaries',
    description: 'What happened, where and when, without the people involved.',
    controller: 'police_force',
    shareable: true,
  },
  'person-identity': {
    label: 'Person identity',
    description: 'Names, dates of birth and addresses of people known to the police.',
    controller: 'police_force',
    shareable: true,
  },
  'person-involvement': {
    label: 'Person involvement',
    description: 'How a person was involved in an incident: victim, suspect, witness, missing person.',
    controller: 'police_force',
    shareable: true,
  },
  referral: {
    label: 'Referrals',
    description: 'Referrals raised to teams and services, with their evidence and outcomes.',
    controller: 'police_force',
    shareable: true,
  },
  'health-injury': {
    label: 'Health and injury data',
    description: 'Emergency department attendances for assault (Cardiff Model minimum dataset).',
    controller: 'nhs_trust',
    shareable: true,
  },
  'missing-episode': {
    label: 'Missing episodes',
    description: 'Reports of missing people and the circumstances of each episode.',
    controller: 'police_force',
    shareable: true,
  },
  'police-intelligence': {
    label: 'Police intelligence',
    description: 'Intelligence reports: police only, never shared under any agreement.',
    controller: 'police_force',
    shareable: false,
  },
} as const satisfies Record<string, DataClassDefinition>

export type DataClassName = keyof typeof DATA_CLASSES
export const DATA_CLASS_NAMES = Object.keys(DATA_CLASSES) as DataClassName[]
export const SHAREABLE_DATA_CLASSES = DATA_CLASS_NAMES.filter((name) => DATA_CLASSES[name].shareable)

export const PURPOSE_LABELS = {
  safeguarding: 'Safeguarding',
  'crime-prevention': 'Crime prevention',
  'problem-solving': 'Problem solving',
  evaluation: 'Evaluation',
  'strategic-planning': 'Strategic planning',
} as const
export type Purpose = keyof typeof PURPOSE_LABELS
export const PURPOSES = Object.keys(PURPOSE_LABELS) as Purpose[]

export function isDataClass(value: unknown): value is DataClassName {
  return typeof value === 'string' && Object.hasOwn(DATA_CLASSES, value)
}

export function isPurpose(value: unknown): value is Purpose {
  return typeof value === 'string' && Object.hasOwn(PURPOSE_LABELS, value)
}
