import { rm } from 'node:fs/promises'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { defineRoutes } from '../../../server/define-route.ts'
import { sendProblem } from '../../../server/request-context.ts'
import { readHeader } from '../csv-rows.ts'
import { detectFormat, formatByKind, IMPORT_FORMATS } from '../formats/index.ts'
import type { ImportFormat } from '../formats/import-format.ts'
import { scanFile } from './antivirus.ts'
import { csvContentProblem } from './content-check.ts'
import { uploadProgress } from './presenters.ts'
import { formatBytes, receivedUpload, takeReceivedUpload, UPLOAD_URL } from './receive-upload.ts'
import { UploadImports } from './upload-imports.ts'

const AUTO = 'auto'

interface UploadForm {
  kind: string
  strict: boolean
}

/**
 * The upload page (SECURITY-CHECKLIST D5): a CSV file and its kind; the import runs in the
 * background and the user follows it on a progress page until the run's summary.
 */
export function registerUploadRoutes(app: FastifyInstance): void {
  const { db, clock, config } = app.deps
  const route = defineRoutes(app)
  const imports = new UploadImports(db, clock, (error) =>
    app.log.error({ err: error }, 'upload import failed'),
  )
  app.addHook('onClose', async () => imports.close())
  // A file received by a request that never reached the import (refused later, or failed) goes.
  app.addHook('onResponse', async (request) => {
    const left = receivedUpload(request)
    if (left?.ok) await rm(left.storedPath, { force: true })
  })

  route.get(UPLOAD_URL, {
    permission: 'data:import',
    dataClass: 'imports',
    handler: (_request, reply) => renderForm(reply, { kind: AUTO, strict: false }, {}),
  })
  route.post(UPLOAD_URL, {
    permission: 'data:import',
    dataClass: 'imports',
    audit: 'collect',
    handler: receive,
  })
  route.get(`${UPLOAD_URL}/:id`, { permission: 'data:import', dataClass: 'imports', handler: showProgress })
  route.get(`${UPLOAD_URL}/:id/status`, {
    permission: 'data:import',
    dataClass: 'imports',
    handler: sendStatus,
  })

  function renderForm(reply: FastifyReply, form: UploadForm, errors: Record<string, string>) {
    return reply.render('data-hub/upload/upload.njk', {
      pageTitle: 'Upload a data file',
      maxSize: formatBytes(config.uploadMaxBytes),
      errors,
      errorList: Object.entries(errors).map(([field, text]) => ({ text, href: `#${field}` })),
      kindItems: [
        { value: AUTO, text: 'Detect from the header', selected: form.kind === AUTO },
        ...IMPORT_FORMATS.map((format) => ({
          value: format.kind,
          text: format.name,
          selected: form.kind === format.kind,
        })),
      ],
      strict: form.strict,
    })
  }

  async function receive(request: FastifyRequest, reply: FastifyReply) {
    const body = (request.body ?? {}) as Record<string, unknown>
    const form: UploadForm = {
      kind: typeof body.kind === 'string' ? body.kind : AUTO,
      strict: body.strict === 'yes',
    }
    const upload = takeReceivedUpload(request)
    const refuse = async (status: number, field: 'file' | 'kind', message: string, event: string) => {
      if (upload?.ok) await rm(upload.storedPath, { force: true })
      await request.audit({
        action: 'security',
        event,
        outcome: 'denied',
        recordType: 'upload',
        details: { status, field },
      })
      return renderForm(reply.code(status), form, { [field]: message })
    }
    if (!upload) return refuse(400, 'file', 'Select a CSV file to upload', 'UPLOAD_MISSING')
    if (!upload.ok) return refuse(upload.status, 'file', upload.reason, 'UPLOAD_REJECTED_TYPE')
    const named = form.kind === AUTO ? undefined : formatByKind(form.kind)
    if (form.kind !== AUTO && !named)
      return refuse(400, 'kind', 'Select the kind of file, or detect it from the header', 'UPLOAD_INVALID')
    const contentProblem = await csvContentProblem(upload.storedPath)
    if (contentProblem) {
      return refuse(
        upload.size === 0 ? 400 : 415,
        'file',
        `${upload.originalName}: ${contentProblem}`,
        'UPLOAD_REJECTED_TYPE',
      )
    }
    const scan = await scanFile(config.antivirusCommand, upload.storedPath)
    if (scan.verdict === 'infected') {
      request.log.warn(
        { scanner: scan.detail, sha256: upload.sha256 },
        'upload rejected by the antivirus scanner',
      )
      return refuse(
        422,
        'file',
        `${upload.originalName} was rejected by the virus scanner and has been deleted`,
        'UPLOAD_INFECTED',
      )
    }
    if (scan.verdict === 'error') {
      request.log.error({ scanner: scan.detail }, 'antivirus scanner failed')
      return refuse(
        503,
        'file',
        `${upload.originalName} could not be scanned for viruses, so it was not imported. Try again later`,
        'UPLOAD_SCAN_FAILED',
      )
    }
    const format = await formatOf(upload.storedPath, named)
    if (!format.ok) return refuse(422, 'file', `${upload.originalName}: ${format.problem}`, 'UPLOAD_INVALID')
    const started = imports.start({
      userId: request.user!.id,
      fileName: upload.originalName,
      format: format.format,
      strict: form.strict,
      size: upload.size,
      sha256: upload.sha256,
      storedPath: upload.storedPath,
    })
    await request.audit({
      action: 'collect',
      event: 'UPLOAD_FILE',
      recordType: 'upload',
      recordIds: [started.id],
      details: {
        kind: format.format.kind,
        size: upload.size,
        fileSha256: upload.sha256,
        scanned: scan.verdict === 'clean',
      },
    })
    return reply.redirect(`${UPLOAD_URL}/${started.id}`, 303)
  }

  async function formatOf(
    file: string,
    named: ImportFormat | undefined,
  ): Promise<{ ok: true; format: ImportFormat } | { ok: false; problem: string }> {
    try {
      if (named) {
        const problem = named.checkHeader(await readHeader(file))
        return problem ? { ok: false, problem } : { ok: true, format: named }
      }
      const detected = await detectFormat(file)
      if (detected) return { ok: true, format: detected }
      const kinds = IMPORT_FORMATS.map((f) => f.name).join('; ')
      return {
        ok: false,
        problem: `its header is not that of any format Upstream imports (${kinds}). Choose the kind of file to see what its header should be`,
      }
    } catch (error) {
      return { ok: false, problem: `the first line could not be read as CSV (${(error as Error).message})` }
    }
  }

  async function findProgress(request: FastifyRequest) {
    const { id } = request.params as { id: string }
    const upload = imports.find(id, request.user!.id)
    return upload ? uploadProgress(upload, await imports.rowsSoFar(upload)) : undefined
  }

  async function showProgress(request: FastifyRequest, reply: FastifyReply) {
    const progress = await findProgress(request)
    if (!progress) return notFound(request, reply)
    return reply.render('data-hub/upload/progress.njk', {
      pageTitle: `${progress.statusText}: ${progress.fileName}`,
      progress,
    })
  }

  async function sendStatus(request: FastifyRequest, reply: FastifyReply) {
    const progress = await findProgress(request)
    if (!progress) {
      return reply.code(404).send({
        error: { code: 'not_found', message: 'There is no upload with this id among yours on this server' },
      })
    }
    return reply.send(progress)
  }

  function notFound(request: FastifyRequest, reply: FastifyReply) {
    return sendProblem(request, reply, 404, 'not_found', 'Upload not found', [
      'There is no upload with this address among yours. Uploads are followed here until a day after they finish, and not after the server restarts: see the import runs for every import.',
    ])
  }
}
