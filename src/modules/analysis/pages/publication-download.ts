import type { CountsResult } from '../counts/counts-method.ts'
import { PUBLISHABLE_METHODS, publicationProblem } from '../publication/counts-publication.ts'
import { DEFAULT_THRESHOLD, thresholdProblem } from '../publication/small-number-suppression.ts'
import type { AnalysisRunRecord } from '../runs/queries.ts'

/** What the run page says of the table for publication: its link, or why there is none. */
export function publicationLink(
  run: AnalysisRunRecord,
): { url: string; threshold: number; problem?: string } | undefined {
  if (run.status !== 'completed' || !PUBLISHABLE_METHODS.has(run.method)) return undefined
  return {
    url: `/analysis/runs/${run.id}/publication.csv`,
    threshold: DEFAULT_THRESHOLD,
    problem: publicationProblem(run.result as CountsResult),
  }
}

/** The threshold a ?threshold= asks for: the default when absent, a problem naming the field when bad. */
export function thresholdFromQuery(query: unknown): { threshold?: number; problem?: string } {
  const given = (query as { threshold?: unknown } | null)?.threshold
  if (given === undefined || given === '') return {}
  if (typeof given !== 'string' || !/^\d{1,6}$/.test(given))
    return { problem: `The threshold must be a whole number, not '${String(given)}'` }
  const problem = thresholdProblem(Number(given))
  return problem ? { problem } : { threshold: Number(given) }
}
