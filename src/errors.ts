/**
 * Domain errors with stable codes. No HTTP in here: the server maps codes to statuses,
 * the CLI prints the message and exits non-zero.
 */
export type ErrorCode =
  | 'not_found'
  | 'forbidden'
  | 'conflict'
  | 'invalid'
  | 'locked'
  | 'unavailable'

export class DomainError extends Error {
  override name = 'DomainError'
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Field-level problems, keyed by field name, for forms and API clients. */
    readonly fields: Record<string, string> = {},
  ) {
    super(message)
  }
}

export const notFound = (what: string) => new DomainError('not_found', `${what} was not found`)

/** Raised when a row changed since the caller read it (optimistic concurrency). */
export const staleVersion = (what: string) =>
  new DomainError('conflict', `${what} was changed by someone else since you opened it. Reload and try again.`)

export function invalid(fields: Record<string, string>): DomainError {
  const first = Object.values(fields)[0] ?? 'The input is not valid'
  return new DomainError('invalid', first, fields)
}
