import type { UploadImport } from './upload-imports.ts'

/** What the progress page and its status endpoint show of one upload's import. */
export interface UploadProgress {
  id: string
  fileName: string
  formatName: string
  finished: boolean
  /** 'waiting', 'running', or when finished the run's status: 'completed', 'already-imported', 'failed'... */
  status: string
  statusText: string
  bytesRead: number
  bytesTotal: number
  percent: number
  rowsRead: number
  rowsInserted: number | null
  rowsUpdated: number | null
  rowsRejected: number | null
  message: string | null
  runId: number | null
  reportUrl: string | null
  /** The figures written out for the page: '1,234'. */
  shown: Record<
    'bytesRead' | 'bytesTotal' | 'rowsRead' | 'rowsInserted' | 'rowsUpdated' | 'rowsRejected',
    string
  >
}

const number = new Intl.NumberFormat('en-GB')
const shownNumber = (value: number | null) => (value === null ? '' : number.format(value))

const STATUS_TEXT: Record<string, string> = {
  waiting: 'Waiting for the import before it to finish',
  running: 'Importing',
  completed: 'Import completed',
  'already-imported': 'Already imported',
  interrupted: 'Import interrupted',
  failed: 'Import failed',
  rejected: 'File rejected',
  busy: 'Another import of this file is running',
}

export function uploadProgress(upload: UploadImport, rowsSoFar: number): UploadProgress {
  const result = upload.result
  const status = upload.failure
    ? 'failed'
    : upload.state === 'finished' && result
      ? result.status
      : upload.state
  const bytesTotal = upload.size
  const bytesRead = Math.min(upload.bytesRead, bytesTotal)
  const progress = {
    id: upload.id,
    fileName: upload.fileName,
    formatName: upload.format.name,
    finished: upload.state === 'finished',
    status,
    statusText: STATUS_TEXT[status] ?? status,
    bytesRead,
    bytesTotal,
    percent: bytesTotal ? Math.floor((bytesRead / bytesTotal) * 100) : 100,
    rowsRead: rowsSoFar,
    rowsInserted: result?.rowsInserted ?? null,
    rowsUpdated: result?.rowsUpdated ?? null,
    rowsRejected: result?.rowsRejected ?? null,
    message: upload.failure ?? result?.message ?? null,
    runId: result?.runId ?? null,
    reportUrl: result?.runId ? `/data/runs/${result.runId}` : null,
  }
  return {
    ...progress,
    shown: {
      bytesRead: shownNumber(progress.bytesRead),
      bytesTotal: shownNumber(progress.bytesTotal),
      rowsRead: shownNumber(progress.rowsRead),
      rowsInserted: shownNumber(progress.rowsInserted),
      rowsUpdated: shownNumber(progress.rowsUpdated),
      rowsRejected: shownNumber(progress.rowsRejected),
    },
  }
}
