import { invalid } from '../../../errors.ts'
import type { PointSet } from '../method.ts'

/**
 * Repeat locations: places where at least `minimum` incidents fall within `windowDays` days.
 * A place is one exact point (police.uk snaps every incident to an anonymised map point, so the
 * same point is the same place) or, with a radius, the points within that many metres of the
 * busiest point of the group. Points are sorted by location, then a sliding window over days
 * finds each place's busiest window: O(n log n), no per-pair work.
 */

export interface RepeatLocationOptions {
  /** 0 = the exact same coordinates; otherwise metres (great-circle) from the place's busiest point. */
  readonly radius: number
  /** Incidents count together when the first and last are less than this many days apart. */
  readonly windowDays: number
  readonly minimum: number
  readonly limit: number
}

export interface RepeatIncident {
  readonly reference: string
  readonly longitude: number
  readonly latitude: number
  readonly day: number
  /** The day as YYYY-MM-DD (UTC). */
  readonly date: string
  readonly category: string
  readonly harm: number
}

export interface RepeatPlace {
  readonly rank: number
  /** The place's point: the exact point, or the busiest point of the group when a radius is used. */
  readonly longitude: number
  readonly latitude: number
  /** Incidents in the place's busiest window of `windowDays` days, and their harm. */
  readonly count: number
  readonly harm: number
  readonly firstDate: string
  readonly lastDate: string
  /** All incidents at the place over the whole period, in or out of the window. */
  readonly incidentsAtPlace: number
  /** How many distinct points the place joins (1 when the radius is 0). */
  readonly points: number
  /** The incidents of the busiest window, oldest first. */
  readonly incidents: readonly RepeatIncident[]
}

export interface RepeatLocationResult extends RepeatLocationOptions {
  /** Places that repeat, before `limit` is applied. */
  readonly placesFound: number
  /** Points without usable coordinates, left out. */
  readonly unplaced: number
  /** Ranked by count, then harm, then the most recent last incident. */
  readonly places: readonly RepeatPlace[]
}

export const REPEAT_DEFAULTS: RepeatLocationOptions = { radius: 0, windowDays: 365, minimum: 2, limit: 100 }

export function repeatLocationProblems(options: Partial<RepeatLocationOptions>): Record<string, string> {
  const { radius, windowDays, minimum, limit } = { ...REPEAT_DEFAULTS, ...options }
  const problems: Record<string, string> = {}
  if (!Number.isFinite(radius) || radius < 0 || radius > 10_000) {
    problems.radius = `The radius must be 0 (the exact same point) or a distance up to 10,000 metres, not ${radius}`
  }
  if (!Number.isInteger(windowDays) || windowDays < 1 || windowDays > 36_600) {
    problems.windowDays = `The window must be a whole number of days from 1 to 36,600, not ${windowDays}`
  }
  if (!Number.isInteger(minimum) || minimum < 2) {
    problems.minimum = `The minimum must be a whole number of incidents, 2 or more, not ${minimum}`
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) {
    problems.limit = `The limit must be a whole number of places from 1 to 100,000, not ${limit}`
  }
  return problems
}

export function repeatLocations(
  points: PointSet,
  harm: Float64Array,
  options: Partial<RepeatLocationOptions> = {},
): RepeatLocationResult {
  const problems = repeatLocationProblems(options)
  if (Object.keys(problems).length > 0) throw invalid(problems)
  if (harm.length !== points.size) throw invalid({ harm: 'Give one harm value per point' })
  const settings: RepeatLocationOptions = { ...REPEAT_DEFAULTS, ...options }

  const located = locatedByPosition(points)
  const unplaced = points.size - located.length
  const locations = exactLocations(points, located)
  const places = settings.radius > 0 ? joinWithinRadius(points, locations, settings.radius) : locations

  const found: Omit<RepeatPlace, 'rank'>[] = []
  for (const place of places) {
    const repeat = busiestWindow(points, harm, place.members, settings.windowDays)
    if (repeat.count < settings.minimum) continue
    found.push({
      longitude: points.longitude[place.anchor]!,
      latitude: points.latitude[place.anchor]!,
      count: repeat.count,
      harm: repeat.harm,
      firstDate: isoDate(points.day[repeat.incidents[0]!]!),
      lastDate: isoDate(points.day[repeat.incidents[repeat.incidents.length - 1]!]!),
      incidentsAtPlace: place.members.length,
      points: place.locations,
      incidents: repeat.incidents.map((i) => ({
        reference: points.reference[i]!,
        longitude: points.longitude[i]!,
        latitude: points.latitude[i]!,
        day: points.day[i]!,
        date: isoDate(points.day[i]!),
        category: points.category[i]!,
        harm: harm[i]!,
      })),
    })
  }
  found.sort(
    (a, b) =>
      b.count - a.count ||
      b.harm - a.harm ||
      (b.lastDate > a.lastDate ? 1 : b.lastDate < a.lastDate ? -1 : 0) ||
      a.longitude - b.longitude ||
      a.latitude - b.latitude,
  )
  return {
    ...settings,
    placesFound: found.length,
    unplaced,
    places: found.slice(0, settings.limit).map((place, i) => ({ rank: i + 1, ...place })),
  }
}

interface Place {
  /** The point that stands for the place. */
  anchor: number
  /** Point indices of the place's incidents. */
  members: number[]
  /** Distinct points joined into the place. */
  locations: number
}

