/**
 * A pair's match weight: the prior log-odds plus each comparison's log2 Bayes factor
 * log2(m / u) at the level the pair reached, plus the term-frequency adjustment of exact name
 * matches; its match probability is 2^w / (1 + 2^w) (Fellegi & Sunter 1969, in Splink's terms).
 */
import { COMPARISONS, FIRST_NAME, LAST_NAME, PATTERN_COUNT, levelOf } from './comparisons.ts'
import { patternBayesFactors, type LinkageModel } from './em.ts'
import type { EncodedPeople } from './encode.ts'
import { atSameAddress } from './household.ts'
import { termFrequencyAdjustment } from './term-frequency.ts'

export interface FieldExplanation {
  readonly comparison: string
  /** What the pair's values share, e.g. "nickname match"; "missing" when either record lacks it. */
  readonly level: string
  /** log2 Bayes factor of this comparison for this pair (term frequency included); 0 when missing. */
  readonly weight: number
}

export interface PairExplanation {
  readonly weight: number
  readonly probability: number
  readonly fields: readonly FieldExplanation[]
}

export function probabilityOfWeight(weight: number): number {
  const odds = 2 ** weight
  return Number.isFinite(odds) ? odds / (1 + odds) : 1
}

export function weightOfProbability(probability: number): number {
  return Math.log2(probability / (1 - probability))
}

/** The weights of a model, ready to score millions of pairs. */
export class PairScorer {
  /** log2 Bayes factor of each pattern, before term frequency. */
  readonly patternWeight: Float64Array
  readonly priorWeight: number
  private readonly firstExactU: number
  private readonly lastExactU: number

  constructor(
    readonly model: LinkageModel,
    private readonly people: EncodedPeople,
  ) {
    const factors = patternBayesFactors(model.m, model.u, model.uAtAddress)
    this.patternWeight = new Float64Array(PATTERN_COUNT)
    for (let pattern = 0; pattern < PATTERN_COUNT; pattern++)
      this.patternWeight[pattern] = Math.log2(factors[pattern] ?? 1)
    this.priorWeight = weightOfProbability(model.prior)
    this.firstExactU = model.u[FIRST_NAME]?.[0] ?? 0
    this.lastExactU = model.u[LAST_NAME]?.[0] ?? 0
  }

  /** Term-frequency adjustments of the first and last name of records i and j at their levels. */
  termFrequency(pattern: number, i: number): [number, number] {
    // At one address the names are weighed against the household's u, which a name's frequency
    // in the whole file says nothing about.
    if (this.model.uAtAddress && atSameAddress(pattern)) return [0, 0]
    const p = this.people
    const first = levelOf(pattern, FIRST_NAME) === 0 ? p.firstNameFrequency[p.firstName[i] ?? 0] : undefined
    const last = levelOf(pattern, LAST_NAME) === 0 ? p.lastNameFrequency[p.lastName[i] ?? 0] : undefined
    return [
      first === undefined ? 0 : termFrequencyAdjustment(first, this.firstExactU),
      last === undefined ? 0 : termFrequencyAdjustment(last, this.lastExactU),
    ]
  }

  /** Match weight of records i and j, whose pattern is given. */
  weight(pattern: number, i: number): number {
    const [first, last] = this.termFrequency(pattern, i)
    return this.priorWeight + (this.patternWeight[pattern] ?? 0) + first + last
  }

  explain(pattern: number, i: number): PairExplanation {
    const adjustments = this.termFrequency(pattern, i)
    const fields = COMPARISONS.map((comparison, field): FieldExplanation => {
      const level = levelOf(pattern, field)
      if (level < 0) return { comparison: comparison.name, level: 'missing', weight: 0 }
      const m = this.model.m[field]?.[level] ?? 1
      const uOf = this.model.uAtAddress && atSameAddress(pattern) ? this.model.uAtAddress : this.model.u
      const u = uOf[field]?.[level] ?? 1
      const adjustment = field === FIRST_NAME || field === LAST_NAME ? (adjustments[field] ?? 0) : 0
      return {
        comparison: comparison.name,
        level: comparison.levels[level] ?? '',
        weight: Math.log2(m / u) + adjustment,
      }
    })
    const weight = this.weight(pattern, i)
    return { weight, probability: probabilityOfWeight(weight), fields }
  }
}
