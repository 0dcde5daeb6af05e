/**
 * Longitude/latitude ↔ metres for kernel density: a local equirectangular projection about the points' mean
 * latitude and longitude, scaled by the WGS 84 ellipsoid's radii of curvature at that latitude.
 *
 *   x = N(φ0) · cos φ0 · (λ − λ0)        y = M(φ0) · (φ − φ0)        (λ, φ in radians)
 *   M = a (1 − e²) / (1 − e² sin² φ0)^(3/2)   (meridional radius)     N = a / √(1 − e² sin² φ0)   (prime vertical)
 *
 * Exact at the origin; an east–west distance d metres north or south of the mean latitude is off by about
 * tan φ0 · d / 6 371 km (at London, 51.5° N: 0.02% at 1 km, 0.1% at 5 km, 0.2% at 10 km). This avoids proj4 and
 * British National Grid, and works for any force area. Not for areas crossing the antimeridian or the poles.
 */

const SEMI_MAJOR_AXIS = 6_378_137
const FLATTENING = 1 / 298.257223563
const ECCENTRICITY_SQUARED = FLATTENING * (2 - FLATTENING)
const RADIANS = Math.PI / 180

export interface LocalProjection {
  readonly originLongitude: number
  readonly originLatitude: number
  readonly metresPerDegreeEast: number
  readonly metresPerDegreeNorth: number
}

export function localProjectionAt(originLongitude: number, originLatitude: number): LocalProjection {
  const sine = Math.sin(originLatitude * RADIANS)
  const w = 1 - ECCENTRICITY_SQUARED * sine * sine
  const meridional = (SEMI_MAJOR_AXIS * (1 - ECCENTRICITY_SQUARED)) / (w * Math.sqrt(w))
  const primeVertical = SEMI_MAJOR_AXIS / Math.sqrt(w)
  return {
    originLongitude,
    originLatitude,
    metresPerDegreeEast: primeVertical * Math.cos(originLatitude * RADIANS) * RADIANS,
    metresPerDegreeNorth: meridional * RADIANS,
  }
}

/** The projection about the mean longitude and latitude of the points (there must be at least one). */
export function localProjectionFor(longitude: Float64Array, latitude: Float64Array): LocalProjection {
  let sumLongitude = 0
  let sumLatitude = 0
  for (let i = 0; i < longitude.length; i++) {
    sumLongitude += longitude[i]!
    sumLatitude += latitude[i]!
  }
  return localProjectionAt(sumLongitude / longitude.length, sumLatitude / latitude.length)
}

export function projectPoints(
  projection: LocalProjection,
  longitude: Float64Array,
  latitude: Float64Array,
): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(longitude.length)
  const y = new Float64Array(latitude.length)
  for (let i = 0; i < longitude.length; i++) {
    x[i] = (longitude[i]! - projection.originLongitude) * projection.metresPerDegreeEast
    y[i] = (latitude[i]! - projection.originLatitude) * projection.metresPerDegreeNorth
  }
  return { x, y }
}

export function projectPoint(
  projection: LocalProjection,
  longitude: number,
  latitude: number,
): [number, number] {
  return [
    (longitude - projection.originLongitude) * projection.metresPerDegreeEast,
    (latitude - projection.originLatitude) * projection.metresPerDegreeNorth,
  ]
}

/** Metres back to [longitude, latitude] in degrees. */
export function unprojectPoint(projection: LocalProjection, x: number, y: number): [number, number] {
  return [
    projection.originLongitude + x / projection.metresPerDegreeEast,
    projection.originLatitude + y / projection.metresPerDegreeNorth,
  ]
}
