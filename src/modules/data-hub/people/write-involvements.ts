import { sql, type Transaction } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import type { WriteCounts } from '../formats/import-format.ts'
import type { InvolvementRow } from '../formats/people-involvements.ts'
import { recordAudit } from '../../platform/audit/audit-log.ts'
import { resolveInvolvementsIn } from './resolve-involvements.ts'
import { categoryOfRole } from '../../platform/data-subject-categories.ts'

/**
 * Writes one batch of involvement rows: first their people (one record per source system and
 * person ID, updated in place when the extract changes them), then the involvements, each
 * linked to its incident when that incident is already in the database. Counts involvements.
 */
export async function writeInvolvements(
  trx: Transaction<Database>,
  runId: number,
  rows: readonly (InvolvementRow & { natural_key: string })[],
): Promise<WriteCounts> {
  if (!rows.length) return { inserted: 0, updated: 0 }
  await upsertPeople(trx, runId, rows)
  // The key is the identity without the pipeline's occurrence number: the same person in the
  // same role in the same incident twice is one involvement, or repeat victimisation would be
  // over-counted. A repeat in the batch counts as an update of the first.
  const involvements = [...new Map(rows.map((row) => [row.identity, row])).values()]
  const text = (pick: (row: InvolvementRow) => string) => sql`${involvements.map(pick)}::text[]`
  const written = await sql<{ inserted: boolean }>`
    insert into person_involvement
      (person_record_id, natural_key, role, category, incident_source_kind, incident_reference, incident_id, import_run_id)
    select person.id, batch.natural_key, batch.role, batch.category::data_subject_category,
      batch.incident_source_kind, batch.incident_reference,
      (select min(incident.id) from incident
        where incident.source_kind = batch.incident_source_kind
          and incident.source_reference = batch.incident_reference),
      ${runId}
    from unnest(${text((r) => r.identity)}, ${text((r) => r.source_system)}, ${text((r) => r.source_person_id)},
      ${text((r) => r.role)}, ${text((r) => categoryOfRole(r.role))}, ${text((r) => r.incident_source_kind)},
      ${text((r) => r.incident_reference)})
      as batch (natural_key, source_system, source_person_id, role, category, incident_source_kind, incident_reference)
    join person_record as person
      on person.source_system = batch.source_system and person.source_person_id = batch.source_person_id
    on conflict (natural_key) do update set
      person_record_id = excluded.person_record_id,
      import_run_id = excluded.import_run_id,
      incident_id = coalesce(person_involvement.incident_id, excluded.incident_id)
    -- xmax is 0 on a freshly inserted row version and set on one written by the update.
    returning (xmax = 0) as inserted`.execute(trx)
  // In a run's first batch (the pipeline wrote its batch row first), the involvements of
  // earlier imports whose incidents have come in since.
  const batches = await trx
    .selectFrom('import_batch')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('import_run_id', '=', runId)
    .executeTakeFirstOrThrow()
  if (Number(batches.count) === 1) await resolveInvolvementsIn(trx)
  const inserted = written.rows.filter((row) => row.inserted).length
  const skipped = await skipErasedRows(trx, runId, rows)
  return { inserted, updated: rows.length - inserted - skipped }
}

async function upsertPeople(
  trx: Transaction<Database>,
  runId: number,
  rows: readonly InvolvementRow[],
): Promise<void> {
  // One statement may not update a row twice: a person on many rows of the batch is written
  // once, with the details of their last row in the file.
  const people = new Map<string, InvolvementRow>()
  for (const row of rows) people.set(JSON.stringify([row.source_system, row.source_person_id]), row)
  const list = [...people.values()]
  const text = (pick: (row: InvolvementRow) => string | null) => sql`${list.map(pick)}::text[]`
  await sql`
    insert into person_record (source_system, source_person_id, first_names, last_name, first_names_normalised,
      last_name_normalised, date_of_birth, address, postcode, import_run_id)
    select source_system, source_person_id, first_names, last_name, first_names_normalised,
      last_name_normalised, date_of_birth::date, address, postcode, ${runId}
    from unnest(${text((r) => r.source_system)}, ${text((r) => r.source_person_id)}, ${text((r) => r.first_names)},
      ${text((r) => r.last_name)}, ${text((r) => r.first_names_normalised)}, ${text((r) => r.last_name_normalised)},
      ${text((r) => r.date_of_birth)}, ${text((r) => r.address)}, ${text((r) => r.postcode)})
      as batch (source_system, source_person_id, first_names, last_name, first_names_normalised,
        last_name_normalised, date_of_birth, address, postcode)
    -- An erased record is not brought back by a later extract (decision 0011): its involvements then
    -- find no person record and are skipped too.
    where not exists (select 1 from erasure_tombstone t where t.source_key_sha256 =
      encode(sha256(convert_to(batch.source_system || chr(31) || batch.source_person_id, 'UTF8')), 'hex'))
    on conflict (source_system, source_person_id) do update set
      first_names = ${keepRectified('first_names')},
      last_name = ${keepRectified('last_name')},
      first_names_normalised = ${keepRectified('first_names', 'first_names_normalised')},
      last_name_normalised = ${keepRectified('last_name', 'last_name_normalised')},
      date_of_birth = ${keepRectified('date_of_birth')},
      address = ${keepRectified('address')},
      postcode = ${keepRectified('postcode')},
      import_run_id = excluded.import_run_id
    -- A record keeps the run that last changed it, not every run that repeated it.
    where (person_record.first_names, person_record.last_name, person_record.date_of_birth,
        person_record.address, person_record.postcode)
      is distinct from (excluded.first_names, excluded.last_name, excluded.date_of_birth,
        excluded.address, excluded.postcode)`.execute(trx)
}

/**
 * A field the DPO rectified (subject-rights/rectification.ts) keeps its corrected value while the
 * source goes on sending the value that was corrected; a different value from the source is a
 * new fact and is taken. `column` is written, `field` is the rectified field it follows.
 */
function keepRectified(field: RectifiableField, column: string = field) {
  return sql.raw(`case when exists (
      select 1 from person_rectification pr
        join person_rectification_field f on f.rectification_id = pr.id
       where pr.person_record_id = person_record.id and f.field = '${field}'
         and f.old_value is not distinct from excluded.${field}::text)
    then person_record.${column} else excluded.${column} end`)
}

type RectifiableField = 'first_names' | 'last_name' | 'date_of_birth' | 'address' | 'postcode'

/** Rows of erased records (skipped above), counted and reported in the audit log by the run's id only. */
async function skipErasedRows(
  trx: Transaction<Database>,
  runId: number,
  rows: readonly InvolvementRow[],
): Promise<number> {
  const text = (pick: (row: InvolvementRow) => string) => sql`${rows.map(pick)}::text[]`
  const { rows: found } = await sql<{ n: number }>`
    select count(*)::int as n
    from unnest(${text((r) => r.source_system)}, ${text((r) => r.source_person_id)}) as batch (source_system, source_person_id)
    where exists (select 1 from erasure_tombstone t where t.source_key_sha256 =
      encode(sha256(convert_to(batch.source_system || chr(31) || batch.source_person_id, 'UTF8')), 'hex'))`.execute(
    trx,
  )
  const skipped = Number(found[0]?.n ?? 0)
  if (skipped > 0) {
    await recordAudit(trx, {
      action: 'collect',
      event: 'ERASED_RECORDS_NOT_IMPORTED',
      recordType: 'import_run',
      recordIds: [String(runId)],
      details: { rowsSkipped: skipped },
    })
  }
  return skipped
}
