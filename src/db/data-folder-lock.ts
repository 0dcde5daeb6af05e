import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * PGlite has no cross-process lock: two processes on one data folder lose writes
 * (STACK-NOTES). Whoever opens the folder holds this file; a second process is refused,
 * and a lock left by a process that no longer exists is taken over.
 */
export class DataFolderLockedError extends Error {
  override name = 'DataFolderLockedError'
}

interface LockContent {
  pid: number
  host: string
  command: string
  since: string
}

export interface DataFolderLock {
  file: string
  release(): void
}

export function lockFilePath(dataDir: string): string {
  return path.join(dataDir, 'upstream.lock')
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function readLockText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

function readLock(file: string): LockContent | undefined {
  try {
    return JSON.parse(readLockText(file) ?? '') as LockContent
  } catch {
    return undefined
  }
}

/**
 * Removes the lock only if it still holds what was judged stale, under a short-lived guard
 * file: two processes taking over the same stale lock must not remove each other's new one.
 */
function removeStaleLock(file: string, staleText: string | undefined): void {
  const guard = `${file}.takeover`
  try {
    fs.writeFileSync(guard, String(process.pid), { flag: 'wx' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    // Another process is taking over; a guard older than a few seconds was left by a crash.
    const age = Date.now() - (fs.statSync(guard, { throwIfNoEntry: false })?.mtimeMs ?? Date.now())
    if (age > 5_000) fs.rmSync(guard, { force: true })
    return
  }
  try {
    if (readLockText(file) === staleText) fs.rmSync(file, { force: true })
  } finally {
    fs.rmSync(guard, { force: true })
  }
}

/**
 * Writes the lock whole, then links it into place: link fails if the lock exists, and a
 * rival never sees an empty file (which it would take for a stale lock and remove).
 */
function createLockFile(file: string, content: LockContent): void {
  const draft = `${file}.${process.pid}.draft`
  fs.writeFileSync(draft, JSON.stringify(content))
  try {
    fs.linkSync(draft, file)
  } finally {
    fs.rmSync(draft, { force: true })
  }
}

/** Folders this process holds now: a lock with our own pid is only stale if we do not hold it (pid reuse after a restart). */
const heldByThisProcess = new Set<string>()

export function acquireDataFolderLock(
  dataDir: string,
  command: string,
  log: (message: string) => void = (message) => console.warn(message),
): DataFolderLock {
  fs.mkdirSync(dataDir, { recursive: true })
  const file = lockFilePath(dataDir)
  if (heldByThisProcess.has(file)) {
    throw new DataFolderLockedError(`The data folder ${dataDir} is already open in this process`)
  }
  const content: LockContent = { pid: process.pid, host: os.hostname(), command, since: new Date().toISOString() }
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      createLockFile(file, content)
      heldByThisProcess.add(file)
      let released = false
      return {
        file,
        release() {
          if (released) return
          released = true
          heldByThisProcess.delete(file)
          const current = readLock(file)
          if (current?.pid === process.pid) fs.rmSync(file, { force: true })
        },
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const holderText = readLockText(file)
    const holder = readLock(file)
    const sameHost = holder?.host === os.hostname()
    if (holder && sameHost && holder.pid !== process.pid && processIsAlive(holder.pid)) {
      throw new DataFolderLockedError(
        `The data folder ${dataDir} is in use by process ${holder.pid} (${holder.command}, since ${holder.since}). ` +
          'Stop that process first, or point DATABASE_URL at a PostgreSQL server to share one database.',
      )
    }
    if (holder && !sameHost) {
      throw new DataFolderLockedError(
        `The data folder ${dataDir} is locked by process ${holder.pid} on host ${holder.host}. ` +
          `If that host is gone, remove ${file} by hand.`,
      )
    }
    if (holderText === undefined) continue
    log(`Taking over a stale lock on ${dataDir} left by process ${holder?.pid ?? 'unknown'}, which is no longer running`)
    removeStaleLock(file, holderText)
  }
  throw new DataFolderLockedError(`Could not lock the data folder ${dataDir}: another process keeps taking it`)
}
