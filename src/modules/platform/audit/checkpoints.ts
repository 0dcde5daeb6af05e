import { createReadStream } from 'node:fs'
import { mkdir, open, stat } from 'node:fs/promises'
import path from 'node:path'
import { createInterface } from 'node:readline'
import type { Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { readChainHead, readHeadSeq } from './queries.ts'

/**
 * Checkpoints of the audit chain head, kept outside the database (B3). A checkpoint names a
 * committed entry by sequence number and hash; whoever rewrites the log in the database cannot
 * rewrite this file too without also having the server's file system, and verify compares the two.
 */
export interface AuditCheckpoint {
  seq: number
  hash: string
  /** When the checkpoint was written, ISO 8601 UTC. */
  at: string
  /** Why: 'periodic', 'shutdown', 'every-100-entries', 'manual'... */
  reason: string
}

export const CHECKPOINT_FILE_NAME = 'audit-checkpoints.jsonl'

/** A checkpoint is also written after this many new entries (besides hourly and at shutdown). */
export const AUDIT_CHECKPOINT_EVERY_ENTRIES = 100

export const checkpointFileIn = (dir: string) => path.join(dir, CHECKPOINT_FILE_NAME)

export class CheckpointFileError extends Error {
  override name = 'CheckpointFileError'
}

export interface CheckpointOptions {
  /** Where the syslog line goes; console.info by default. */
  log?: (line: string) => void
  now?: () => Date
}

/**
 * Appends the committed chain head to `<dir>/audit-checkpoints.jsonl` and fsyncs it.
 * Writes nothing when the log is empty or the head has not moved since the last line.
 * Returns the checkpoint written, or null.
 */
export async function writeAuditCheckpoint(
  db: Kysely<Database>,
  dir: string,
  reason: string,
  options: CheckpointOptions = {},
): Promise<AuditCheckpoint | null> {
  if (db.isTransaction) throw new Error('An audit checkpoint must name committed entries: call it outside the transaction')
  const file = checkpointFileIn(dir)
  return serialisedPerFile(file, async () => {
    // Read outside any transaction: only committed entries are ever named.
    const head = await readChainHead(db)
    if (!head) return null
    const last = await readLastCheckpoint(file)
    if (last && last.seq === head.seq && last.hash === head.hash) return null
    const checkpoint: AuditCheckpoint = { seq: head.seq, hash: head.hash, at: (options.now?.() ?? new Date()).toISOString(), reason }
    await mkdir(dir, { recursive: true })
    const handle = await open(file, 'a', 0o640)
    try {
      // A line torn by a crash must not swallow the next one.
      const separator = (await endsWithoutNewline(file)) ? '\n' : ''
      await handle.write(`${separator}${JSON.stringify(checkpoint)}\n`)
      await handle.sync()
    } finally {
      await handle.close()
    }
    ;(options.log ?? console.info)(
      `upstream audit checkpoint seq=${checkpoint.seq} hash=${checkpoint.hash} at=${checkpoint.at} reason=${reason}`,
    )
    return checkpoint
  })
}

/**
 * Writes a checkpoint when at least `every` entries were committed since the last one in the file.
 * Call it after a commit, never inside the transaction that wrote the entries.
 */
export async function checkpointIfDue(
  db: Kysely<Database>,
  dir: string,
  options: CheckpointOptions & { every?: number } = {},
): Promise<AuditCheckpoint | null> {
  const every = options.every ?? AUDIT_CHECKPOINT_EVERY_ENTRIES
  const [headSeq, last] = await Promise.all([readHeadSeq(db), readLastCheckpoint(checkpointFileIn(dir))])
  if (headSeq - (last?.seq ?? 0) < every) return null
  return writeAuditCheckpoint(db, dir, `every-${every}-entries`, options)
}

/**
 * The in-process form of checkpointIfDue for the server: remembers the last checkpointed
 * sequence number, so after each response it costs one primary-key lookup.
 */
export function createCheckpointScheduler(
  db: Kysely<Database>,
  dir: string,
  options: CheckpointOptions & { every?: number; onError?: (error: unknown) => void } = {},
) {
  const every = options.every ?? AUDIT_CHECKPOINT_EVERY_ENTRIES
  let lastSeq: number | undefined
  let running: Promise<void> = Promise.resolve()
  const check = async () => {
    lastSeq ??= (await readLastCheckpoint(checkpointFileIn(dir)))?.seq ?? 0
    const headSeq = await readHeadSeq(db)
    if (headSeq - lastSeq < every) return
    const written = await writeAuditCheckpoint(db, dir, `every-${every}-entries`, options)
    lastSeq = written?.seq ?? headSeq
  }
  return {
    /** Checks whether a checkpoint is due; calls are queued, never run side by side. */
    afterCommit(): Promise<void> {
      running = running.then(check).catch((error) => options.onError?.(error))
      return running
    },
    /** Resolves when every queued check has finished. */
    idle: () => running,
  }
}

export type CheckpointScheduler = ReturnType<typeof createCheckpointScheduler>

/** Every checkpoint in a file, in order. A line that is not a checkpoint is an error naming the line. */
export async function readCheckpoints(file: string): Promise<AuditCheckpoint[]> {
  try {
    await stat(file)
  } catch {
    throw new CheckpointFileError(`There is no checkpoint file at ${file}`)
  }
  const checkpoints: AuditCheckpoint[] = []
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })
  let lineNumber = 0
  for await (const line of lines) {
    lineNumber += 1
    if (line.trim() === '') continue
    const checkpoint = parseCheckpoint(line)
    if (!checkpoint) throw new CheckpointFileError(`Line ${lineNumber} of ${file} is not a checkpoint: ${JSON.stringify(line.slice(0, 80))}`)
    checkpoints.push(checkpoint)
  }
  return checkpoints
}

