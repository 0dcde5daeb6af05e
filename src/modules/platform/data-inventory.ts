import type { DataClassName } from './data-classes.ts'

/**
 * The data inventory (checklist C1, UK GDPR Art 30): every column of every table classified.
 * Each module lists its own tables beside its code; test/data-inventory.test.ts compares the
 * whole inventory with the database on both drivers, so an unclassified or stale column fails.
 */

/** How long a kind of record is kept, and by whose rule. */
export const RETENTION_CLASSES = {
  configuration: 'Kept while the partnership uses Upstream: settings, organisations, teams, agreements.',
  account: 'Kept while the account is active, then for 1 year after it is closed.',
  session: 'Deleted when the session ends or expires.',
  audit: 'Append-only; kept for 6 years (DPA 2018 s.62 logs), then archived.',
  'import-provenance': 'Kept as long as any record it brought in is kept.',
  'police-record': 'Police information: kept and reviewed by its MoPI group.',
  'partner-record': "Partner information: kept for the retention period of the sharing agreement it came under.",
  'public-reference': 'Published or reference data (data.police.uk, boundaries): kept while useful.',
} as const
export type RetentionClass = keyof typeof RETENTION_CLASSES

export interface ColumnClassification {
  description: string
  /** Relates to an identified or identifiable living person. */
  personal: boolean
  /** Sensitive processing (DPA 2018 s.35(8)) or special category data (UK GDPR Art 9). */
  specialCategory: boolean
  /** Criminal offence data (UK GDPR Art 10): allegations, offences, outcomes about a person. */
  criminalOffence: boolean
  /** Never leaves the police force, whatever an agreement says. */
  policeOnly: boolean
}

export interface TableInventory {
  table: string
  description: string
  /** The sharing-agreement data class of the table's records; null for system tables no agreement covers. */
  dataClass: DataClassName | null
  retention: RetentionClass
  columns: Record<string, ColumnClassification>
}

const NONE = { personal: false, specialCategory: false, criminalOffence: false, policeOnly: false } as const

/** A column that holds nothing about a person. */
export function plain(description: string): ColumnClassification {
  return { description, ...NONE }
}

/** A column that identifies or describes a person; flags add what more it is. */
export function personal(
  description: string,
  flags: Partial<Omit<ColumnClassification, 'description' | 'personal'>> = {},
): ColumnClassification {
  return { description, ...NONE, personal: true, ...flags }
}
