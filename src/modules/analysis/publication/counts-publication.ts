import { invalid } from '../../../errors.ts'
import type { CountsResult } from '../counts/counts-method.ts'
import { exposedCells, type TableCell } from './suppression-audit.ts'
import {
  DEFAULT_THRESHOLD,
  publishedText,
  suppressOneWay,
  thresholdProblem,
  type CellStatus,
} from './small-number-suppression.ts'

/**
 * A counts result as a table fit to publish beyond signed-in staff (SECURITY-CHECKLIST C7): one
 * row per place with its count and harm (and, by LSOA, its population and rates), then the total,
 * after small-number suppression; the notes say what was suppressed and the threshold used.
 */

/**
 * The finest H3 cells a published table may use: resolution 8 cells average 0.74 km² (H3's table
 * of cell areas), a neighbourhood; at 9 (0.105 km²) a cell can be a few houses.
 */
export const FINEST_PUBLISHABLE_H3_RESOLUTION = 8

/** The methods whose result has a publishable table. */
export const PUBLISHABLE_METHODS: ReadonlySet<string> = new Set(['counts'])

export type PublicationCell = string | number | null

export interface CountsPublication {
  readonly threshold: number
  /** Lines for the top of the file, each starting '# ' so that CSV readers can skip them as comments. */
  readonly notes: readonly string[]
  readonly header: readonly string[]
  readonly rows: readonly (readonly PublicationCell[])[]
  readonly suppressed: { readonly fewerThan: number; readonly hidden: number; readonly places: number }
}

/** Why this result cannot be published as it is (and what to do), or undefined when it can. */
export function publicationProblem(result: CountsResult): string | undefined {
  if (result.unit === 'h3' && (result.h3Resolution ?? Infinity) > FINEST_PUBLISHABLE_H3_RESOLUTION) {
    return (
      `Counts by H3 cell at resolution ${result.h3Resolution} are too fine to publish: ` +
      `run the counts again with an H3 resolution of ${FINEST_PUBLISHABLE_H3_RESOLUTION} or less, or by LSOA`
    )
  }
  return undefined
}

interface Place {
  readonly place: string
  readonly count: number
  readonly harm: number
  readonly population?: number | null
  readonly countPer1000?: number | null
  readonly harmPer1000?: number | null
}

/** The smallest and largest harm weight a reader could assume for an incident. */
function weightRange(result: CountsResult): { least: number; most: number } {
  const weights = Object.values(result.weights)
  // Categories without a weight kept the points' own weight, 1 unless the file gave one.
  if (result.unweightedCategories.length || weights.length === 0) weights.push(1)
  return { least: Math.min(...weights), most: Math.max(...weights) }
}

/**
 * Whether the harm total must be hidden too: a reader who knows the weights knows each hidden
 * place's harm lies between its count's bounds times the smallest and largest weight; if the
 * published harms and total leave a hidden place's harm one possible value, it would give back
 * which kinds of crime a small count was.
 */
function harmTotalGivesBack(
  places: readonly Place[],
  status: readonly CellStatus[],
  result: CountsResult,
  threshold: number,
) {
  const { least, most } = weightRange(result)
  const total = places.reduce((sum, place) => sum + place.harm, 0)
  const cells: TableCell[] = [
    ...places.map((place) => ({ row: 0, column: 0, sign: 1 as const, value: place.harm })),
    { row: 0, column: 0, sign: -1, value: total },
  ]
  const hidden = [...status.map((s) => s === 'fewer-than' || s === 'hidden'), false]
  const bounds = (i: number) =>
    status[i] === 'fewer-than'
      ? { lower: least, upper: most * (threshold - 1) }
      : { lower: least * threshold, upper: Infinity }
  return exposedCells(cells, hidden, bounds).length > 0
}

/** The counts result as a publishable table, suppressed with the threshold (default 5). */
export function countsPublication(
  result: CountsResult,
  options: { threshold?: number; source?: string } = {},
): CountsPublication {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD
  const problem = thresholdProblem(threshold)
  if (problem) throw invalid({ threshold: problem })
  const unpublishable = publicationProblem(result)
  if (unpublishable) throw invalid({ h3Resolution: unpublishable })

  const byLsoa = result.unit === 'lsoa'
  const places: Place[] = (
    byLsoa
      ? result.areas.map((area) => ({ ...area, place: area.area }))
      : result.cells.map((cell) => ({ ...cell, place: cell.cell }))
  )
    // By place code, not by size: in a list ordered by count, a hidden row's neighbours would bound it.
    .sort((a, b) => (a.place < b.place ? -1 : a.place > b.place ? 1 : 0))

  const suppression = suppressOneWay(
    places.map((place) => place.count),
    { threshold },
  )
  const status = suppression.cells
  const totalCount = places.reduce((sum, place) => sum + place.count, 0)
  const totalHarm = places.reduce((sum, place) => sum + place.harm, 0)
  const hideHarmTotal = suppression.withheld || harmTotalGivesBack(places, status, result, threshold)
  const shown = (s: CellStatus, value: number | null | undefined): PublicationCell =>
    value === null || value === undefined
      ? null
      : s === 'published'
        ? value
        : s === 'fewer-than'
          ? 'hidden'
          : s
  const rows = places.map((place, i) => {
    const s = status[i]!
    const row: PublicationCell[] = [
      place.place,
      publishedText(s, place.count, threshold),
      shown(s, place.harm),
    ]
    if (byLsoa) row.push(place.population ?? null, shown(s, place.countPer1000), shown(s, place.harmPer1000))
    return row
  })
  const totalRow: PublicationCell[] = [
    'total',
    publishedText(suppression.total, totalCount, threshold),
    hideHarmTotal ? 'hidden' : totalHarm,
  ]
  if (byLsoa) totalRow.push(null, null, null)

  const fewerThan = status.filter((s) => s === 'fewer-than').length
  const hidden = status.filter((s) => s === 'hidden').length
  const unit =
    result.unit === 'lsoa'
      ? 'area (LSOA or the area level the run grouped by)'
      : `H3 cell at resolution ${result.h3Resolution}`
  const notes = [
    `Counts and harm by ${unit}${options.source ? `; ${options.source}` : ''}.`,
    `Small-number suppression with threshold ${threshold}: a count from 1 to ${threshold - 1} is shown as 'fewer than ${threshold}'; 0 is shown as 0.`,
    "Other cells are shown as 'hidden' where the total would otherwise give a small count back; the harm and rates of every suppressed place are hidden too.",
    suppression.withheld
      ? 'The table could not be protected by hiding cells: every figure is withheld.'
      : `Suppressed: ${fewerThan} of ${places.length} places fewer than ${threshold}; ${hidden} more hidden${hideHarmTotal ? '; the harm total hidden' : ''}.`,
    'Rows are in order of the place code; not by size.',
    `Harm weights each incident by its crime type: ${result.weightsSource.split(';')[0]}.`,
    'Incidents without a place are in no row and not in the total.',
    // No commas or double quotes: a quoted field would hide the '#' from readers that skip comments.
  ].map((note) => `# ${note.replaceAll(',', ';').replaceAll('"', "'")}`)

  return {
    threshold,
    notes,
    header: byLsoa
      ? ['area', 'count', 'harm', 'population', 'countPer1000', 'harmPer1000']
      : ['cell', 'count', 'harm'],
    rows: suppression.withheld
      ? [...rows, totalRow].map((row) =>
          row.map((value, i) => (i === 0 ? value : value === null ? null : 'withheld')),
        )
      : [...rows, totalRow],
    suppressed: { fewerThan, hidden, places: places.length },
  }
}
