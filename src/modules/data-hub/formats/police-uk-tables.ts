import { sql, type Generated, type Transaction } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { INTERIM_OUTCOME_CODES } from './police-uk-outcome-codes.ts'

/**
 * The tables of the data.police.uk outcomes and stop-and-search formats, and the one query the
 * street and outcomes formats share: bringing a crime's latest outcome onto its incidents.
 */

/** The street format's kind, written here rather than imported so the street format can import this file. */
const STREET_KIND = 'police-uk-street'

/** One row of an outcomes file: the outcome a crime reached in a month. Kept for every crime, imported or not. */
export interface PoliceUkOutcomeTable {
  id: Generated<number>
  import_run_id: number
  /** police-uk-outcome:<crime id>:<month>:<outcome label>:<occurrence>. */
  natural_key: string
  crime_id: string
  /** First day of the month of the outcome, as text ('2023-04-01'). */
  month: string
  outcome_code: string
  outcome_label: string
  reported_by: string | null
  falls_within: string | null
  longitude: number | null
  latitude: number | null
  location_text: string | null
  lsoa_code: string | null
  lsoa_name: string | null
}

/** The columns of a stop-and-search row that the incident does not hold, keyed by the incident. */
export interface PoliceUkStopSearchTable {
  incident_id: number
  import_run_id: number
  search_type: string
  part_of_policing_operation: boolean | null
  policing_operation: string | null
  gender: string | null
  age_range: string | null
  self_defined_ethnicity: string | null
  officer_defined_ethnicity: string | null
  legislation: string | null
  object_of_search: string | null
  outcome: string | null
  outcome_linked_to_object_of_search: boolean | null
  removal_of_more_than_just_outer_clothing: boolean | null
}

export interface PoliceUkTables {
  police_uk_outcome: PoliceUkOutcomeTable
  police_uk_stop_search: PoliceUkStopSearchTable
}

// The two-key form of advisory lock, whose key space no single-key lock in Upstream shares.
const OUTCOME_LOCK = { namespace: 0x55505354, key: 1 }

/**
 * Makes street and outcomes batches that touch outcomes take turns until they commit. Without it,
 * on PostgreSQL a street batch and an outcomes batch for the same crime, committing at the same
 * time, would each miss the other's uncommitted rows and the outcome would never be applied.
 * Taken first in the batch's transaction, so each batch sees every batch committed before it.
 */
export async function takeOutcomeLock(trx: Transaction<Database>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${sql.lit(OUTCOME_LOCK.namespace)}, ${sql.lit(OUTCOME_LOCK.key)})`.execute(
    trx,
  )
}

/**
 * Sets the latest outcome of the given crimes on their street-file incidents, from the outcome
 * history; returns how many incidents changed. The latest outcome is the one of the latest month
 * (in the same month a final category before an interim one, then by code). It replaces the
 * street file's 'Last outcome category' only when it is of a later month than the crime (or the
 * street file gave none): data.police.uk publishes a month's street and outcomes files together,
 * and the street file's last outcome already takes that month's outcomes into account.
 * Derived from the whole history every time, so the result does not depend on the order of imports.
 */
export async function applyLatestOutcomes(
  trx: Transaction<Database>,
  crimeIds: readonly string[],
): Promise<number> {
  if (!crimeIds.length) return 0
  const changed = await sql<{ id: number }>`
    with latest as (
      select distinct on (crime_id) crime_id, month, outcome_code, outcome_label
      from police_uk_outcome
      where crime_id = any(${[...new Set(crimeIds)]}::text[])
      order by crime_id, month desc, outcome_code = any(${INTERIM_OUTCOME_CODES}::text[]),
        outcome_code, outcome_label
    )
    update incident
    set last_outcome_code = latest.outcome_code, last_outcome_label = latest.outcome_label
    from latest
    -- A street row's source reference is its Crime ID (index incident_source_reference).
    where incident.source_kind = ${STREET_KIND}
      and incident.source_reference = latest.crime_id
      and (latest.month > incident.month or incident.last_outcome_label is null)
      and (incident.last_outcome_code is distinct from latest.outcome_code
        or incident.last_outcome_label is distinct from latest.outcome_label)
    returning incident.id`.execute(trx)
  return changed.rows.length
}
