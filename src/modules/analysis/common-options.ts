/**
 * Option declarations and checks that the H3 hotspot methods (gi-star, emerging-hotspots) share, so
 * that the same option has the same limits and wording in both; where they differ (the description
 * of a cell size, a default) the caller gives it.
 */
import type { MethodOption } from './method.ts'

/** Inclusive [minimum, maximum] of a whole-number option. */
export type WholeNumberLimits = readonly [minimum: number, maximum: number]

export function h3ResolutionOption(
  limits: WholeNumberLimits,
  defaultResolution: number,
  description: string,
): MethodOption {
  return integerOption('h3Resolution', 'h3-resolution', description, limits, defaultResolution)
}

export function ringsOption(limits: WholeNumberLimits, defaultRings: number): MethodOption {
  const description = 'Neighbours of a cell: every cell within this many rings around it, the cell included.'
  return integerOption('rings', 'rings', description, limits, defaultRings)
}

export function weightedOption(defaultWeighted: boolean, description: string): MethodOption {
  return { key: 'weighted', flag: 'weighted', description, type: 'boolean', default: defaultWeighted }
}

function integerOption(
  key: string,
  flag: string,
  description: string,
  [minimum, maximum]: WholeNumberLimits,
  defaultValue: number,
): MethodOption {
  return { key, flag, description, type: 'integer', minimum, maximum, default: defaultValue }
}

/**
 * key → message for every given option that is not a whole number within its limits, or for
 * `weighted` when it is not a boolean; for callers that run a method without parsing its options.
 */
export function wholeNumberAndWeightedProblems<Options extends { readonly weighted?: unknown }>(
  options: Partial<Options>,
  limits: Partial<Record<keyof Options & string, WholeNumberLimits>>,
): Record<string, string> {
  const problems: Record<string, string> = {}
  for (const [key, [minimum, maximum]] of Object.entries(limits) as [
    keyof Options & string,
    WholeNumberLimits,
  ][]) {
    const value = options[key]
    if (value === undefined) continue
    if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum || value > maximum) {
      problems[key] = `${key} must be a whole number from ${minimum} to ${maximum}, not ${String(value)}`
    }
  }
  if (options.weighted !== undefined && typeof options.weighted !== 'boolean') {
    problems.weighted = `weighted must be true or false, not ${String(options.weighted)}`
  }
  return problems
}
