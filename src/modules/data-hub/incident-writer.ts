import { sql, type Selectable, type Transaction } from 'kysely'
import type { Database } from '../../db/schema.ts'
import type { IncidentTable } from './tables.ts'

/** An incident as a format maps it: the table's row without what the pipeline adds. */
export type IncidentValues = Omit<
  Selectable<IncidentTable>,
  'id' | 'source_kind' | 'import_run_id' | 'natural_key' | 'harm_weight'
>

// Each column travels as one array literal built here in one pass: pg's own conversion of a JS
// array runs two regular expression replacements over every element.
const ARRAY_OF = {
  text: (literal: string) => sql`${literal}::text[]`,
  date: (literal: string) => sql`${literal}::date[]`,
  timestamptz: (literal: string) => sql`${literal}::timestamptz[]`,
  float8: (literal: string) => sql`${literal}::float8[]`,
}

const NEEDS_ESCAPE = /["\\]/

/** A PostgreSQL array literal of the values: NULL, numbers as they are, everything else quoted. */
export function arrayLiteral(values: readonly unknown[]): string {
  const elements = new Array<string>(values.length)
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    if (value === null || value === undefined) elements[i] = 'NULL'
    else if (typeof value === 'number') elements[i] = Number.isFinite(value) ? String(value) : `"${value}"`
    else {
      const text = value instanceof Date ? value.toISOString() : String(value)
      elements[i] = NEEDS_ESCAPE.test(text) ? `"${text.replace(/["\\]/g, '\\$&')}"` : `"${text}"`
    }
  }
  return `{${elements.join(',')}}`
}

/** The PostgreSQL array type each column travels as. */
const COLUMN_TYPES: Record<keyof IncidentValues, keyof typeof ARRAY_OF> = {
  kind: 'text',
  source_reference: 'text',
  crime_id: 'text',
  month: 'date',
  occurred_at: 'timestamptz',
  category_code: 'text',
  category_label: 'text',
  last_outcome_code: 'text',
  last_outcome_label: 'text',
  reported_by: 'text',
  falls_within: 'text',
  longitude: 'float8',
  latitude: 'float8',
  location_text: 'text',
  lsoa_code: 'text',
  lsoa_name: 'text',
  h3_res7: 'text',
  h3_res8: 'text',
  h3_res9: 'text',
  context: 'text',
}
const COLUMNS = ['natural_key', ...Object.keys(COLUMN_TYPES)] as (keyof IncidentValues | 'natural_key')[]
/** On a re-published row everything but its identity is replaced. */
const UPDATED = ['import_run_id', ...COLUMNS.filter((c) => c !== 'natural_key' && c !== 'kind')]

export interface WrittenIncident {
  id: number
  naturalKey: string
  inserted: boolean
}

/**
 * Inserts or updates incidents by natural key. The rows travel as one array parameter a
 * column, unnested into a single statement: far cheaper to send and plan than multi-row
 * VALUES, and not bounded by PostgreSQL's 65,535 parameters. Returns each row's id and
 * whether it was new, in no particular order.
 */
export async function upsertIncidents(
  trx: Transaction<Database>,
  sourceKind: string,
  runId: number,
  incidents: readonly (IncidentValues & { natural_key: string })[],
): Promise<WrittenIncident[]> {
  if (!incidents.length) return []
  const arrays = COLUMNS.map((column) => {
    const type = column === 'natural_key' ? 'text' : COLUMN_TYPES[column]
    return ARRAY_OF[type](arrayLiteral(incidents.map((incident) => incident[column])))
  })
  const list = (names: readonly string[]) => sql.join(names.map((name) => sql.ref(name)))
  const rows = await sql<{ id: string | number; natural_key: string; inserted: boolean }>`
    insert into incident (source_kind, import_run_id, ${list(COLUMNS)})
    select ${sourceKind}, ${runId}, ${list(COLUMNS)}
    from unnest(${sql.join(arrays)}) as batch (${list(COLUMNS)})
    on conflict (natural_key) do update set
      ${sql.join(UPDATED.map((c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`))}
    -- xmax is 0 on a freshly inserted row version and set on one written by the update.
    returning id, natural_key, (xmax = 0) as inserted`.execute(trx)
  return rows.rows.map((row) => ({ id: Number(row.id), naturalKey: row.natural_key, inserted: row.inserted }))
}

export function countWritten(written: readonly WrittenIncident[]): { inserted: number; updated: number } {
  const inserted = written.filter((row) => row.inserted).length
  return { inserted, updated: written.length - inserted }
}
