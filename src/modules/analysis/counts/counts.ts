import { gridDisk, latLngToCell } from 'h3-js'
import { invalid } from '../../../errors.ts'
import type { PointSet } from '../method.ts'

/** Counts and harm per place (an H3 cell, an LSOA, any area key): typed arrays in, totals out. */

export interface PlaceTotals {
  /** Place keys in ascending order, so the result does not depend on the order of the points. */
  readonly places: readonly string[]
  readonly count: Float64Array
  readonly harm: Float64Array
  /** Points without a place (no coordinates, or no area key); counted here, not in any place. */
  readonly unplaced: number
}

/** Sums one count and the point's harm into the place it falls in; a null or '' place is unplaced. */
export function totalsByPlace(placeOf: readonly (string | null)[], harm: Float64Array): PlaceTotals {
  if (placeOf.length !== harm.length) {
    throw invalid({
      areaOf: `There are ${placeOf.length} place keys for ${harm.length} points; give one per point`,
    })
  }
  const slot = new Map<string, number>()
  const counts: number[] = []
  const harms: number[] = []
  let unplaced = 0
  for (let i = 0; i < placeOf.length; i++) {
    const place = placeOf[i]
    if (place === null || place === undefined || place === '') {
      unplaced++
      continue
    }
    let index = slot.get(place)
    if (index === undefined) {
      index = counts.length
      slot.set(place, index)
      counts.push(0)
      harms.push(0)
    }
    counts[index]! += 1
    harms[index]! += harm[i]!
  }
  const places = [...slot.keys()].sort()
  const count = new Float64Array(places.length)
  const harmTotals = new Float64Array(places.length)
  places.forEach((place, order) => {
    const index = slot.get(place)!
    count[order] = counts[index]!
    harmTotals[order] = harms[index]!
  })
  return { places, count, harm: harmTotals, unplaced }
}

/** The H3 cell of each point at the resolution, or null for a point without usable coordinates. */
export function cellsOfPoints(points: PointSet, resolution: number): (string | null)[] {
  const cells = new Array<string | null>(points.size)
  for (let i = 0; i < points.size; i++) {
    const latitude = points.latitude[i]!
    const longitude = points.longitude[i]!
    const usable =
      Number.isFinite(latitude) &&
      Number.isFinite(longitude) &&
      Math.abs(latitude) <= 90 &&
      Math.abs(longitude) <= 180
    cells[i] = usable ? latLngToCell(latitude, longitude, resolution) : null
  }
  return cells
}

export function countsByCell(points: PointSet, harm: Float64Array, resolution: number): PlaceTotals {
  return totalsByPlace(cellsOfPoints(points, resolution), harm)
}

/**
 * The study area for "all places" on H3 cells: every cell holding a point plus every cell within
 * `rings` rings of one, with zero counts for the empty ones (the same study area as gi-star's).
 */
export function withSurroundingCells(totals: PlaceTotals, rings: number): PlaceTotals {
  if (rings === 0) return totals
  const all = new Set<string>()
  for (const cell of totals.places) for (const neighbour of gridDisk(cell, rings)) all.add(neighbour)
  const places = [...all].sort()
  const count = new Float64Array(places.length)
  const harm = new Float64Array(places.length)
  let cursor = 0
  for (let order = 0; order < places.length && cursor < totals.places.length; order++) {
    if (places[order] === totals.places[cursor]) {
      count[order] = totals.count[cursor]!
      harm[order] = totals.harm[cursor]!
      cursor++
    }
  }
  return { places, count, harm, unplaced: totals.unplaced }
}

export interface AreaTotal {
  readonly area: string
  readonly count: number
  readonly harm: number
  /** Residents from the caller's population map, or null when none was given for the area. */
  readonly population: number | null
  /** Incidents per 1,000 residents; null without a population above 0. */
  readonly countPer1000: number | null
  readonly harmPer1000: number | null
}

/**
 * Counts and harm per area key (an LSOA code, an area id: `areaOf` gives one per point), with
 * rates per 1,000 residents where `population` maps the area to its residents.
 */
export function countsByArea(
  areaOf: readonly (string | null)[],
  harm: Float64Array,
  population?: Readonly<Record<string, number>>,
): { areas: AreaTotal[]; unplaced: number } {
  if (population) checkPopulation(population)
  const totals = totalsByPlace(areaOf, harm)
  const areas = totals.places.map((area, i): AreaTotal => {
    const residents = population && Object.hasOwn(population, area) ? population[area]! : null
    const perThousand = (value: number) =>
      residents !== null && residents > 0 ? (value / residents) * 1000 : null
    return {
      area,
      count: totals.count[i]!,
      harm: totals.harm[i]!,
      population: residents,
      countPer1000: perThousand(totals.count[i]!),
      harmPer1000: perThousand(totals.harm[i]!),
    }
  })
  return { areas, unplaced: totals.unplaced }
}

function checkPopulation(population: Readonly<Record<string, number>>): void {
  const problems: Record<string, string> = {}
  for (const [area, residents] of Object.entries(population)) {
    if (typeof residents !== 'number' || !Number.isFinite(residents) || residents < 0) {
      problems[`population.${area}`] =
        `The population of ${area} must be a number of 0 or more, not ${JSON.stringify(residents)}`
    }
  }
  if (Object.keys(problems).length > 0) throw invalid(problems)
}
