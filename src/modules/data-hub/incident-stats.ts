import { sql, type Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'

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
}

/** Counts of incidents by category code and by month, for the CLI and (later) the data pages. */
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
