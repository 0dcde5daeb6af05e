/** A text field of a posted form; anything else (missing, repeated, an object in JSON) reads as empty. */
export const field = (body: unknown, name: string): string => {
  const value = (body as Record<string, unknown> | undefined)?.[name]
  return typeof value === 'string' ? value : ''
}

/** The error summary's list: each message links to its field. */
export const errorListOf = (errors: Record<string, string>) =>
  Object.entries(errors).map(([name, text]) => ({ text, href: `#${name}` }))

export const minutesOf = (seconds: number) => {
  const minutes = Math.ceil(seconds / 60)
  return `${minutes} minute${minutes === 1 ? '' : 's'}`
}
