/** What other modules may call in the analysis module. */
export { ANALYSIS_METHODS, methodByName, type AnyAnalysisMethod } from './methods.ts'
export type { AnalysisMethod, MethodOption, PointSet } from './method.ts'
export { methodOptionsSchema, parseMethodOptions, type MethodOptions } from './options.ts'
export { readPointsFile, type PointsFileResult } from './points/read-points-file.ts'
export { loadIncidentPoints } from './points/incident-points.ts'
export {
  cancelAnalysisRun,
  runAnalysis,
  startAnalysisRun,
  type AnalysisRequest,
} from './runs/analysis-run.ts'
export { findAnalysisRun, type AnalysisRunRecord } from './runs/queries.ts'
export { registerAnalysisCommands } from './cli.ts'
export { registerAnalysisApiRoutes } from './api/routes.ts'
