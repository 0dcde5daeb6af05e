import { personal, plain, type TableInventory } from '../../platform/data-inventory.ts'

/** The data hub's core tables (migrations 0004 and 0005), classified for the data inventory (C1). */

const rowsRead = plain('Rows read from the file')
const rowsInserted = plain('Rows that added an incident')
const rowsUpdated = plain('Rows that updated an incident already held')
const rowsRejected = plain('Rows rejected as invalid')

export const INVENTORY: TableInventory[] = [
  {
    table: 'data_source',
    description: 'The kinds of source the data hub imports: data.police.uk files, partner extracts.',
    dataClass: null,
    retention: 'configuration',
    columns: {
      id: plain('Generated identifier'),
      kind: plain('Stable code of the source format, e.g. police-uk-street'),
      name: plain('Name of the source shown on pages'),
    },
  },
  {
    table: 'import_run',
    description:
      'Each import of a file: who imported it, its name, size and checksum, counts, status and timing.',
    dataClass: null,
    retention: 'import-provenance',
    columns: {
      id: plain('Generated identifier'),
      source_kind: plain('The source format the file was read as'),
      file_name: plain('Name of the imported file'),
      file_size: plain('Size of the file in bytes'),
      file_sha256: plain('SHA-256 of the file, so the same file is not imported twice'),
      batch_size: plain('Rows per committed batch'),
      strict: plain('Whether one bad row rejects the whole file'),
      status: plain('running, completed, interrupted, failed or rejected'),
      message: plain('Why the run stopped or failed'),
      started_at: plain('When the run started'),
      finished_at: plain('When the run finished'),
      rows_read: rowsRead,
      rows_inserted: rowsInserted,
      rows_updated: rowsUpdated,
      rows_rejected: rowsRejected,
      duration_ms: plain('How long the run took'),
      imported_by: personal('The user who imported the file; null from the command line'),
    },
  },
  {
    table: 'import_batch',
    description:
      'The batches of a run, each committed with its rows: a committed batch is skipped on resume.',
    dataClass: null,
    retention: 'import-provenance',
    columns: {
      import_run_id: plain('The run'),
      batch_no: plain('Position of the batch in the file, from 0'),
      rows_read: rowsRead,
      rows_inserted: rowsInserted,
      rows_updated: rowsUpdated,
      rows_rejected: rowsRejected,
      committed_at: plain('When the batch committed'),
    },
  },
  {
    table: 'import_rejection',
    description: "A run's rejected rows: row number, column and reason, with an excerpt of the value.",
    dataClass: null,
    retention: 'import-provenance',
    columns: {
      id: plain('Generated identifier'),
      import_run_id: plain('The run'),
      row_number: plain('Row number in the file, counting the header as row 1'),
      column_name: plain('The column at fault, when one is'),
      value_excerpt: personal(
        'The first characters of the bad value; from a people extract it can be a name or date of birth',
      ),
      reason: plain('Why the row was rejected'),
    },
  },
  {
    table: 'incident',
    description:
      'One row per incident from every source (crimes, ASB, stop and search, calls, A&E assaults, missing episodes): what, when and where, with no people. Details of each source are in its own tables.',
    dataClass: 'incident-summary',
    retention: 'police-record',
    columns: {
      id: plain('Generated identifier'),
      kind: plain(
        'crime, anti-social-behaviour, stop-and-search, call-for-service, ae-assault or missing-episode',
      ),
      source_kind: plain('The source format it came from'),
      import_run_id: plain('The run that last wrote it'),
      natural_key: personal(
        "Identity within its source plus occurrence number, for de-duplication; holds the source's reference",
      ),
      source_reference: personal(
        "The source's own reference (call, attendance or episode number): pseudonymous, the source can link it to the people involved",
      ),
      crime_id: plain('The data.police.uk Crime ID, as published'),
      month: plain('First day of the month it happened in'),
      occurred_at: plain('When it happened, where the source gives more than the month'),
      category_code: plain('Stable code of its category, e.g. burglary'),
      category_label: plain('The category as the source wrote it'),
      last_outcome_code: plain('Stable code of the latest outcome'),
      last_outcome_label: plain('The latest outcome as the source wrote it'),
      reported_by: plain('The force that reported it'),
      falls_within: plain('The force area it falls within'),
      longitude: personal(
        'Longitude: snapped by data.police.uk, but exact from partner sources and can point at a home',
      ),
      latitude: personal(
        'Latitude: snapped by data.police.uk, but exact from partner sources and can point at a home',
      ),
      location_text: personal(
        'Description of the place, e.g. "On or near Park Lane"; from partner sources it can be an address',
      ),
      lsoa_code: plain('Code of the Lower Layer Super Output Area'),
      lsoa_name: plain('Name of the Lower Layer Super Output Area'),
      h3_res7: plain('H3 cell at resolution 7 (about 5 km²)'),
      h3_res8: plain('H3 cell at resolution 8 (about 0.7 km²)'),
      h3_res9: plain('H3 cell at resolution 9 (about 0.1 km²)'),
      harm_weight: plain('Weight of the harm of its category, for harm-weighted counts'),
      context: personal('Free-text context given by the source, which may mention people'),
    },
  },
]
