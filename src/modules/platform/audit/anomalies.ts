import type { Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import {
  findDormantAccounts,
  findFrequentPersonViews,
  findOutOfHoursBulkViews,
  type BulkViewRow,
  type DormantAccountRow,
  type FrequentViewsRow,
} from './queries.ts'

/**
 * Anomaly reports over the audit log (B5), for the auditor to follow up: unusual volumes of
 * person views, bulk views out of hours, and accounts nobody has used for a long time.
 */
export const ANOMALY_THRESHOLDS = {
  /** More person records than this opened by one person within one hour. */
  personViewsPerHour: 30,
  /** A consultation of at least this many records is a bulk view. */
  bulkViewRecords: 20,
  /** Working hours in UTC: bulk views before the start or from the end hour are out of hours. */
  workingHours: { startHour: 7, endHour: 19 },
  dormantDays: 90,
  /** How far back the event-based checks look. */
  windowDays: 30,
} as const

export interface AnomalyReport {
  since: Date
  frequentPersonViews: FrequentViewsRow[]
  outOfHoursBulkViews: BulkViewRow[]
  dormantAccounts: DormantAccountRow[]
}

const DAY_MS = 24 * 60 * 60_000

export async function findAnomalies(db: Kysely<Database>, now: Date): Promise<AnomalyReport> {
  const since = new Date(now.getTime() - ANOMALY_THRESHOLDS.windowDays * DAY_MS)
  const [frequentPersonViews, outOfHoursBulkViews, dormantAccounts] = await Promise.all([
    findFrequentPersonViews(db, since, ANOMALY_THRESHOLDS.personViewsPerHour),
    findOutOfHoursBulkViews(db, since, ANOMALY_THRESHOLDS.bulkViewRecords, ANOMALY_THRESHOLDS.workingHours),
    findDormantAccounts(db, new Date(now.getTime() - ANOMALY_THRESHOLDS.dormantDays * DAY_MS)),
  ])
  return { since, frequentPersonViews, outOfHoursBulkViews, dormantAccounts }
}
