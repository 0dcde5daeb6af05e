import type { AnalysisMethod } from './method.ts'
import { changeMethod } from './change/change-method.ts'
import { emergingHotspotsMethod } from './hotspots/emerging-hotspots-method.ts'
import { giStarMethod } from './hotspots/gi-star-method.ts'
import { countsMethod } from './counts/counts-method.ts'
import { repeatLocationsMethod } from './repeats/repeat-locations-method.ts'
import { kernelDensityMethod } from './density/kernel-density-method.ts'
import { exceedanceMethod } from './exceedance/exceedance-method.ts'
import { nearRepeatMethod } from './near-repeat/near-repeat-method.ts'
import { nearRepeatRiskMethod } from './near-repeat/near-repeat-risk-method.ts'

// Each method has its own option and result types; the registry only passes them through.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAnalysisMethod = AnalysisMethod<any, any>

/**
 * Every analysis method, by name: the CLI (`upstream analyse <name>`), the API and the pages list
 * them from here. Each method's file exports its definition; add it here, one line each.
 */
export const ANALYSIS_METHODS: readonly AnyAnalysisMethod[] = [
  // methods: one line each, below
  changeMethod,
  emergingHotspotsMethod,
  giStarMethod,
  countsMethod,
  repeatLocationsMethod,
  kernelDensityMethod,
  exceedanceMethod,
  nearRepeatMethod,
  nearRepeatRiskMethod,
]

export function methodByName(name: string): AnyAnalysisMethod | undefined {
  return ANALYSIS_METHODS.find((method) => method.name === name)
}