export function parseCheckpoint(line: string): AuditCheckpoint | null {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return null
  }
  if (!value || typeof value !== 'object') return null
  const { seq, hash, at, reason } = value as Record<string, unknown>
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return null
  if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) return null
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) return null
  return { seq, hash, at, reason: typeof reason === 'string' ? reason : '' }
}

const TAIL_BYTES = 4096

/** The last well-formed checkpoint, reading only the end of the file. */
export async function readLastCheckpoint(file: string): Promise<AuditCheckpoint | null> {
  let handle
  try {
    handle = await open(file, 'r')
  } catch {
    return null
  }
  try {
    const { size } = await handle.stat()
    const length = Math.min(size, TAIL_BYTES)
    const buffer = Buffer.alloc(length)
    await handle.read(buffer, 0, length, size - length)
    const lines = buffer.toString('utf8').split('\n')
    for (let index = lines.length - 1; index >= 0; index -= 1) {
      const checkpoint = parseCheckpoint(lines[index]!)
      if (checkpoint) return checkpoint
    }
    return null
  } finally {
    await handle.close()
  }
}

async function endsWithoutNewline(file: string): Promise<boolean> {
  const handle = await open(file, 'r')
  try {
    const { size } = await handle.stat()
    if (size === 0) return false
    const buffer = Buffer.alloc(1)
    await handle.read(buffer, 0, 1, size - 1)
    return buffer[0] !== 0x0a
  } finally {
    await handle.close()
  }
}

const writing = new Map<string, Promise<unknown>>()

/** Two writers in one process never interleave their read-compare-append on the same file. */
function serialisedPerFile<T>(file: string, work: () => Promise<T>): Promise<T> {
  const previous = writing.get(file) ?? Promise.resolve()
  const next = previous.catch(() => undefined).then(work)
  writing.set(file, next)
  void next.finally(() => {
    if (writing.get(file) === next) writing.delete(file)
  }).catch(() => undefined)
  return next
}
