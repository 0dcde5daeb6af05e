import type { AnalysisMethod } from './method.ts'

// Each method has its own option and result types; the registry only passes them through.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAnalysisMethod = AnalysisMethod<any, any>

/**
 * Every analysis method, by name: the CLI (`upstream analyse <name>`), the API and the pages list
 * them from here. Each method's file exports its definition; add it here, one line each.
 */
export const ANALYSIS_METHODS: readonly AnyAnalysisMethod[] = [
  // methods: one line each, below
]

export function methodByName(name: string): AnyAnalysisMethod | undefined {
  return ANALYSIS_METHODS.find((method) => method.name === name)
}
