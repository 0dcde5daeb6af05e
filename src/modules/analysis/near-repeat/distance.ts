/**
 * Distances between incidents in metres, from longitude and latitude in degrees.
 *
 * Both measures use the IUGG mean Earth radius R1 = 6 371 008.8 m (Moritz 2000, "Geodetic Reference
 * System 1980"). On the scale of near-repeat bands (up to a few kilometres) a sphere is within
 * about 0.5% of the WGS 84 ellipsoid, far below the precision of police.uk's snapped locations.
 */
export const EARTH_RADIUS_METRES = 6_371_008.8

export type DistanceMeasure = 'haversine' | 'manhattan'
export const DISTANCE_MEASURES: readonly DistanceMeasure[] = ['haversine', 'manhattan']

export const RADIANS_PER_DEGREE = Math.PI / 180

/** Great-circle distance by the haversine formula (Sinnott 1984), numerically safe for short distances. */
export function haversineMetres(
  longitude1: number,
  latitude1: number,
  longitude2: number,
  latitude2: number,
): number {
  return metresFromHaversine(
    haversineOfAngle(
      longitude1,
      latitude1,
      Math.cos(latitude1 * RADIANS_PER_DEGREE),
      longitude2,
      latitude2,
      Math.cos(latitude2 * RADIANS_PER_DEGREE),
    ),
  )
}

/**
 * h = sin²(Δφ/2) + cos φ₁ cos φ₂ sin²(Δλ/2), the haversine of the central angle between two
 * points, given the cosines of their latitudes (so that a search can compute each cosine once).
 */
export function haversineOfAngle(
  longitude1: number,
  latitude1: number,
  cosLatitude1: number,
  longitude2: number,
  latitude2: number,
  cosLatitude2: number,
): number {
  const sinHalfLatitude = Math.sin(((latitude2 - latitude1) * RADIANS_PER_DEGREE) / 2)
  const sinHalfLongitude = Math.sin(((longitude2 - longitude1) * RADIANS_PER_DEGREE) / 2)
  return sinHalfLatitude * sinHalfLatitude + cosLatitude1 * cosLatitude2 * sinHalfLongitude * sinHalfLongitude
}

/** The great-circle distance of h, the haversine of the central angle: 2R asin(√h). */
export const metresFromHaversine = (h: number): number =>
  2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(h)))

/**
 * Manhattan (city-block) distance |east-west| + |north-south| in metres, on a local equirectangular
 * projection centred on the pair: the east-west leg is scaled by the cosine of the pair's mean
 * latitude. For streets laid out on a north-south/east-west grid this approximates the distance
 * walked; the R package NearRepeat computes the same on coordinates the user has projected.
 */
export function manhattanMetres(
  longitude1: number,
  latitude1: number,
  longitude2: number,
  latitude2: number,
): number {
  const meanLatitude = ((latitude1 + latitude2) / 2) * RADIANS_PER_DEGREE
  return (
    EARTH_RADIUS_METRES *
    RADIANS_PER_DEGREE *
    (Math.abs(longitude2 - longitude1) * Math.cos(meanLatitude) + Math.abs(latitude2 - latitude1))
  )
}

/**
 * A bound on h (haversineOfAngle) above which two points are surely at least `metres` apart: h of
 * that distance, sin²(d/2R), raised by a relative 1e-9, far above the rounding error of h and of
 * the distance computed from it. Infinity when `metres` reaches half the Earth's circumference.
 */
export function haversineScreenLimit(metres: number): number {
  const halfAngle = metres / (2 * EARTH_RADIUS_METRES)
  if (!(halfAngle < Math.PI / 2)) return Infinity
  return Math.sin(halfAngle) ** 2 * (1 + 1e-9)
}

export const DISTANCE_FUNCTIONS: Readonly<
  Record<
    DistanceMeasure,
    (longitude1: number, latitude1: number, longitude2: number, latitude2: number) => number
  >
> = { haversine: haversineMetres, manhattan: manhattanMetres }

/**
 * The largest latitude and longitude differences (degrees) that two points can have while being
 * closer than `metres` by either measure, when neither lies further from the equator than
 * `largestAbsoluteLatitude`. Used to size the search grid so that no close pair is missed.
 *
 * Latitude: both measures are at least R·|Δφ|. Longitude: haversine gives
 * sin(Δλ/2) ≤ sin(d/2R) / cos φmax, manhattan gives Δλ ≤ d / (R cos φmax).
 */
export function searchWindowDegrees(
  metres: number,
  largestAbsoluteLatitude: number,
): { latitude: number; longitude: number } {
  const latitude = metres / EARTH_RADIUS_METRES / RADIANS_PER_DEGREE
  const cosine = Math.cos(Math.min(90, largestAbsoluteLatitude) * RADIANS_PER_DEGREE)
  const haversineRatio = Math.sin(metres / (2 * EARTH_RADIUS_METRES)) / cosine
  const manhattanRadians = metres / (EARTH_RADIUS_METRES * cosine)
  if (!(haversineRatio < 1) || !(manhattanRadians < Math.PI)) return { latitude, longitude: 360 }
  const longitudeRadians = Math.max(2 * Math.asin(haversineRatio), manhattanRadians)
  return { latitude, longitude: longitudeRadians / RADIANS_PER_DEGREE }
}
