import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import type { Writable } from 'node:stream'
import { generatePersonRecords, type PersonRecord, type PersonRecordOptions } from './person-records.ts'
import type { PersonRecordsTally } from './summary.ts'

/** The header `upstream link evaluate --input` reads. */
export const PERSON_RECORDS_HEADER = [
  'source',
  'record_id',
  'first_name',
  'last_name',
  'date_of_birth',
  'address',
  'postcode',
  'true_id',
] as const

/** A CSV field as RFC 4180 writes it: quoted when it holds a comma, a quote or a line break. */
export function csvField(value: string): string {
  const needsQuotes =
    value.includes(',') || value.includes('"') || value.includes('\n') || value.includes('\r')
  return needsQuotes ? `"${value.replaceAll('"', '""')}"` : value
}

export function csvLine(record: PersonRecord): string {
  // Source, record id, date of birth, postcode and true id are written by us and never need quotes.
  return `${record.source},${record.recordId},${csvField(record.firstName)},${csvField(record.lastName)},${record.dateOfBirth},${csvField(record.address)},${record.postcode},${record.trueId}`
}

/** About 64 KiB of lines per write: fewer, larger writes than one per record. */
const CHUNK_CHARACTERS = 65_536

/**
 * Writes the records as CSV (header first, LF line ends) to `output`, waiting whenever the
 * stream's buffer is full, so the file can be any size. Resolves with the number of records.
 */
export async function writePersonRecordsCsv(
  options: PersonRecordOptions,
  output: Writable,
  tally?: PersonRecordsTally,
): Promise<number> {
  let chunk = `${PERSON_RECORDS_HEADER.join(',')}\n`
  let written = 0
  for (const generated of generatePersonRecords(options)) {
    tally?.add(generated)
    chunk += `${csvLine(generated.record)}\n`
    written++
    if (chunk.length >= CHUNK_CHARACTERS) {
      if (!output.write(chunk)) await once(output, 'drain')
      chunk = ''
    }
  }
  if (chunk.length > 0 && !output.write(chunk)) await once(output, 'drain')
  return written
}

/** Writes the records to a new file at `file` (replacing one that is there). */
export async function writePersonRecordsFile(
  options: PersonRecordOptions,
  file: string,
  tally?: PersonRecordsTally,
): Promise<number> {
  const output = createWriteStream(file)
  const opened = once(output, 'open')
  const failed = once(output, 'error').then(([error]) => Promise.reject(error as Error))
  await Promise.race([opened, failed])
  const written = await Promise.race([writePersonRecordsCsv(options, output, tally), failed])
  output.end()
  await Promise.race([once(output, 'finish'), failed])
  return written
}
