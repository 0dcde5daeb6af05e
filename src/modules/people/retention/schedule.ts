import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import {
  GROUP_1_KEPT_UNTIL_AGE,
  MOPI_GROUPS,
  OFFENDER_ROLES,
  PUBLIC_PROTECTION_CATEGORIES,
  REVIEW_NOTICE_DAYS,
  SERIOUS_CATEGORIES,
  UNDETECTED_OUTCOMES,
} from './mopi-groups.ts'
import type { MopiGroup } from './tables.ts'

/**
 * Places every person record under its retention rule and works out its next review (C4). A record
 * from a source system a sharing agreement names is a partner record, kept for that agreement's
 * period (the longest, if several name it); every other record is a police record in a MoPI group
 * from its involvements: its most serious involvement decides. The clear period runs from its latest
 * incident (or its import, for a record with none resolved). Re-run before the queue and the
 * disposal job read the schedule, so new involvements move a record's group and dates.
 */
export async function assessRetention(db: Kysely<Database>, now: Date): Promise<void> {
  const list = (values: readonly string[]) => sql`${[...values]}::text[]`
  const years = (group: MopiGroup) => sql.lit(MOPI_GROUPS[group].reviewAfterYears)
  await sql`
    with involvement_rank as (
      select v.person_record_id,
        min(case
          when v.role = any(${list(OFFENDER_ROLES)}) and i.kind = 'crime'
            and i.category_code = any(${list(PUBLIC_PROTECTION_CATEGORIES)}) then 1
          when v.role = any(${list(OFFENDER_ROLES)}) and i.kind = 'crime'
            and i.category_code = any(${list(SERIOUS_CATEGORIES)}) then 2
          when v.role <> all(${list(OFFENDER_ROLES)}) and i.kind = 'crime'
            and i.last_outcome_code = any(${list(UNDETECTED_OUTCOMES)}) then 3
          else 4 end) as rank,
        max(coalesce((i.occurred_at at time zone 'Europe/London')::date, i.month)) as latest
      from person_involvement v
      left join incident i on i.id = v.incident_id
      group by v.person_record_id
    ),
    facts as (
      select r.id, r.date_of_birth,
        coalesce(ir.latest, (run.started_at at time zone 'Europe/London')::date) as clear_from,
        -- Severity order 1, 2, 4, 3: an undetected crime's victim is kept as long as an offender in Group 3.
        case coalesce(ir.rank, 4) when 1 then 1 when 2 then 2 when 3 then 4 else 3 end as mopi_group,
        agreement.id as agreement_id, agreement.retention_months
      from person_record r
      join import_run run on run.id = r.import_run_id
      left join involvement_rank ir on ir.person_record_id = r.id
      left join lateral (
        select a.id, a.retention_months from sharing_agreement a
        where r.source_system = any(a.source_systems)
        order by a.retention_months desc, a.id limit 1
      ) agreement on true
    ),
    schedule as (
      select id,
        case when agreement_id is null then 'mopi' else 'partner' end as regime,
        case when agreement_id is null then mopi_group end as mopi_group,
        agreement_id, clear_from,
        case
          when agreement_id is not null then (clear_from + make_interval(months => retention_months))::date
          when mopi_group = 1 then least(
            (clear_from + make_interval(years => ${years(1)}))::date,
            coalesce((date_of_birth + make_interval(years => ${sql.lit(GROUP_1_KEPT_UNTIL_AGE)}))::date, 'infinity'::date))
          when mopi_group = 2 then (clear_from + make_interval(years => ${years(2)}))::date
          when mopi_group = 4 then (clear_from + make_interval(years => ${years(4)}))::date
          else (clear_from + make_interval(years => ${years(3)}))::date
        end as due
      from facts
    )
    insert into record_retention
      (person_record_id, regime, mopi_group, sharing_agreement_id, clear_from, next_review_on, assessed_at)
    select id, regime, mopi_group, agreement_id, clear_from, due, ${now} from schedule
    on conflict (person_record_id) do update set
      regime = excluded.regime,
      mopi_group = excluded.mopi_group,
      sharing_agreement_id = excluded.sharing_agreement_id,
      clear_from = excluded.clear_from,
      next_review_on = greatest(excluded.next_review_on, record_retention.retained_until),
      assessed_at = excluded.assessed_at
    where (record_retention.regime, record_retention.mopi_group, record_retention.sharing_agreement_id,
        record_retention.clear_from, record_retention.next_review_on)
      is distinct from (excluded.regime, excluded.mopi_group, excluded.sharing_agreement_id,
        excluded.clear_from, greatest(excluded.next_review_on, record_retention.retained_until))`.execute(db)
}

export interface DueRecord {
  recordId: number
  sourceSystem: string
  sourcePersonId: string
  regime: 'mopi' | 'partner'
  group: MopiGroup | null
  ruleLabel: string
  agreementReference: string | null
  clearFrom: string
  nextReviewOn: string
  /** True when the disposal job will dispose of it on its review date unless a reviewer retains it. */
  automaticDisposal: boolean
  version: number
}

/** A record's retention row with what the queue shows of it: one select for the queue and for one record. */
const scheduleRows = (db: Kysely<Database>) =>
  db
    .selectFrom('record_retention as rr')
    .innerJoin('person_record as r', 'r.id', 'rr.person_record_id')
    .leftJoin('sharing_agreement as a', 'a.id', 'rr.sharing_agreement_id')
    .select([
      'rr.person_record_id',
      'r.source_system',
      'r.source_person_id',
      'rr.regime',
      'rr.mopi_group',
      'a.reference',
      'rr.clear_from',
      'rr.next_review_on',
      'rr.version',
    ])

/** Records due for review on `asOf`, or within the notice period after it, earliest first. */
export async function recordsDueForReview(
  db: Kysely<Database>,
  asOf: string,
  options: { noticeDays?: number; limit?: number } = {},
): Promise<DueRecord[]> {
  const until = sql<string>`(${asOf}::date + ${options.noticeDays ?? REVIEW_NOTICE_DAYS}::int)`
  const rows = await scheduleRows(db)
    .where('rr.next_review_on', '<=', until)
    .orderBy('rr.next_review_on')
    .orderBy('rr.person_record_id')
    .limit(options.limit ?? 500)
    .execute()
  return rows.map((row) => dueRecord(row))
}

function dueRecord(row: {
  person_record_id: number
  source_system: string
  source_person_id: string
  regime: 'mopi' | 'partner'
  mopi_group: MopiGroup | null
  reference: string | null
  clear_from: string
  next_review_on: string
  version: number
}): DueRecord {
  const group = row.mopi_group === null ? null : (Number(row.mopi_group) as MopiGroup)
  return {
    recordId: Number(row.person_record_id),
    sourceSystem: row.source_system,
    sourcePersonId: row.source_person_id,
    regime: row.regime,
    group,
    ruleLabel:
      group === null
        ? `Partner period of agreement ${row.reference ?? '(removed)'}`
        : `MoPI group ${group}: ${MOPI_GROUPS[group].label}`,
    agreementReference: row.reference,
    clearFrom: row.clear_from,
    nextReviewOn: row.next_review_on,
    automaticDisposal: group === null || MOPI_GROUPS[group].automaticDisposal,
    version: Number(row.version),
  }
}

/** One record's place in the schedule, or null when it has none (erased, or never assessed). */
export async function recordRetention(db: Kysely<Database>, recordId: number): Promise<DueRecord | null> {
  const row = await scheduleRows(db).where('rr.person_record_id', '=', recordId).executeTakeFirst()
  return row ? dueRecord(row) : null
}
