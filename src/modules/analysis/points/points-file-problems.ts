/** What is wrong with a points file, by place, kept to the first few with a total. */

export const MAX_LISTED_PROBLEMS = 20

export interface PointsFileProblem {
  /** The CSV line (the header is line 1), or null for the file as a whole. */
  line?: number
  /** The GeoJSON feature, counting from 1. */
  feature?: number
  column?: string
  reason: string
}

export class ProblemList {
  readonly listed: PointsFileProblem[] = []
  count = 0

  add(problem: PointsFileProblem): void {
    this.count++
    if (this.listed.length < MAX_LISTED_PROBLEMS) this.listed.push(problem)
  }
}

export function describeProblem(problem: PointsFileProblem): string {
  const place = [
    problem.line !== undefined ? `line ${problem.line}` : '',
    problem.feature !== undefined ? `feature ${problem.feature}` : '',
    problem.column !== undefined
      ? `${problem.line !== undefined ? 'column' : 'field'} ${problem.column}`
      : '',
  ].filter(Boolean)
  return place.length ? `${place.join(', ')}: ${problem.reason}` : problem.reason
}
