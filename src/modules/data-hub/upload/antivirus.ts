import { execFile } from 'node:child_process'

/**
 * The antivirus hook (SECURITY-CHECKLIST D5): UPSTREAM_ANTIVIRUS_COMMAND is run with the stored
 * file's path appended, by the clamscan/clamdscan convention: exit 0 clean, 1 infected, any
 * other outcome an error. No shell is involved; the command is split on spaces.
 */
export type ScanVerdict =
  { verdict: 'clean' | 'not-scanned' } | { verdict: 'infected' | 'error'; detail: string }

const SCAN_TIMEOUT_MS = 5 * 60_000
const DETAIL_LENGTH = 300

export function scanFile(command: string | undefined, file: string): Promise<ScanVerdict> {
  if (!command) return Promise.resolve({ verdict: 'not-scanned' })
  const [program, ...args] = command.split(/\s+/).filter(Boolean)
  return new Promise((resolve) => {
    execFile(
      program!,
      [...args, file],
      { timeout: SCAN_TIMEOUT_MS, maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => {
        const detail = `${stdout}${stderr}`.trim().slice(0, DETAIL_LENGTH)
        if (!error) return resolve({ verdict: 'clean' })
        if (error.code === 1)
          return resolve({ verdict: 'infected', detail: detail || 'the scanner reported an infection' })
        resolve({ verdict: 'error', detail: detail || error.message })
      },
    )
  })
}
