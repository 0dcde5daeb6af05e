import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import type { ImportRunStatus } from '../tables.ts'

/** Data sources, import runs and their rejections, as the data pages and the API show them. */

export const IMPORT_RUN_STATUSES: readonly ImportRunStatus[] = [
  'running',
  'completed',
  'interrupted',
  'failed',
  'rejected',
]

export interface ImportRunRecord {
  id: number
  sourceKind: string
  sourceName: string
  fileName: string
  fileSize: number
  fileSha256: string
  strict: boolean
  status: ImportRunStatus
  message: string | null
  startedAt: Date
  finishedAt: Date | null
  rowsRead: number
  rowsInserted: number
  rowsUpdated: number
  rowsRejected: number
  durationMs: number | null
  importedBy: { id: string; name: string; email: string } | null
}

export interface DataSourceRecord {
  kind: string
  name: string
  incidentCount: number
  runCount: number
  latestRun: ImportRunRecord | null
}

export interface RejectionRecord {
  id: number
  rowNumber: number
  column: string | null
  valueExcerpt: string | null
  reason: string
}

function selectRuns(db: Kysely<Database>) {
  return db
    .selectFrom('import_run')
    .innerJoin('data_source', 'data_source.kind', 'import_run.source_kind')
    .leftJoin('app_user', 'app_user.id', 'import_run.imported_by')
    .select([
      'import_run.id',
      'import_run.source_kind',
      'data_source.name as source_name',
      'import_run.file_name',
      'import_run.file_size',
      'import_run.file_sha256',
      'import_run.strict',
      'import_run.status',
      'import_run.message',
      'import_run.started_at',
      'import_run.finished_at',
      'import_run.rows_read',
      'import_run.rows_inserted',
      'import_run.rows_updated',
      'import_run.rows_rejected',
      'import_run.duration_ms',
      'app_user.id as user_id',
      'app_user.display_name as user_name',
      'app_user.email as user_email',
    ])
}

type RunRow = Awaited<ReturnType<ReturnType<typeof selectRuns>['execute']>>[number]

function toRun(row: RunRow): ImportRunRecord {
  return {
    id: Number(row.id),
    sourceKind: row.source_kind,
    sourceName: row.source_name,
    fileName: row.file_name,
    fileSize: Number(row.file_size),
    fileSha256: row.file_sha256,
    strict: row.strict,
    status: row.status,
    message: row.message,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    rowsRead: Number(row.rows_read),
    rowsInserted: Number(row.rows_inserted),
    rowsUpdated: Number(row.rows_updated),
    rowsRejected: Number(row.rows_rejected),
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
    importedBy: row.user_id
      ? { id: row.user_id, name: row.user_name ?? '', email: row.user_email ?? '' }
      : null,
  }
}

export async function listDataSources(db: Kysely<Database>): Promise<DataSourceRecord[]> {
  const [sources, incidentCounts, runCounts] = await Promise.all([
    db.selectFrom('data_source').select(['kind', 'name']).orderBy('name').execute(),
    db
      .selectFrom('incident')
      .select(['source_kind', (eb) => eb.fn.countAll<number>().as('count')])
      .groupBy('source_kind')
      .execute(),
    db
      .selectFrom('import_run')
      .select([
        'source_kind',
        (eb) => eb.fn.countAll<number>().as('count'),
        (eb) => eb.fn.max('id').as('latest_id'),
      ])
      .groupBy('source_kind')
      .execute(),
  ])
  const latestIds = runCounts.map((row) => Number(row.latest_id))
  const latestRuns = latestIds.length
    ? (await selectRuns(db).where('import_run.id', 'in', latestIds).execute()).map(toRun)
    : []
  return sources.map((source) => ({
    kind: source.kind,
    name: source.name,
    incidentCount: Number(incidentCounts.find((row) => row.source_kind === source.kind)?.count ?? 0),
    runCount: Number(runCounts.find((row) => row.source_kind === source.kind)?.count ?? 0),
    latestRun: latestRuns.find((run) => run.sourceKind === source.kind) ?? null,
  }))
}

export async function sourceKinds(db: Kysely<Database>): Promise<{ kind: string; name: string }[]> {
  return db.selectFrom('data_source').select(['kind', 'name']).orderBy('name').execute()
}

export interface RunFilter {
  source?: string
  status?: ImportRunStatus
}

