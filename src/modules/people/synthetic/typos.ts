import type { SeededRandom } from './seeded-random.ts'

/** Letters next to each other on a UK QWERTY keyboard: a slip hits a neighbour more often than not. */
const NEIGHBOURS: Readonly<Record<string, string>> = {
  q: 'wa',
  w: 'qeas',
  e: 'wrds',
  r: 'etdf',
  t: 'ryfg',
  y: 'tugh',
  u: 'yihj',
  i: 'uojk',
  o: 'ipkl',
  p: 'ol',
  a: 'qwsz',
  s: 'awedxz',
  d: 'serfcx',
  f: 'drtgvc',
  g: 'ftyhbv',
  h: 'gyujnb',
  j: 'huikmn',
  k: 'jiolm',
  l: 'kop',
  z: 'asx',
  x: 'zsdc',
  c: 'xdfv',
  v: 'cfgb',
  b: 'vghn',
  n: 'bhjm',
  m: 'njk',
}
const LETTERS = 'abcdefghijklmnopqrstuvwxyz'

export const TYPO_KINDS = ['insert', 'delete', 'substitute', 'transpose'] as const
export type TypoKind = (typeof TYPO_KINDS)[number]

/**
 * One keyboard slip in a name, of the four kinds Damerau (1964) counted in misspellings: a letter
 * inserted, deleted or substituted, or two neighbours swapped; always a different string, one
 * Damerau-Levenshtein edit away ignoring case. The name keeps its style of capitals (Title or UPPER).
 */
export function mistype(name: string, random: SeededRandom): { typed: string; kind: TypoKind } {
  const lower = name.toLowerCase()
  for (;;) {
    const kind = random.pick(TYPO_KINDS)
    const typed = slip(lower, kind, random)
    if (typed !== null && typed !== lower) return { typed: restoreCase(name, typed), kind }
  }
}

function slip(text: string, kind: TypoKind, random: SeededRandom): string | null {
  const at = random.below(text.length)
  const near = (letter: string | undefined) => {
    const keys = (letter !== undefined && NEIGHBOURS[letter]) || LETTERS
    return random.pick([...keys])
  }
  switch (kind) {
    case 'insert': {
      const position = random.below(text.length + 1)
      return text.slice(0, position) + near(text[position] ?? text[position - 1]) + text.slice(position)
    }
    case 'delete':
      return text.length < 3 ? null : text.slice(0, at) + text.slice(at + 1)
    case 'substitute':
      return text.slice(0, at) + near(text[at]) + text.slice(at + 1)
    case 'transpose':
      if (text.length < 2) return null
      {
        const left = Math.min(at, text.length - 2)
        return text.slice(0, left) + text[left + 1] + text[left] + text.slice(left + 2)
      }
  }
}

function restoreCase(original: string, typed: string): string {
  if (original === original.toUpperCase()) return typed.toUpperCase()
  // Title case, word by word ("Smith-Jones", "Hall Green").
  return typed.replace(
    /(^|[\s'-])([a-z])/g,
    (_, before: string, letter: string) => before + letter.toUpperCase(),
  )
}
