import { invalid } from '../../../errors.ts'
import type { PointSet } from '../method.ts'
import table from './harm-weights.json' with { type: 'json' }

/**
 * Default harm weight per police.uk category, from the ONS Crime Severity Score (one representative
 * offence per category). The table, its source, edition and the reason for each choice live in
 * harm-weights.json and docs/analysis/counts-and-harm.md.
 */

export interface HarmWeightEntry {
  readonly weight: number
  readonly offence: string
  readonly rationale: string
  readonly check: string
}

export const HARM_WEIGHT_TABLE: {
  readonly name: string
  readonly basis: string
  readonly edition: string
  readonly unit: string
  readonly source: Readonly<Record<string, string>>
  readonly weights: Readonly<Record<string, HarmWeightEntry>>
} = table

/** The police.uk category slugs the table covers (the 13 crime types and anti-social behaviour). */
export const HARM_CATEGORIES: readonly string[] = Object.keys(table.weights)

export const DEFAULT_HARM_WEIGHTS: Readonly<Record<string, number>> = Object.fromEntries(
  HARM_CATEGORIES.map((category) => [category, HARM_WEIGHT_TABLE.weights[category]!.weight]),
)

/**
 * The default weights with the caller's overrides applied. Every override must name a known
 * category and be a finite number ≥ 0; otherwise a DomainError names each bad entry.
 */
export function harmWeights(overrides: Readonly<Record<string, unknown>> = {}): Record<string, number> {
  const problems: Record<string, string> = {}
  const weights: Record<string, number> = { ...DEFAULT_HARM_WEIGHTS }
  for (const [category, value] of Object.entries(overrides)) {
    const field = `harmWeights.${category}`
    if (!Object.hasOwn(DEFAULT_HARM_WEIGHTS, category)) {
      problems[field] =
        `'${category}' is not a police.uk category with a harm weight (expected one of ${HARM_CATEGORIES.join(', ')})`
    } else if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      problems[field] =
        `The harm weight for ${category} must be a number of 0 or more, not ${JSON.stringify(value)}`
    } else {
      weights[category] = value
    }
  }
  if (Object.keys(problems).length > 0) throw invalid(problems)
  return weights
}

/**
 * Reads overrides written as `category=weight` pairs separated by commas (the CLI and form shape),
 * e.g. `burglary=117,anti-social-behaviour=0`, and applies them with `harmWeights`.
 */
export function parseHarmWeights(text: string): Record<string, number> {
  const overrides: Record<string, unknown> = {}
  const problems: Record<string, string> = {}
  for (const pair of text.split(',').map((part) => part.trim())) {
    if (pair === '') continue
    const equals = pair.indexOf('=')
    if (equals <= 0) {
      problems.harmWeights = `'${pair}' is not in the form category=weight (e.g. burglary=117)`
      continue
    }
    const valueText = pair.slice(equals + 1).trim()
    overrides[pair.slice(0, equals).trim()] = valueText === '' ? valueText : Number(valueText)
  }
  if (Object.keys(problems).length > 0) throw invalid(problems)
  return harmWeights(overrides)
}

/**
 * Harm per point: the table's weight for the point's category, or, for a category the table does
 * not know (another source's labels, '' when there is none), the weight the point carries already.
 */
export function pointHarm(points: PointSet, weights: Readonly<Record<string, number>>): Float64Array {
  const harm = new Float64Array(points.size)
  for (let i = 0; i < points.size; i++) {
    const category = points.category[i]!
    harm[i] = Object.hasOwn(weights, category) ? weights[category]! : points.weight[i]!
  }
  return harm
}

/** The categories among the points that have no weight in the table (so kept their own weight). */
export function unweightedCategories(points: PointSet, weights: Readonly<Record<string, number>>): string[] {
  const seen = new Set<string>()
  for (const category of points.category) if (!Object.hasOwn(weights, category)) seen.add(category)
  return [...seen].sort()
}
