import type { Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { chainHash, GENESIS_HASH, type ChainedFields } from './audit-log.ts'
import { readCheckpoints, type AuditCheckpoint } from './checkpoints.ts'
import { readEntriesAfter, type StoredAuditEntry } from './queries.ts'

export type ChainProblem = 'hash' | 'gap' | 'prev-hash' | 'checkpoint-mismatch' | 'truncated'

export interface ChainVerification {
  ok: boolean
  /** Entries checked (all of them when ok). */
  entries: number
  checkpoints: number
  firstBrokenSeq?: number
  problem?: ChainProblem
  message: string
}

export interface VerifyOptions {
  /** A checkpoint file written by writeAuditCheckpoint; without it only the chain itself is checked. */
  checkpointFile?: string
  pageSize?: number
}

/**
 * Recomputes every entry's hash from its stored columns, checks each entry names the one
 * before it and that sequence numbers run from 1 without a gap, then checks each external
 * checkpoint names an entry that is still there with the same hash. Stops at the first fault.
 *
 * Without checkpoints, a rewritten log whose chain was recomputed passes: the checkpoints
 * are what makes the chain tamper-evident against someone who can write to the database.
 */
export async function verifyAuditChain(db: Kysely<Database>, options: VerifyOptions = {}): Promise<ChainVerification> {
  const checkpoints = options.checkpointFile ? await readCheckpoints(options.checkpointFile) : []
  const checkpointsBySeq = new Map<number, AuditCheckpoint[]>()
  for (const checkpoint of checkpoints) {
    checkpointsBySeq.set(checkpoint.seq, [...(checkpointsBySeq.get(checkpoint.seq) ?? []), checkpoint])
  }
  const pageSize = options.pageSize ?? 5000
  let previous: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH }
  const broken = (seq: number, problem: ChainProblem, reason: string): ChainVerification => ({
    ok: false,
    entries: previous.seq,
    checkpoints: checkpoints.length,
    firstBrokenSeq: seq,
    problem,
    message: `Audit chain broken at entry ${seq}: ${reason}`,
  })

  for (;;) {
    const page = await readEntriesAfter(db, previous.seq, pageSize)
    for (const entry of page) {
      const expectedSeq = previous.seq + 1
      if (entry.seq !== expectedSeq) {
        return broken(expectedSeq, 'gap', `entry ${expectedSeq} is missing (the next entry is ${entry.seq})`)
      }
      if (entry.prev_hash !== previous.hash) {
        return broken(entry.seq, 'prev-hash', `it does not follow entry ${previous.seq} (its previous hash is not that entry's hash)`)
      }
      if (chainHash(entry.prev_hash, chainedFieldsOf(entry)) !== entry.hash) {
        return broken(entry.seq, 'hash', 'its contents do not match its hash (the entry was changed after it was written)')
      }
      for (const checkpoint of checkpointsBySeq.get(entry.seq) ?? []) {
        if (checkpoint.hash !== entry.hash) {
          return broken(
            entry.seq,
            'checkpoint-mismatch',
            `the checkpoint of ${checkpoint.at} names a different hash for this entry (the log was rewritten since)`,
          )
        }
      }
      previous = { seq: entry.seq, hash: entry.hash }
    }
    if (page.length < pageSize) break
  }

  const beyondEnd = checkpoints.filter((checkpoint) => checkpoint.seq > previous.seq)
  if (beyondEnd.length > 0) {
    const furthest = beyondEnd.reduce((a, b) => (b.seq > a.seq ? b : a))
    return broken(
      previous.seq + 1,
      'truncated',
      `the log ends at entry ${previous.seq} but the checkpoint of ${furthest.at} names entry ${furthest.seq} (entries were removed from the end)`,
    )
  }
  return {
    ok: true,
    entries: previous.seq,
    checkpoints: checkpoints.length,
    message: `Audit chain verified: ${previous.seq} entries, ${checkpoints.length} checkpoints`,
  }
}

function chainedFieldsOf(entry: StoredAuditEntry): ChainedFields {
  const { prev_hash: _prev, hash: _hash, ...fields } = entry
  return fields
}
