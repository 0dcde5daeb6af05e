const BASE = 'http://upstream.invalid'

/**
 * Where to go after signing in: a path on this site only. Anything that could leave the site
 * (`//evil.example`, `/\evil.example`, `https://...`, control characters) gives null.
 */
export function safeNextPath(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 2000) return null
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return null
  if (/[\p{Cc}\\]/u.test(value)) return null
  try {
    const url = new URL(value, BASE)
    if (url.origin !== BASE) return null
    const path = `${url.pathname}${url.search}${url.hash}`
    return path.startsWith('/sign-in') || path.startsWith('/sign-out') ? null : path
  } catch {
    return null
  }
}
