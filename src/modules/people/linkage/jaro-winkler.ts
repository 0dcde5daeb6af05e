/**
 * Jaro-Winkler similarity (Jaro 1989; Winkler 1990): the Jaro score raised by 0.1 for each of up to
 * four leading characters in common, when the Jaro score is above 0.7 (Winkler's boost threshold).
 * 1 for equal strings, 0 when either is empty and the other is not.
 */
export function jaroWinkler(a: string, b: string): number {
  const codes = new Uint16Array(a.length + b.length)
  for (let k = 0; k < a.length; k++) codes[k] = a.charCodeAt(k)
  for (let k = 0; k < b.length; k++) codes[a.length + k] = b.charCodeAt(k)
  return jaroWinklerOfCodes(
    codes,
    0,
    a.length,
    codes,
    a.length,
    b.length,
    new Uint8Array(a.length + b.length),
  )
}

/**
 * The same over character codes already in typed arrays (a string table), so that comparing
 * millions of pairs allocates nothing. `scratch` must hold at least lengthA + lengthB flags.
 */
export function jaroWinklerOfCodes(
  codesA: Uint16Array,
  startA: number,
  lengthA: number,
  codesB: Uint16Array,
  startB: number,
  lengthB: number,
  scratch: Uint8Array,
): number {
  if (lengthA === 0 && lengthB === 0) return 1
  if (lengthA === 0 || lengthB === 0) return 0
  const window = Math.max(0, (Math.max(lengthA, lengthB) >> 1) - 1)
  scratch.fill(0, 0, lengthA + lengthB)
  let matches = 0
  for (let i = 0; i < lengthA; i++) {
    const from = Math.max(0, i - window)
    const to = Math.min(lengthB - 1, i + window)
    const code = codesA[startA + i]
    for (let j = from; j <= to; j++) {
      if (scratch[lengthA + j] === 0 && codesB[startB + j] === code) {
        scratch[i] = 1
        scratch[lengthA + j] = 1
        matches++
        break
      }
    }
  }
  if (matches === 0) return 0
  let transposed = 0
  let j = 0
  for (let i = 0; i < lengthA; i++) {
    if (scratch[i] === 0) continue
    while (scratch[lengthA + j] === 0) j++
    if (codesA[startA + i] !== codesB[startB + j]) transposed++
    j++
  }
  const jaro = (matches / lengthA + matches / lengthB + (matches - transposed / 2) / matches) / 3
  if (jaro <= 0.7) return jaro
  let prefix = 0
  const most = Math.min(4, lengthA, lengthB)
  while (prefix < most && codesA[startA + prefix] === codesB[startB + prefix]) prefix++
  return jaro + prefix * 0.1 * (1 - jaro)
}