function runsMatching(db: Kysely<Database>, filter: RunFilter) {
  let query = selectRuns(db)
  if (filter.source) query = query.where('import_run.source_kind', '=', filter.source)
  if (filter.status) query = query.where('import_run.status', '=', filter.status)
  return query
}

/** Newest first (run ids only grow); offset pages for the pages, `beforeId` for the API's keyset. */
export async function listImportRuns(
  db: Kysely<Database>,
  filter: RunFilter,
  page: { limit: number; offset?: number; beforeId?: number },
): Promise<ImportRunRecord[]> {
  let query = runsMatching(db, filter)
  if (page.beforeId !== undefined) query = query.where('import_run.id', '<', page.beforeId)
  const rows = await query
    .orderBy('import_run.id', 'desc')
    .limit(page.limit)
    .offset(page.offset ?? 0)
    .execute()
  return rows.map(toRun)
}

export async function countImportRuns(db: Kysely<Database>, filter: RunFilter): Promise<number> {
  let query = db.selectFrom('import_run').select((eb) => eb.fn.countAll<number>().as('count'))
  if (filter.source) query = query.where('source_kind', '=', filter.source)
  if (filter.status) query = query.where('status', '=', filter.status)
  return Number((await query.executeTakeFirstOrThrow()).count)
}

export async function findImportRun(db: Kysely<Database>, id: number): Promise<ImportRunRecord | undefined> {
  const row = await selectRuns(db).where('import_run.id', '=', id).executeTakeFirst()
  return row ? toRun(row) : undefined
}

/** Where a keyset page of rejections starts: after this (row number, id). */
export interface RejectionCursor {
  rowNumber: number
  id: number
}

export const encodeRejectionCursor = (cursor: RejectionCursor) => `${cursor.rowNumber}_${cursor.id}`

export function decodeRejectionCursor(text: string): RejectionCursor | undefined {
  const match = /^(\d{1,15})_(\d{1,15})$/.exec(text)
  return match ? { rowNumber: Number(match[1]), id: Number(match[2]) } : undefined
}

/** A run's rejections in file order (the index on (run, row number) serves it). */
export async function listRejections(
  db: Kysely<Database>,
  runId: number,
  page: { limit: number; offset?: number; after?: RejectionCursor },
): Promise<RejectionRecord[]> {
  let query = db
    .selectFrom('import_rejection')
    .select(['id', 'row_number', 'column_name', 'value_excerpt', 'reason'])
    .where('import_run_id', '=', runId)
  if (page.after) {
    query = query.where(
      sql<boolean>`(row_number, id) > (${page.after.rowNumber}::bigint, ${page.after.id}::bigint)`,
    )
  }
  const rows = await query
    .orderBy('row_number')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset ?? 0)
    .execute()
  return rows.map((row) => ({
    id: Number(row.id),
    rowNumber: Number(row.row_number),
    column: row.column_name,
    valueExcerpt: row.value_excerpt,
    reason: row.reason,
  }))
}

export async function countRejections(db: Kysely<Database>, runId: number): Promise<number> {
  const row = await db
    .selectFrom('import_rejection')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('import_run_id', '=', runId)
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

/** Every rejection of a run, in keyset pages: what the CSV report streams from. */
export async function* eachRejection(
  db: Kysely<Database>,
  runId: number,
  pageSize = 2000,
): AsyncGenerator<RejectionRecord> {
  let after: RejectionCursor | undefined
  for (;;) {
    const page = await listRejections(db, runId, { limit: pageSize, after })
    yield* page
    if (page.length < pageSize) return
    const last = page[page.length - 1]!
    after = { rowNumber: last.rowNumber, id: last.id }
  }
}

export interface AreaOption {
  id: number
  level: string
  code: string
  name: string
}

const LEVEL_ORDER = ['force', 'local-policing-area', 'local-authority', 'ward', 'neighbourhood', 'lsoa']

/** Every area, broadest level first, for the area filter. */
export async function listAreas(db: Kysely<Database>): Promise<AreaOption[]> {
  // The area tables belong to the geography work; read through SQL so this does not wait for their types.
  const result = await sql<{ id: number | string; level: string; code: string; name: string }>`
    select id, level, code, name from area order by name, code`.execute(db)
  return result.rows
    .map((row) => ({ id: Number(row.id), level: row.level, code: row.code, name: row.name }))
    .sort((a, b) => LEVEL_ORDER.indexOf(a.level) - LEVEL_ORDER.indexOf(b.level))
}
