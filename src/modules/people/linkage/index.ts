/** What the rest of the people module calls: the linkage engine, its evaluation and its file. */
export {
  linkRecords,
  type LinkOptions,
  type LinkResult,
  type ReviewPair,
  type ScoredPairs,
  type ModelSummary,
} from './link-records.ts'
export type { LinkageDecision } from './cluster.ts'
export type { PersonRecord } from './person-record.ts'
export type { FieldExplanation, PairExplanation } from './score.ts'
export { COMPARISONS } from './comparisons.ts'
export { BLOCKING_RULES } from './blocking.ts'
export { pairwiseScores, type PairwiseScores } from './evaluate.ts'
export { readLinkFile, LinkFileError, LINK_FILE_COLUMNS } from './link-file.ts'
