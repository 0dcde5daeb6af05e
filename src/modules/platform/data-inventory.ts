import { DATA_CLASSES, type DataClassName } from './data-classes.ts'

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
  notification: 'Email notifications: deleted 30 days after they are sent or given up on.',
  audit: 'Append-only; kept for 6 years (DPA 2018 s.62 logs), then archived.',
  'import-provenance': 'Kept as long as any record it brought in is kept.',
  'police-record': 'Police information: kept and reviewed by its MoPI group.',
  'partner-record':
    'Partner information: kept for the retention period of the sharing agreement it came under.',
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

/**
 * Columns one module's migration adds to a table another module owns (and lists): the
 * owner's inventory keeps the table's class and retention, these add only their columns.
 */
export interface AddedColumns {
  addsColumnsTo: string
  columns: Record<string, ColumnClassification>
}

export type InventoryEntry = TableInventory | AddedColumns

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

/** A column that stays with the police whatever an agreement says; flags add what more it is. */
export function policeOnly(
  description: string,
  flags: Partial<Omit<ColumnClassification, 'description' | 'policeOnly'>> = {},
): ColumnClassification {
  return { description, ...NONE, policeOnly: true, ...flags }
}

/** Columns added to another module's table; see AddedColumns. */
export function columnsAddedTo(table: string, columns: Record<string, ColumnClassification>): AddedColumns {
  return { addsColumnsTo: table, columns }
}

export interface ModuleInventory {
  /** The module's name, for messages: 'platform', 'data-hub/police-uk'. */
  module: string
  entries: readonly InventoryEntry[]
}

export interface MergedInventory {
  tables: TableInventory[]
  /** Entries that cannot be merged: a table listed twice, columns added to a table nobody lists. */
  problems: string[]
}

/** Puts every module's tables together, with the columns others add to them, sorted by table name. */
export function mergeInventories(modules: readonly ModuleInventory[]): MergedInventory {
  const problems: string[] = []
  const tables = new Map<string, { owner: string; table: TableInventory }>()
  for (const { module, entries } of modules) {
    for (const entry of entries) {
      if (!('table' in entry)) continue
      const seen = tables.get(entry.table)
      if (seen) {
        problems.push(
          `${entry.table} is listed by both ${seen.owner} and ${module}: the module that creates a table lists it, others use columnsAddedTo()`,
        )
        continue
      }
      tables.set(entry.table, { owner: module, table: { ...entry, columns: { ...entry.columns } } })
    }
  }
  for (const { module, entries } of modules) {
    for (const entry of entries) {
      if (!('addsColumnsTo' in entry)) continue
      const target = tables.get(entry.addsColumnsTo)
      if (!target) {
        problems.push(`${module} adds columns to ${entry.addsColumnsTo}, which no module's inventory lists`)
        continue
      }
      for (const [column, classification] of Object.entries(entry.columns)) {
        if (Object.hasOwn(target.table.columns, column)) {
          problems.push(
            `${entry.addsColumnsTo}.${column} is classified by both ${target.owner} and ${module}`,
          )
          continue
        }
        target.table.columns[column] = classification
      }
    }
  }
  const sorted = [...tables.values()].map(({ table }) => table).sort((a, b) => a.table.localeCompare(b.table))
  return { tables: sorted, problems }
}

/**
 * The rules a classification must keep whatever the database holds. Returns one message per
 * broken rule, naming the table or table.column.
 */
export function classificationProblems(tables: readonly TableInventory[]): string[] {
  const problems: string[] = []
  for (const table of tables) {
    if (!table.description.trim()) problems.push(`${table.table} has no description`)
    if (!Object.hasOwn(RETENTION_CLASSES, table.retention)) {
      problems.push(
        `${table.table} has the retention class '${table.retention}', which is not one of RETENTION_CLASSES`,
      )
    }
    const dataClass = table.dataClass === null ? null : DATA_CLASSES[table.dataClass]
    if (table.dataClass !== null && !dataClass) {
      problems.push(
        `${table.table} has the data class '${table.dataClass}', which is not one of DATA_CLASSES`,
      )
    }
    for (const [column, classification] of Object.entries(table.columns)) {
      const name = `${table.table}.${column}`
      if (!classification.description.trim()) problems.push(`${name} has no description`)
      if (classification.specialCategory && !classification.personal) {
        problems.push(
          `${name} is special category data but not marked personal: special category data is about a person`,
        )
      }
      if (classification.criminalOffence && !classification.personal) {
        problems.push(
          `${name} is criminal offence data but not marked personal: Art 10 data is about a person`,
        )
      }
      if (classification.policeOnly && dataClass?.controller !== 'police_force') {
        problems.push(
          `${name} is police-only, so its table's data class must be one the police force controls (it is ${table.dataClass ?? 'none'})`,
        )
      }
      if ((classification.specialCategory || classification.criminalOffence) && table.dataClass === null) {
        problems.push(
          `${name} is special category or criminal offence data, so its table needs a data class for the sharing agreements to govern it`,
        )
      }
    }
  }
  return problems
}

export interface DatabaseColumn {
  table: string
  column: string
}

/** Columns in the database that the inventory lacks, and columns it lists that the database lacks. */
export function compareWithDatabase(
  tables: readonly TableInventory[],
  databaseColumns: readonly DatabaseColumn[],
): { unclassified: string[]; stale: string[] } {
  const listed = new Set(
    tables.flatMap((t) => Object.keys(t.columns).map((column) => `${t.table}.${column}`)),
  )
  const present = new Set(databaseColumns.map(({ table, column }) => `${table}.${column}`))
  return {
    unclassified: [...present].filter((name) => !listed.has(name)).sort(),
    stale: [...listed].filter((name) => !present.has(name)).sort(),
  }
}
