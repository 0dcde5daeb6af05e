import { sql, type Kysely, type SelectQueryBuilder } from 'kysely'
import { fileDigest } from './import-run.ts'
import type { Database } from '../../db/schema.ts'
import type { IncidentKind } from './tables.ts'

/**
 * What the counts cover unless asked otherwise: the police.uk street-level kinds, so that the
 * counts of imported police.uk files equal theirs even where calls for service (whose category
 * codes reuse some of the same slugs) and the other sources are loaded too.
 */
export const DEFAULT_STATS_KINDS: readonly IncidentKind[] = ['crime', 'anti-social-behaviour']

export interface IncidentStats {
  total: number
  byType: Record<string, number>
  byMonth: Record<string, number>
}

export interface StatsFilter {
  /** YYYY-MM, inclusive. */
  from?: string
  to?: string
  source?: string
  /** The incident kinds to count; DEFAULT_STATS_KINDS when not given. */
  kinds?: readonly IncidentKind[]
  /** Only incidents last written by these import runs. */
  importRunIds?: SelectQueryBuilder<Database, 'import_run', { id: number }>
}

/** Counts of incidents by category code and by month, for `upstream incidents stats`. */
export async function incidentStats(db: Kysely<Database>, filter: StatsFilter = {}): Promise<IncidentStats> {
  let query = db
    .selectFrom('incident')
    .select([
      'category_code',
      sql<string>`to_char(month, 'YYYY-MM')`.as('month'),
      (eb) => eb.fn.countAll<number>().as('count'),
    ])
    .groupBy(['category_code', 'month'])
  if (filter.from) query = query.where('month', '>=', `${filter.from}-01`)
  if (filter.to) query = query.where('month', '<=', `${filter.to}-01`)
  if (filter.source) query = query.where('source_kind', '=', filter.source)
  if (filter.importRunIds) query = query.where('import_run_id', 'in', filter.importRunIds)
  query = query.where('kind', 'in', [...(filter.kinds?.length ? filter.kinds : DEFAULT_STATS_KINDS)])
  const rows = await query.execute()
  const stats: IncidentStats = { total: 0, byType: {}, byMonth: {} }
  for (const row of rows) {
    const count = Number(row.count)
    stats.total += count
    stats.byType[row.category_code] = (stats.byType[row.category_code] ?? 0) + count
    stats.byMonth[row.month] = (stats.byMonth[row.month] ?? 0) + count
  }
  stats.byType = Object.fromEntries(Object.entries(stats.byType).sort(([a], [b]) => a.localeCompare(b)))
  stats.byMonth = Object.fromEntries(Object.entries(stats.byMonth).sort(([a], [b]) => a.localeCompare(b)))
  return stats
}

/**
 * How many of the counted incidents came from the demo's sample files (by their checksums), so
 * that someone checking their own files' counts in a demo data folder is told why they differ.
 */
export async function demoIncidentsCounted(
  db: Kysely<Database>,
  filter: StatsFilter,
  demoFiles: readonly string[],
): Promise<number> {
  const checksums = await Promise.all(demoFiles.map(async (file) => (await fileDigest(file)).sha256))
  const demoRuns = db.selectFrom('import_run').select('id').where('file_sha256', 'in', checksums)
  const withDemo = await incidentStats(db, { ...filter, importRunIds: demoRuns })
  return withDemo.total
}
