import { readFileSync } from 'node:fs'

/**
 * The password rules of checklist A8, after NIST SP 800-63B 3.1.1.2: a minimum length, a
 * generous maximum, no composition rules, and a deny list of common and context-specific words.
 */
export const MINIMUM_PASSWORD_LENGTH = 8
export const RECOMMENDED_PASSWORD_LENGTH = 15
export const MAXIMUM_PASSWORD_LENGTH = 256

let commonPasswords: Set<string> | undefined

/** The 10,000 most common passwords, lower-cased (see the header line of the file for its source). */
export function commonPasswordList(): Set<string> {
  commonPasswords ??= new Set(
    readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#')),
  )
  return commonPasswords
}

/** Words of the names a guesser would try first: the partnership's and force's names, and the product's. */
export function passwordContextWords(...names: (string | null | undefined)[]): string[] {
  const words = [...names, 'upstream']
    .flatMap((name) => (name ?? '').toLowerCase().split(/[^\p{L}\p{N}]+/u))
    .filter((word) => word.length >= 3)
  return [...new Set(words)]
}

const lettersOf = (text: string) => text.toLowerCase().replace(/[^\p{L}]+/gu, '')

/** True when the letters of the password are nothing but context words run together ("WestMercia2026!"). */
function madeOfContextWords(password: string, contextWords: string[]): boolean {
  const letters = lettersOf(password)
  const words = contextWords.map(lettersOf).filter((word) => word.length > 0)
  if (letters === '' || words.length === 0) return false
  const reachable = [true, ...Array<boolean>(letters.length).fill(false)]
  for (let end = 1; end <= letters.length; end++) {
    reachable[end] = words.some((word) => end >= word.length && reachable[end - word.length] && letters.endsWith(word, end))
  }
  return reachable[letters.length]!
}

/**
 * Checks a new password. Returns the message to show beside the field, or null when it is acceptable.
 * contextWords: words specific to this service (see passwordContextWords), compared case-insensitively.
 */
export function checkPasswordPolicy(password: string, contextWords: string[]): string | null {
  const length = [...password].length
  if (length === 0) return 'Enter a password'
  if (length < MINIMUM_PASSWORD_LENGTH) return `Password must be ${MINIMUM_PASSWORD_LENGTH} characters or more`
  if (length > MAXIMUM_PASSWORD_LENGTH) return `Password must be ${MAXIMUM_PASSWORD_LENGTH} characters or fewer`
  const lowered = password.toLowerCase()
  if (commonPasswordList().has(lowered)) {
    return 'Password is too easy to guess: it is on a list of common passwords. Choose a different password'
  }
  const words = contextWords.map((word) => word.toLowerCase())
  if (words.includes(lowered) || madeOfContextWords(password, words)) {
    return 'Password must not be made from the name of this service, the partnership or the force'
  }
  if (/^(.)\1*$/su.test(password)) return 'Password must not be one character repeated'
  return null
}
