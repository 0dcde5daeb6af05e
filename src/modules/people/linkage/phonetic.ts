/**
 * NYSIIS, the New York State Identification and Intelligence System phonetic code (Taft 1970),
 * as implemented by the Python library jellyfish (full length, not cut to six characters).
 *
 * Chosen over Soundex because it was built for personal names and maps the spellings that matter
 * in British records onto one code where Soundex keeps the first letter apart (Catherine and
 * Katherine are both CATARAN; Soundex gives C365 and K365), and it keeps vowel positions, so its
 * codes are finer and make smaller blocks. Double Metaphone is finer still for non-English names
 * but is ten times the code; the name comparison backs the phonetic code with Jaro-Winkler anyway.
 * Expects upper-case A–Z only (normalise.ts does that).
 */
const VOWELS = 'AEIOU'

export function nysiis(name: string): string {
  if (name === '') return ''
  let s = name
  if (s.startsWith('MAC')) s = 'MCC' + s.slice(3)
  else if (s.startsWith('KN')) s = s.slice(1)
  else if (s.startsWith('K')) s = 'C' + s.slice(1)
  else if (s.startsWith('PH') || s.startsWith('PF')) s = 'FF' + s.slice(2)
  else if (s.startsWith('SCH')) s = 'SSS' + s.slice(3)

  if (s.endsWith('IE') || s.endsWith('EE')) s = s.slice(0, -2) + 'Y'
  else if (/(DT|RT|RD|NT|ND)$/.test(s)) s = s.slice(0, -2) + 'D'

  let key = s.charAt(0)
  for (let i = 1; i < s.length; i++) {
    let piece = s.charAt(i)
    const previous = s.charAt(i - 1)
    const next = s.charAt(i + 1)
    if (piece === 'E' && next === 'V') {
      piece = 'AF'
      i++
    } else if (VOWELS.includes(piece)) piece = 'A'
    else if (piece === 'Q') piece = 'G'
    else if (piece === 'Z') piece = 'S'
    else if (piece === 'M') piece = 'N'
    else if (piece === 'K') piece = next === 'N' ? 'N' : 'C'
    else if (piece === 'S' && s.slice(i + 1, i + 3) === 'CH') {
      piece = 'SS'
      i += 2
    } else if (piece === 'P' && next === 'H') {
      piece = 'F'
      i++
    } else if (piece === 'H' && (!VOWELS.includes(previous) || next === '' || !VOWELS.includes(next))) {
      piece = VOWELS.includes(previous) ? 'A' : previous
    } else if (piece === 'W' && VOWELS.includes(previous)) piece = previous
    if (piece.charAt(piece.length - 1) !== key.charAt(key.length - 1)) key += piece
  }
  if (key.endsWith('S') && key !== 'S') key = key.slice(0, -1)
  if (key.endsWith('AY')) key = key.slice(0, -2) + 'Y'
  if (key.endsWith('A') && key !== 'A') key = key.slice(0, -1)
  return key
}
