import { INCIDENT_KINDS } from '../tables.ts'
import type { IncidentFilterValues } from '../queries/incident-filter.ts'
import type { IncidentRecord } from '../queries/incidents.ts'
import type {
  AreaOption,
  DataSourceRecord,
  ImportRunRecord,
  RejectionRecord,
} from '../queries/sources-and-runs.ts'
import { IMPORT_RUN_STATUSES } from '../queries/sources-and-runs.ts'
import { urlWithQuery } from '../queries/query-parameters.ts'

/** Shapes the data hub's records for its pages; no database, no HTTP. */

export const utcTime = (value: Date | null) =>
  value ? `${value.toISOString().replace('T', ' ').slice(0, 19)} UTC` : ''

const count = (n: number) => n.toLocaleString('en-GB')

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

export function duration(ms: number | null): string {
  if (ms === null) return ''
  if (ms < 1000) return `${ms} ms`
  const seconds = ms / 1000
  if (seconds < 60) return `${seconds.toFixed(1)} seconds`
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`
}

const STATUS_TAG: Record<string, string> = {
  completed: 'govuk-tag--green',
  running: 'govuk-tag--blue',
  interrupted: 'govuk-tag--yellow',
  failed: 'govuk-tag--red',
  rejected: 'govuk-tag--red',
}

export const statusTag = (status: string) => ({
  text: status,
  classes: STATUS_TAG[status] ?? 'govuk-tag--grey',
})

export function sourceRow(source: DataSourceRecord) {
  return {
    kind: source.kind,
    name: source.name,
    incidents: count(source.incidentCount),
    incidentsHref: urlWithQuery('/data/incidents', { source: source.kind }),
    runs: count(source.runCount),
    runsHref: urlWithQuery('/data/runs', { source: source.kind }),
    latest: source.latestRun
      ? {
          href: `/data/runs/${source.latestRun.id}`,
          text: source.latestRun.fileName,
          time: utcTime(source.latestRun.startedAt),
          status: statusTag(source.latestRun.status),
        }
      : null,
  }
}

export function runRow(run: ImportRunRecord) {
  return {
    id: run.id,
    href: `/data/runs/${run.id}`,
    source: run.sourceName,
    fileName: run.fileName,
    started: utcTime(run.startedAt),
    importedBy: run.importedBy?.name ?? 'The command line or the demo',
    status: statusTag(run.status),
    read: count(run.rowsRead),
    inserted: count(run.rowsInserted),
    updated: count(run.rowsUpdated),
    rejected: count(run.rowsRejected),
  }
}

/** The summary list of one run. */
export function runSummaryRows(run: ImportRunRecord) {
  const row = (key: string, value: string, html = false) => ({
    key: { text: key },
    value: html ? { html: value } : { text: value || '—' },
  })
  return [
    row('Source', `${run.sourceName} (${run.sourceKind})`),
    row('File name', run.fileName),
    row('File size', `${fileSize(run.fileSize)} (${count(run.fileSize)} bytes)`),
    row('SHA-256 checksum', run.fileSha256),
    row(
      'Imported by',
      run.importedBy
        ? `${run.importedBy.name} (${run.importedBy.email})`
        : 'The command line or the demo (no user)',
    ),
    row('Started', utcTime(run.startedAt)),
    row('Finished', utcTime(run.finishedAt)),
    row('Duration', duration(run.durationMs)),
    row(
      'Mode',
      run.strict
        ? 'Strict: any bad row rejects the whole file'
        : 'Lenient: bad rows are reported, good rows go in',
    ),
    row('Status', run.status),
    row('Rows read', count(run.rowsRead)),
    row('Rows inserted', count(run.rowsInserted)),
    row('Rows updated', count(run.rowsUpdated)),
    row('Rows rejected', count(run.rowsRejected)),
    row('Message', run.message ?? ''),
  ]
}

export const rejectionRow = (rejection: RejectionRecord) => ({
  row: count(rejection.rowNumber),
  column: rejection.column ?? '',
  value: rejection.valueExcerpt ?? '',
  reason: rejection.reason,
})

export function incidentRow(incident: IncidentRecord) {
  return {
    id: incident.id,
    month: incident.month,
    kind: incident.kind,
    category: incident.categoryLabel,
    outcome: incident.lastOutcomeLabel ?? '',
    location: incident.locationText ?? (incident.latitude === null ? 'No location' : ''),
    lsoa: incident.lsoaName ? `${incident.lsoaName} (${incident.lsoaCode})` : (incident.lsoaCode ?? ''),
    source: incident.sourceKind,
    reference: incident.sourceReference ?? incident.crimeId ?? '',
    runHref: `/data/runs/${incident.importRunId}`,
  }
}

const option =
  (selected: string) =>
  (value: string, text = value) => ({ value, text, selected: value === selected })

export function incidentFilterOptions(
  values: IncidentFilterValues,
  choices: {
    categories: { code: string; label: string }[]
    areas: AreaOption[]
    sources: { kind: string; name: string }[]
  },
) {
  return {
    kinds: [{ value: '', text: 'Any kind' }, ...INCIDENT_KINDS.map((kind) => option(values.kind)(kind))],
    categories: [
      { value: '', text: 'Any category' },
      ...choices.categories.map((category) => option(values.category)(category.code, category.label)),
    ],
    areas: [
      { value: '', text: 'Anywhere' },
      ...choices.areas.map((area) =>
        option(values.area)(String(area.id), `${area.name} (${area.level}, ${area.code})`),
      ),
    ],
    sources: [
      { value: '', text: 'Any source' },
      ...choices.sources.map((source) => option(values.source)(source.kind, source.name)),
    ],
  }
}

export function runFilterOptions(
  values: { source: string; status: string },
  sources: { kind: string; name: string }[],
) {
  return {
    sources: [
      { value: '', text: 'Any source' },
      ...sources.map((source) => option(values.source)(source.kind, source.name)),
    ],
    statuses: [
      { value: '', text: 'Any status' },
      ...IMPORT_RUN_STATUSES.map((status) => option(values.status)(status)),
    ],
  }
}

/** Arguments for govukPagination: previous, next and a window of page numbers with ellipses. */
export function pagination(
  urlFor: (page: number) => string,
  page: number,
  pageCount: number,
  landmarkLabel: string,
) {
  if (pageCount <= 1) return null
  const numbers = new Set([1, pageCount, page - 1, page, page + 1].filter((n) => n >= 1 && n <= pageCount))
  const items: ({ number: number; href: string; current: boolean } | { ellipsis: true })[] = []
  let last = 0
  for (const number of [...numbers].sort((a, b) => a - b)) {
    if (number - last > 1) items.push({ ellipsis: true })
    items.push({ number, href: urlFor(number), current: number === page })
    last = number
  }
  return {
    items,
    previous: page > 1 ? { href: urlFor(Math.min(page - 1, pageCount)) } : undefined,
    next: page < pageCount ? { href: urlFor(page + 1) } : undefined,
    landmarkLabel,
  }
}

export function rangeSummary(first: number, shown: number, total: number, noun: [string, string]): string {
  if (total === 0) return `No ${noun[1]} match.`
  if (shown === 0) return `There is no such page: ${count(total)} ${total === 1 ? noun[0] : noun[1]} match.`
  return `Showing ${count(first)} to ${count(first + shown - 1)} of ${count(total)} ${total === 1 ? noun[0] : noun[1]}.`
}

/** govukErrorSummary items for field errors, linked to their inputs. */
export const errorList = (errors: Record<string, string | undefined>) =>
  Object.entries(errors)
    .filter((entry): entry is [string, string] => !!entry[1])
    .map(([name, text]) => ({ text, href: `#${name}` }))
