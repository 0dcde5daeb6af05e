import { sql, type Kysely, type Transaction } from 'kysely'
import { systemClock, type Clock } from '../../clock.ts'
import type { Database } from '../../db/schema.ts'
import { recordAudit } from '../platform/audit/audit-log.ts'
import { assignPersonIds } from './assign-person-ids.ts'
import { buildHouseholds, type AddressSighting } from './households.ts'
import { linkStoredRecords, type StoredRecord } from './link-stored-records.ts'
import type { LinkDecisionKind } from './tables.ts'

/**
 * A linkage run over every person record in the database: the records are linked into
 * identities (respecting every reviewer's decision), identities keep their person ids from run to
 * run, uncertain pairs go to the review queue and households are rebuilt. Everything the run
 * writes is written in one transaction, so a run that fails or is killed leaves the previous
 * links as they were.
 */

export interface LinkageRunOptions {
  startedBy?: string | null
  clock?: Clock
  /** Match probability at or above which two records are the same person. */
  threshold?: number
  /** Match probability from which a pair below the threshold goes to review. */
  reviewFrom?: number
  onProgress?: (message: string) => void
}

export interface LinkageRunSummary {
  runId: number
  records: number
  identities: number
  linkedPairs: number
  reviewPairs: number
  newPeople: number
  mergedPeople: number
  households: number
  seconds: number
  /** The estimated m and u probabilities, for the run's record. */
  model: unknown
}

export const DEFAULT_THRESHOLD = 0.9
export const DEFAULT_REVIEW_FROM = 0.5

const CHUNK = 2000

