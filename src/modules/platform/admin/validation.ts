/** Checks shared by the admin forms and the CLI: plain data in, field problems out. */
export type FieldErrors = Record<string, string>

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
// C0 and C1 controls (NUL cannot be stored in PostgreSQL text at all); tabs and newlines only where multi-line text is allowed.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/
const LINE_BREAKS = /[\t\r\n]/

export const isUuid = (value: unknown): boolean => typeof value === 'string' && UUID.test(value)

export interface TextRule {
  label: string
  required?: boolean
  max: number
  multiline?: boolean
}

/** Trims a text field and records a problem with it, if any. Returns the trimmed value. */
export function checkText(errors: FieldErrors, field: string, value: string, rule: TextRule): string {
  const trimmed = value.trim()
  if (rule.required && trimmed === '') errors[field] = `Enter ${rule.label.toLowerCase()}`
  else if ([...trimmed].length > rule.max) errors[field] = `${rule.label} must be ${rule.max} characters or fewer`
  else if (CONTROL_CHARACTERS.test(trimmed) || (!rule.multiline && LINE_BREAKS.test(trimmed))) {
    errors[field] = `${rule.label} must not contain control characters or line breaks`
  } else if (/[\uD800-\uDFFF]/.test(trimmed.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''))) {
    errors[field] = `${rule.label} contains characters that cannot be stored`
  }
  return trimmed
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export function checkEmail(errors: FieldErrors, field: string, value: string): string {
  const email = checkText(errors, field, value, { label: 'Email address', required: true, max: 254 }).toLowerCase()
  if (!errors[field] && !EMAIL.test(email)) errors[field] = 'Enter an email address in the correct format, like name@example.org'
  return email
}

/** An https (or, for local test providers, http) URL, or empty. */
export function checkUrl(errors: FieldErrors, field: string, value: string, label: string): string {
  const url = checkText(errors, field, value, { label, max: 500 })
  if (url === '' || errors[field]) return url
  try {
    const parsed = new URL(url)
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('not web')
  } catch {
    errors[field] = `${label} must be a web address starting with https://`
  }
  return url
}

/** PostgreSQL's unique_violation, optionally on one named constraint or index. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const pgError = error as { code?: string; constraint?: string }
  return pgError?.code === '23505' && (!constraint || pgError.constraint === constraint)
}

/** The names of the fields whose values differ, for the audit entry (never the values). */
export function changedFields<T extends Record<string, unknown>>(before: T, after: Partial<T>): string[] {
  return Object.keys(after).filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key as keyof T]))
}
