import type { FastifyError, FastifyInstance } from 'fastify'
import { DomainError, type ErrorCode } from '../errors.ts'
import { sendProblem } from './request-context.ts'

const STATUS_OF: Record<ErrorCode, number> = {
  not_found: 404,
  forbidden: 403,
  conflict: 409,
  invalid: 400,
  locked: 423,
  unavailable: 503,
}

/** Database errors that mean "the server is not there right now", not a bug. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03', '08006', '08001'])

/**
 * Every failure becomes a clear page or JSON error; a stack trace never reaches the user.
 * Unexpected errors are logged with the request id, which the page shows as a reference.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(async (error: FastifyError & { code?: string }, request, reply) => {
    if (error instanceof DomainError) {
      const status = STATUS_OF[error.code]
      return sendProblem(request, reply, status, error.code, error.message, [], error.fields)
    }
    if (error.validation) {
      const detail = error.validation
        .map((issue) => `${issue.instancePath.replace(/^\//, '').replace(/\//g, '.') || (issue.params as { missingProperty?: string }).missingProperty || 'request'}: ${issue.message}`)
        .join('; ')
      return sendProblem(request, reply, 400, 'invalid', 'The request was not valid', [detail])
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendProblem(request, reply, 413, 'too_large', 'The request is too large', [
        'Send a smaller body, or use the import page for large files.',
      ])
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return sendProblem(request, reply, 415, 'unsupported_media_type', 'This content type is not accepted', [
        'Send JSON (application/json) or a form (application/x-www-form-urlencoded).',
      ])
    }
    if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
      return sendProblem(request, reply, 400, 'malformed_json', 'The JSON body could not be read', [
        'Check that the body is valid JSON.',
      ])
    }
    if (isUnreadableForm(error)) {
      return sendProblem(request, reply, 400, 'malformed_form', 'The form could not be read', [
        'Send the form again from its page; a multipart form needs its boundary and whole parts.',
      ])
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendProblem(request, reply, error.statusCode, 'bad_request', 'The request could not be accepted', [
        error.message,
      ])
    }
    if (error.code && UNAVAILABLE_CODES.has(error.code)) {
      request.log.error({ err: error }, 'database unavailable')
      reply.header('Retry-After', '10')
      return sendProblem(request, reply, 503, 'unavailable', 'The service is unavailable', [
        'The database is not answering. Try again in a minute.',
      ])
    }
    request.log.error({ err: error }, 'unexpected error')
    return sendProblem(request, reply, 500, 'internal', 'Sorry, there is a problem with the service', [
      'Try again later. If it keeps happening, give the reference below to your administrator.',
    ])
  })

  app.setNotFoundHandler(async (request, reply) =>
    sendProblem(request, reply, 404, 'not_found', 'Page not found', [
      'If you typed the web address, check it is correct. If you pasted it, check you copied all of it.',
    ]),
  )
}

/** busboy's errors for a multipart body it cannot read: they carry no status, but are the client's. */
const UNREADABLE_FORM = /^(Multipart: |Unexpected end of form$|Malformed part header$|Malformed urlencoded form$)/

function isUnreadableForm(error: Error & { statusCode?: number }): boolean {
  return !error.statusCode && UNREADABLE_FORM.test(error.message)
}
