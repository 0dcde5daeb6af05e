import type { CsvCell } from '../../../server/csv-writer.ts'
import type { IncidentRecord } from '../queries/incidents.ts'
import type { RejectionRecord } from '../queries/sources-and-runs.ts'

/** The columns of the exports, and the GeoJSON writer. Every CSV goes through server/csv-writer.ts. */

const INCIDENT_COLUMNS: [string, (incident: IncidentRecord) => CsvCell][] = [
  ['id', (i) => i.id],
  ['kind', (i) => i.kind],
  ['source', (i) => i.sourceKind],
  ['import_run_id', (i) => i.importRunId],
  ['source_reference', (i) => i.sourceReference],
  ['crime_id', (i) => i.crimeId],
  ['month', (i) => i.month],
  ['occurred_at', (i) => i.occurredAt?.toISOString()],
  ['category_code', (i) => i.categoryCode],
  ['category_label', (i) => i.categoryLabel],
  ['last_outcome_code', (i) => i.lastOutcomeCode],
  ['last_outcome_label', (i) => i.lastOutcomeLabel],
  ['reported_by', (i) => i.reportedBy],
  ['falls_within', (i) => i.fallsWithin],
  ['longitude', (i) => i.longitude],
  ['latitude', (i) => i.latitude],
  ['location', (i) => i.locationText],
  ['lsoa_code', (i) => i.lsoaCode],
  ['lsoa_name', (i) => i.lsoaName],
  ['h3_res7', (i) => i.h3Res7],
  ['h3_res8', (i) => i.h3Res8],
  ['h3_res9', (i) => i.h3Res9],
  ['harm_weight', (i) => i.harmWeight],
  ['context', (i) => i.context],
]

export const INCIDENT_CSV_HEADER = INCIDENT_COLUMNS.map(([name]) => name)

export async function* incidentCsvRows(incidents: AsyncIterable<IncidentRecord>): AsyncGenerator<CsvCell[]> {
  for await (const incident of incidents) yield INCIDENT_COLUMNS.map(([, cell]) => cell(incident))
}

export const REJECTION_CSV_HEADER = ['row_number', 'column', 'value_excerpt', 'reason']

export async function* rejectionCsvRows(
  rejections: AsyncIterable<RejectionRecord>,
): AsyncGenerator<CsvCell[]> {
  for await (const r of rejections) yield [r.rowNumber, r.column, r.valueExcerpt, r.reason]
}

/**
 * An RFC 7946 FeatureCollection, one Feature per incident, written as it is read. Incidents
 * without a location are kept, with a null geometry, so the count equals the CSV's.
 */
export async function* incidentGeoJson(incidents: AsyncIterable<IncidentRecord>): AsyncGenerator<string> {
  yield '{"type":"FeatureCollection","features":['
  let chunk = ''
  let first = true
  for await (const incident of incidents) {
    const properties = Object.fromEntries(
      INCIDENT_COLUMNS.filter(([name]) => name !== 'longitude' && name !== 'latitude').map(([name, cell]) => [
        name,
        cell(incident) ?? null,
      ]),
    )
    const geometry =
      incident.longitude === null || incident.latitude === null
        ? null
        : { type: 'Point', coordinates: [incident.longitude, incident.latitude] }
    chunk += `${first ? '' : ','}${JSON.stringify({ type: 'Feature', id: incident.id, geometry, properties })}`
    first = false
    if (chunk.length >= 64 * 1024) {
      yield chunk
      chunk = ''
    }
  }
  yield `${chunk}]}`
}