/** Indices of the points with coordinates, sorted by longitude, latitude, day, then index. */
function locatedByPosition(points: PointSet): number[] {
  const located: number[] = []
  for (let i = 0; i < points.size; i++) {
    if (Number.isFinite(points.longitude[i]!) && Number.isFinite(points.latitude[i]!)) located.push(i)
  }
  const { longitude, latitude, day } = points
  return located.sort(
    (a, b) => longitude[a]! - longitude[b]! || latitude[a]! - latitude[b]! || day[a]! - day[b]! || a - b,
  )
}

function exactLocations(points: PointSet, located: readonly number[]): Place[] {
  const places: Place[] = []
  let start = 0
  for (let k = 1; k <= located.length; k++) {
    const previous = located[k - 1]!
    const current = located[k]
    const same =
      current !== undefined &&
      points.longitude[current] === points.longitude[previous] &&
      points.latitude[current] === points.latitude[previous]
    if (same) continue
    places.push({ anchor: located[start]!, members: located.slice(start, k), locations: 1 })
    start = k
  }
  return places
}

const EARTH_RADIUS_METRES = 6_371_008.8
const RADIANS = Math.PI / 180

function haversineMetres(
  longitudeA: number,
  latitudeA: number,
  longitudeB: number,
  latitudeB: number,
): number {
  const dLatitude = (latitudeB - latitudeA) * RADIANS
  const dLongitude = (longitudeB - longitudeA) * RADIANS
  const h =
    Math.sin(dLatitude / 2) ** 2 +
    Math.cos(latitudeA * RADIANS) * Math.cos(latitudeB * RADIANS) * Math.sin(dLongitude / 2) ** 2
  return 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(h)))
}

/**
 * Leader clustering: the busiest point not yet in a place starts one and takes every free point
 * within `radius` metres of it (great-circle). Unlike joining chains of neighbours, a place never
 * grows beyond the radius around its anchor. Candidates come from a grid of radius-sized cells;
 * two cells either side absorb the stretch of the simple projection used for the grid.
 */
function joinWithinRadius(points: PointSet, locations: readonly Place[], radius: number): Place[] {
  const cellOf = (place: Place): [number, number] => {
    const longitude = points.longitude[place.anchor]!
    const latitude = points.latitude[place.anchor]!
    const x = EARTH_RADIUS_METRES * longitude * RADIANS * Math.cos(latitude * RADIANS)
    const y = EARTH_RADIUS_METRES * latitude * RADIANS
    return [Math.floor(x / radius), Math.floor(y / radius)]
  }
  const grid = new Map<string, number[]>()
  const cells = locations.map(cellOf)
  cells.forEach(([column, row], index) => {
    const key = `${column},${row}`
    const bucket = grid.get(key)
    if (bucket) bucket.push(index)
    else grid.set(key, [index])
  })

  const order = locations.map((_, index) => index)
  order.sort((a, b) => locations[b]!.members.length - locations[a]!.members.length || a - b)
  const taken = new Uint8Array(locations.length)
  const places: Place[] = []
  for (const leader of order) {
    if (taken[leader]) continue
    taken[leader] = 1
    const anchor = locations[leader]!.anchor
    const members = [...locations[leader]!.members]
    let joined = 1
    const [column, row] = cells[leader]!
    for (let dx = -2; dx <= 2; dx++) {
      for (let dy = -2; dy <= 2; dy++) {
        for (const candidate of grid.get(`${column + dx},${row + dy}`) ?? []) {
          if (taken[candidate]) continue
          const other = locations[candidate]!.anchor
          const distance = haversineMetres(
            points.longitude[anchor]!,
            points.latitude[anchor]!,
            points.longitude[other]!,
            points.latitude[other]!,
          )
          if (distance > radius) continue
          taken[candidate] = 1
          joined++
          for (const member of locations[candidate]!.members) members.push(member)
        }
      }
    }
    places.push({ anchor, members, locations: joined })
  }
  return places
}

/**
 * The window of fewer than `windowDays` days holding most of the place's incidents (ties: more
 * harm, then the latest), found with two pointers over the incidents sorted by day.
 */
function busiestWindow(
  points: PointSet,
  harm: Float64Array,
  members: readonly number[],
  windowDays: number,
): { count: number; harm: number; incidents: number[] } {
  const byDay = [...members].sort(
    (a, b) =>
      points.day[a]! - points.day[b]! || (points.reference[a]! < points.reference[b]! ? -1 : 1) || a - b,
  )
  const prefix = new Float64Array(byDay.length + 1)
  for (let k = 0; k < byDay.length; k++) prefix[k + 1] = prefix[k]! + harm[byDay[k]!]!
  let best = { start: 0, end: 0, count: 0, harm: -Infinity }
  let start = 0
  for (let end = 0; end < byDay.length; end++) {
    while (points.day[byDay[end]!]! - points.day[byDay[start]!]! >= windowDays) start++
    const count = end - start + 1
    const windowHarm = prefix[end + 1]! - prefix[start]!
    // Later windows win ties on count and harm, so the most recent busiest window is kept.
    if (count > best.count || (count === best.count && windowHarm >= best.harm)) {
      best = { start, end, count, harm: windowHarm }
    }
  }
  return { count: best.count, harm: best.harm, incidents: byDay.slice(best.start, best.end + 1) }
}

function isoDate(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10)
}
