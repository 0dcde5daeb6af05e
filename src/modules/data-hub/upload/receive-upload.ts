import { createHash, randomUUID, timingSafeEqual } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import path from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { FastifyMultipartAttachFieldsToBodyOptions, MultipartFile } from '@fastify/multipart'
import type { FastifyRequest } from 'fastify'
import type { Config } from '../../../config.ts'
import { cleanFileName, hasCsvExtension } from './file-name.ts'

/**
 * Receives the upload form's file while the request is parsed, before the handler runs:
 * streamed to disk under a generated name in the data folder (never served), cut off at the
 * configured size. Nothing is written unless the form's CSRF token came first and matches.
 */
export const UPLOAD_URL = '/data/upload'
export const UPLOAD_FIELD = 'file'

/** What browsers send as the type of a .csv file: Windows says Excel, others may not know. */
const ACCEPTED_TYPES = new Set([
  'text/csv',
  'application/csv',
  'text/plain',
  'application/vnd.ms-excel',
  'application/octet-stream',
])

export type ReceivedUpload =
  | { ok: true; storedPath: string; originalName: string; size: number; sha256: string }
  | { ok: false; status: 415; originalName: string; reason: string }

export class UploadTooLargeError extends Error {
  override name = 'UploadTooLargeError'
  readonly statusCode = 413
  constructor(limitBytes: number) {
    super(
      `The file is larger than the upload limit of ${formatBytes(limitBytes)}. Split it into smaller files, or import it with the command line (upstream import).`,
    )
  }
}

const received = new WeakMap<FastifyRequest, ReceivedUpload>()

/** The file this request carried, if the upload route received one. */
export const receivedUpload = (request: FastifyRequest): ReceivedUpload | undefined => received.get(request)

export const uploadsFolder = (config: Config) => path.join(config.dataDir, 'uploads')

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`
  const units = ['KB', 'MB', 'GB', 'TB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit += 1
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`
}

function csrfFieldMatches(request: FastifyRequest, part: MultipartFile): boolean {
  const field = part.fields._csrf
  const sent = field && !Array.isArray(field) && field.type === 'field' ? String(field.value) : ''
  const expected = request.csrfToken
  return (
    Boolean(sent && expected) &&
    sent.length === expected.length &&
    timingSafeEqual(Buffer.from(sent), Buffer.from(expected))
  )
}

async function discard(part: MultipartFile): Promise<void> {
  part.file.resume()
  await new Promise((resolve) => part.file.once('close', resolve).once('end', resolve))
}

async function storeFile(config: Config, part: MultipartFile): Promise<ReceivedUpload> {
  const originalName = cleanFileName(part.filename)
  if (!hasCsvExtension(originalName)) {
    await discard(part)
    return {
      ok: false,
      status: 415,
      originalName,
      reason: `${originalName} is not a .csv file: the upload page takes CSV files only (unzip data.police.uk downloads first)`,
    }
  }
  if (!ACCEPTED_TYPES.has(part.mimetype.toLowerCase())) {
    await discard(part)
    return {
      ok: false,
      status: 415,
      originalName,
      reason: `${originalName} was sent as ${part.mimetype}, not as CSV text`,
    }
  }
  const folder = uploadsFolder(config)
  await mkdir(folder, { recursive: true, mode: 0o700 })
  const storedPath = path.join(folder, `${randomUUID()}.csv`)
  const hash = createHash('sha256')
  let size = 0
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk)
      size += chunk.length
      callback(null, chunk)
    },
  })
  try {
    await pipeline(part.file, measure, createWriteStream(storedPath, { flags: 'wx', mode: 0o600 }))
  } catch (error) {
    await rm(storedPath, { force: true })
    throw error
  }
  if (part.file.truncated) {
    await rm(storedPath, { force: true })
    throw new UploadTooLargeError(config.uploadMaxBytes)
  }
  return { ok: true, storedPath, originalName, size, sha256: hash.digest('hex') }
}

/** For app.ts: multipart fields land in request.body as strings; the upload's file goes to storeFile. */
export function multipartOptions(config: Config): FastifyMultipartAttachFieldsToBodyOptions {
  return {
    attachFieldsToBody: 'keyValues',
    limits: {
      fileSize: config.uploadMaxBytes,
      files: 1,
      fields: 10,
      parts: 12,
      fieldSize: 4096,
      fieldNameSize: 100,
      headerPairs: 100,
    },
    async onFile(this: FastifyRequest, part: MultipartFile) {
      const accepted =
        this.routeOptions.url === UPLOAD_URL &&
        this.method === 'POST' &&
        part.fieldname === UPLOAD_FIELD &&
        !received.has(this) &&
        csrfFieldMatches(this, part)
      if (!accepted) return discard(part)
      received.set(this, await storeFile(config, part))
    },
  }
}

/** Hands the stored file over (to an import); what is not taken is removed when the response ends. */
export function takeReceivedUpload(request: FastifyRequest): ReceivedUpload | undefined {
  const upload = received.get(request)
  received.delete(request)
  return upload
}
