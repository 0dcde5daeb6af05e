import type { FastifyReply, FastifyRequest } from 'fastify'
import { DomainError } from '../../../errors.ts'
import type { FieldErrors } from './validation.ts'

/** Reading urlencoded admin forms and turning domain errors into re-rendered pages. */
type Body = Record<string, unknown>

const asBody = (body: unknown): Body => (body && typeof body === 'object' && !Array.isArray(body) ? (body as Body) : {})

/** One text field: the first value if the field was sent twice, '' when absent. */
export function formText(body: unknown, name: string): string {
  const value = asBody(body)[name]
  const first = Array.isArray(value) ? value[0] : value
  return typeof first === 'string' ? first : ''
}

/** A checkbox group: every value sent under the name. */
export function formList(body: unknown, name: string): string[] {
  const value = asBody(body)[name]
  return [value].flat().filter((item): item is string => typeof item === 'string' && item !== '')
}

export const formChecked = (body: unknown, name: string) => formText(body, name) !== ''

export function formVersion(body: unknown): number {
  const version = Number(formText(body, 'version'))
  // Versions are PostgreSQL int columns: anything outside that range can only be stale.
  return Number.isInteger(version) && version >= 0 && version <= 2_147_483_647 ? version : -1
}

export const queryText = (request: FastifyRequest, name: string) => formText(request.query, name)

/** Error summary entries linking to each field (the id of the input, or of its first option). */
export function errorListOf(errors: FieldErrors, anchors: Record<string, string> = {}) {
  return Object.entries(errors).map(([field, text]) => ({ text, href: `#${anchors[field] ?? field}` }))
}

export interface FormOutcome {
  /** Renders the form again with the user's values and these problems, status 400. */
  invalid(errors: FieldErrors): FastifyReply | Promise<FastifyReply>
  /** Renders the form with the current values and a message, status 409. */
  conflict?(): FastifyReply | Promise<FastifyReply>
}

/** Runs a form's command; validation problems and stale versions become pages, anything else propagates. */
export async function submitForm(reply: FastifyReply, command: () => Promise<unknown>, outcome: FormOutcome): Promise<unknown> {
  try {
    return await command()
  } catch (error) {
    if (error instanceof DomainError && error.code === 'invalid') {
      reply.code(400)
      return outcome.invalid(Object.keys(error.fields).length ? error.fields : { form: error.message })
    }
    if (error instanceof DomainError && error.code === 'conflict' && outcome.conflict) {
      reply.code(409)
      return outcome.conflict()
    }
    throw error
  }
}

export const CONFLICT_MESSAGE =
  'Someone else changed this since you opened it. The current values are shown below: make your changes again and save.'

/** ?saved=created → "Organisation created", for the success banner after a redirect. */
export function flashFrom(request: FastifyRequest, messages: Record<string, string>): string | undefined {
  const key = queryText(request, 'saved')
  return Object.hasOwn(messages, key) ? messages[key] : undefined
}

export const paramId = (request: FastifyRequest) => (request.params as { id?: string }).id ?? ''
