/**
 * Space and time bands of the Knox test: break points b0 < b1 < … < bk giving the half-open bands
 * [b0, b1), [b1, b2), …, as the R package NearRepeat's defaults (`cut(..., right = FALSE)`).
 */

/** Why a list of break points cannot be used as bands, or undefined when it can. */
export function bandProblem(breaks: unknown, unit: string, maximumBreakPoints: number): string | undefined {
  if (!Array.isArray(breaks) || breaks.some((value) => typeof value !== 'number')) {
    return `must be a list of numbers of ${unit}, e.g. 0,1,100,200`
  }
  if (breaks.length < 2) return `needs at least two break points (${breaks.length} given), e.g. 0,1,100,200`
  if (breaks.length > maximumBreakPoints) {
    return `take at most ${maximumBreakPoints} break points (${breaks.length} given)`
  }
  for (let i = 0; i < breaks.length; i++) {
    const value = breaks[i] as number
    if (!Number.isFinite(value) || value < 0) {
      return `break point ${i + 1} (${value}) must be a finite number of ${unit}, zero or more`
    }
    if (i > 0 && !(value > (breaks[i - 1] as number))) {
      return `break points must be strictly increasing: ${breaks[i - 1]} is followed by ${value}`
    }
  }
  return undefined
}

/** The index of the band holding `value`, or -1 when it lies before the first or from the last break on. */
export function bandIndex(breaks: ArrayLike<number>, value: number): number {
  if (!(value >= breaks[0]!)) return -1
  for (let band = 0; band < breaks.length - 1; band++) {
    if (value < breaks[band + 1]!) return band
  }
  return -1
}