export async function runLinkage(
  db: Kysely<Database>,
  options: LinkageRunOptions = {},
): Promise<LinkageRunSummary> {
  const clock = options.clock ?? systemClock
  const threshold = options.threshold ?? DEFAULT_THRESHOLD
  const reviewFrom = options.reviewFrom ?? DEFAULT_REVIEW_FROM
  const started = performance.now()
  const run = await db
    .insertInto('linkage_run')
    .values({
      status: 'running',
      started_by: options.startedBy ?? null,
      started_at: clock.now(),
      threshold,
      review_from: reviewFrom,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  try {
    const summary = await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${sql.lit(LINKAGE_LOCK)})`.execute(trx)
      const records = await trx
        .selectFrom('person_record as r')
        .leftJoin('person_record_link as l', 'l.person_record_id', 'r.id')
        .select([
          'r.id',
          'r.source_system',
          'r.first_names',
          'r.last_name',
          'r.date_of_birth',
          'r.address',
          'r.postcode',
          'l.person_id',
        ])
        .orderBy('r.id')
        .execute()
      const decisions = await trx
        .selectFrom('link_decision')
        .select(['record_a', 'record_b', 'decision'])
        .where('undone_at', 'is', null)
        .execute()
      options.onProgress?.(`Linking ${records.length} person records`)
      const stored: StoredRecord[] = records.map((r) => ({
        id: r.id,
        sourceSystem: r.source_system,
        firstNames: r.first_names,
        lastName: r.last_name,
        dateOfBirth: r.date_of_birth,
        address: r.address,
        postcode: r.postcode,
      }))
      const linked = await linkStoredRecords(
        stored,
        decisions as { record_a: number; record_b: number; decision: LinkDecisionKind }[],
        {
          threshold,
          reviewFrom,
        },
      )
      options.onProgress?.(`${linked.clusters} identities; writing links`)
      const assignment = assignPersonIds(
        linked.clusterOf,
        records.map((r) => r.person_id ?? null),
        linked.clusters,
      )
      const personOfCluster = await createPeople(trx, records, linked.clusterOf, assignment.personOfCluster)
      await writeLinks(trx, records, linked, personOfCluster, run.id)
      for (const merge of assignment.merged) {
        const into =
          'personId' in merge.into ? merge.into.personId : (personOfCluster[merge.into.cluster] as number)
        await trx
          .updateTable('person')
          .set({ merged_into: into, updated_at: clock.now() })
          .where('id', '=', merge.personId)
          .execute()
      }
      await trx
        .updateTable('link_review')
        .set({ status: 'superseded' })
        .where('status', '=', 'open')
        .execute()
      for (let start = 0; start < linked.review.length; start += CHUNK) {
        await trx
          .insertInto('link_review')
          .values(
            linked.review.slice(start, start + CHUNK).map((pair) => ({
              linkage_run_id: run.id,
              record_a: pair.recordA,
              record_b: pair.recordB,
              match_probability: pair.probability,
              match_weight: pair.weight,
              explanation: JSON.stringify(pair.explanation),
            })),
          )
          .execute()
      }
      const households = await rebuildHouseholds(trx, run.id)
      const newPeople = assignment.personOfCluster.filter((p) => p === null).length
      await recordAudit(trx, {
        action: 'combine',
        event: 'LINK_PERSON_RECORDS',
        actorUserId: options.startedBy ?? null,
        recordType: 'linkage_run',
        recordIds: [String(run.id)],
        details: {
          records: records.length,
          identities: linked.clusters,
          reviewPairs: linked.review.length,
          newPeople,
          mergedPeople: assignment.merged.length,
          households,
        },
        occurredAt: clock.now(),
      })
      return {
        runId: run.id,
        records: records.length,
        identities: linked.clusters,
        linkedPairs: linked.linkedPairs,
        reviewPairs: linked.review.length,
        newPeople,
        mergedPeople: assignment.merged.length,
        households,
        seconds: 0,
        model: linked.model,
      }
    })
    summary.seconds = (performance.now() - started) / 1000
    await db
      .updateTable('linkage_run')
      .set({
        status: 'completed',
        finished_at: clock.now(),
        records: summary.records,
        identities: summary.identities,
        linked_pairs: summary.linkedPairs,
        review_pairs: summary.reviewPairs,
        model: JSON.stringify(summary.model),
      })
      .where('id', '=', run.id)
      .execute()
    return summary
  } catch (error) {
    await db
      .updateTable('linkage_run')
      .set({
        status: 'failed',
        finished_at: clock.now(),
        error: error instanceof Error ? error.message : String(error),
      })
      .where('id', '=', run.id)
      .execute()
    throw error
  }
}

// Any fixed number: one linkage run at a time, whichever process starts it.
const LINKAGE_LOCK = 738_201_914

interface LoadedRecord {
  id: number
  first_names: string
  last_name: string
  date_of_birth: string | null
}

/** Person ids per cluster: kept ones as they are, a new person for each cluster without one. */
async function createPeople(
  trx: Transaction<Database>,
  records: LoadedRecord[],
  clusterOf: Int32Array,
  kept: (number | null)[],
): Promise<number[]> {
  const representative = new Map<number, LoadedRecord>()
  for (let index = 0; index < records.length; index++) {
    const cluster = clusterOf[index] as number
    if (!representative.has(cluster)) representative.set(cluster, records[index] as LoadedRecord)
  }
  const personOfCluster = kept.map((p) => p ?? 0)
  const fresh = kept.flatMap((person, cluster) => (person === null ? [cluster] : []))
  for (let start = 0; start < fresh.length; start += CHUNK) {
    const clusters = fresh.slice(start, start + CHUNK)
    const rows = await trx
      .insertInto('person')
      .values(
        clusters.map((cluster) => {
          const record = representative.get(cluster) as LoadedRecord
          return {
            display_name: `${record.first_names} ${record.last_name}`,
            date_of_birth: record.date_of_birth,
          }
        }),
      )
      .returning('id')
      .execute()
    rows.forEach((row, index) => (personOfCluster[clusters[index] as number] = row.id))
  }
  // A kept person that was merged away earlier and has records again is a person again.
  const revived = kept.filter((p): p is number => p !== null)
  for (let start = 0; start < revived.length; start += CHUNK) {
    await trx
      .updateTable('person')
      .set({ merged_into: null })
      .where('id', 'in', revived.slice(start, start + CHUNK))
      .where('merged_into', 'is not', null)
      .execute()
  }
  return personOfCluster
}

async function writeLinks(
  trx: Transaction<Database>,
  records: { id: number }[],
  linked: { clusterOf: Int32Array; probabilityOf: Float64Array },
  personOfCluster: number[],
  runId: number,
): Promise<void> {
  for (let start = 0; start < records.length; start += CHUNK) {
    const values = records.slice(start, start + CHUNK).map((record, offset) => {
      const index = start + offset
      const probability = linked.probabilityOf[index] as number
      return {
        person_record_id: record.id,
        person_id: personOfCluster[linked.clusterOf[index] as number] as number,
        linkage_run_id: runId,
        match_probability: Number.isNaN(probability) ? null : probability,
      }
    })
    await trx
      .insertInto('person_record_link')
      .values(values)
      .onConflict((oc) =>
        oc.column('person_record_id').doUpdateSet((eb) => ({
          person_id: eb.ref('excluded.person_id'),
          linkage_run_id: eb.ref('excluded.linkage_run_id'),
          match_probability: eb.ref('excluded.match_probability'),
        })),
      )
      .execute()
  }
}

/** Households from scratch: every linked record's address, on every date it is involved in an incident. */
async function rebuildHouseholds(trx: Transaction<Database>, runId: number): Promise<number> {
  await trx.deleteFrom('household_member').execute()
  await trx.deleteFrom('household').execute()
  const rows = await trx
    .selectFrom('person_record as r')
    .innerJoin('person_record_link as l', 'l.person_record_id', 'r.id')
    .innerJoin('person_involvement as v', 'v.person_record_id', 'r.id')
    .innerJoin('incident as i', 'i.id', 'v.incident_id')
    .select([
      'l.person_id',
      'r.address',
      'r.postcode',
      'r.date_of_birth',
      sql<string>`to_char(coalesce(i.occurred_at::date, i.month), 'YYYY-MM-DD')`.as('date'),
    ])
    .where('r.address', 'is not', null)
    .execute()
  const sightings: AddressSighting[] = rows.map((row) => ({
    personId: row.person_id,
    address: row.address as string,
    postcode: row.postcode,
    date: row.date,
    dateOfBirth: row.date_of_birth,
  }))
  const households = buildHouseholds(sightings).filter((household) => household.members.length > 0)
  // Two statements a chunk, not two a household: a city has hundreds of thousands of them.
  for (let start = 0; start < households.length; start += CHUNK) {
    const chunk = households.slice(start, start + CHUNK)
    const rows = await trx
      .insertInto('household')
      .values(
        chunk.map((household) => ({
          address_key: household.addressKey,
          address: household.address,
          postcode: household.postcode,
          linkage_run_id: runId,
        })),
      )
      .returning(['id', 'address_key'])
      .execute()
    // Dwelling keys are unique within a run, so each new row is found by its key.
    const idOf = new Map(rows.map((row) => [row.address_key, row.id]))
    const members = chunk.flatMap((household) =>
      household.members.map((member) => ({
        household_id: idOf.get(household.addressKey) as number,
        person_id: member.personId,
        present_from: member.presentFrom,
        present_to: member.presentTo,
        child_from: member.childFrom,
      })),
    )
    for (let first = 0; first < members.length; first += CHUNK) {
      await trx
        .insertInto('household_member')
        .values(members.slice(first, first + CHUNK))
        .execute()
    }
  }
  return households.length
}
