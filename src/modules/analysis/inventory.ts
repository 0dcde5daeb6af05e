import { personal, plain, type TableInventory } from '../platform/data-inventory.ts'

/** The analysis module's table (migrations 0010 and 0013): runs and their results, figures about places, not people. */
export const INVENTORY: TableInventory[] = [
  {
    table: 'analysis_run',
    description:
      'Each analysis run: the method, its parameters, what it read, its progress and its result. Results are counts and statistics by place and time; repeat-location and near-repeat results list incident ids, so a run is kept as long as the incidents it read.',
    dataClass: 'incident-summary',
    retention: 'police-record',
    columns: {
      id: plain('Surrogate key'),
      method: plain('The analysis method, e.g. gi-star'),
      parameters: plain("The method's options, defaults filled in"),
      filter: plain('The incident filter for database input, with the kinds of incident the user could see'),
      input: plain("'database', or the name of the file the points came from"),
      input_detail: plain("What was read: the file's checksum and format, or the import runs; point counts"),
      data_version: plain(
        'A digest of the import runs behind the incidents read, so a changed input is noticed',
      ),
      status: plain('queued, running, completed, failed or cancelled'),
      progress: plain('Share of the work done, 0 to 1'),
      stage: plain('What the run is doing now'),
      result: plain(
        'The result as the method wrote it: figures by H3 cell, area, band or period, and incident ids',
      ),
      error: plain('Why the run failed'),
      started_by: personal('The user who started the run; null from the command line'),
      created_at: plain('When the run was asked for'),
      started_at: plain('When it started'),
      finished_at: plain('When it ended'),
      duration_ms: plain('How long it took'),
      heartbeat_at: plain('When the process running it last said it was still working (migration 0013)'),
    },
  },
]
