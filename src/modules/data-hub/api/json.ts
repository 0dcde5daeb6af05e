import type { IncidentRecord } from '../queries/incidents.ts'
import type { ImportRunRecord } from '../queries/sources-and-runs.ts'

/** The API's JSON shapes of the data hub's records. */

export const runJson = (run: ImportRunRecord) => ({
  id: run.id,
  source: run.sourceKind,
  fileName: run.fileName,
  fileSize: run.fileSize,
  fileSha256: run.fileSha256,
  strict: run.strict,
  status: run.status,
  message: run.message,
  startedAt: run.startedAt.toISOString(),
  finishedAt: run.finishedAt?.toISOString() ?? null,
  durationMs: run.durationMs,
  importedBy: run.importedBy,
  rows: {
    read: run.rowsRead,
    inserted: run.rowsInserted,
    updated: run.rowsUpdated,
    rejected: run.rowsRejected,
  },
})

export const incidentJson = (incident: IncidentRecord) => ({
  id: incident.id,
  kind: incident.kind,
  source: incident.sourceKind,
  importRunId: incident.importRunId,
  sourceReference: incident.sourceReference,
  crimeId: incident.crimeId,
  month: incident.month,
  occurredAt: incident.occurredAt?.toISOString() ?? null,
  category: { code: incident.categoryCode, label: incident.categoryLabel },
  lastOutcome:
    incident.lastOutcomeLabel === null
      ? null
      : { code: incident.lastOutcomeCode, label: incident.lastOutcomeLabel },
  reportedBy: incident.reportedBy,
  fallsWithin: incident.fallsWithin,
  longitude: incident.longitude,
  latitude: incident.latitude,
  locationText: incident.locationText,
  lsoa: incident.lsoaCode === null ? null : { code: incident.lsoaCode, name: incident.lsoaName },
  h3: { res7: incident.h3Res7, res8: incident.h3Res8, res9: incident.h3Res9 },
  harmWeight: incident.harmWeight,
  context: incident.context,
})
