import { UK_BOUNDS } from '../formats/uk-fields.ts'
import { boundingBox, interiorPoint, type BoundingBox, type Position } from './point-in-polygon.ts'
import type { AreaGeometry } from './tables.ts'

/** Reading and checking a GeoJSON boundary file (RFC 7946 FeatureCollection). No I/O, no database. */

export interface BoundaryProperties {
  codeProperty: string
  nameProperty: string
  parentCodeProperty?: string
}

export interface BoundaryFeature {
  /** The feature's index in the file's `features` array, from 0. */
  index: number
  code: string
  name: string
  parentCode: string | null
  geometry: AreaGeometry
  bbox: BoundingBox
  interiorPoint: Position
}

/** One thing wrong with the file, named by feature and property so it can be found and fixed. */
export interface BoundaryProblem {
  feature: number | null
  property: string | null
  message: string
}

export type BoundaryFileResult =
  { ok: true; features: BoundaryFeature[] } | { ok: false; problems: BoundaryProblem[] }

const MAX_PROBLEMS = 50
const ACCEPTED_CRS = /^(urn:ogc:def:crs:OGC:1\.3:CRS84|urn:ogc:def:crs:EPSG::4326|EPSG:4326)$/i

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function describeProblem(problem: BoundaryProblem): string {
  const where = [
    problem.feature === null ? null : `feature ${problem.feature}`,
    problem.property === null ? null : `property '${problem.property}'`,
  ].filter(Boolean)
  return where.length ? `${where.join(', ')}: ${problem.message}` : problem.message
}

/** Why a ring is not a closed ring of UK longitude/latitude positions, or null when it is one. */
function ringProblem(ring: unknown): string | null {
  if (!Array.isArray(ring)) return 'a ring is not an array of positions'
  if (ring.length < 4) return `a ring has ${ring.length} position(s); a closed ring needs at least 4`
  for (const [i, position] of ring.entries()) {
    if (!Array.isArray(position) || position.length < 2 || position.length > 3)
      return `position ${i} of a ring is not [longitude, latitude]`
    const [longitude, latitude] = position as unknown[]
    if (
      typeof longitude !== 'number' ||
      typeof latitude !== 'number' ||
      !Number.isFinite(longitude) ||
      !Number.isFinite(latitude)
    )
      return `position ${i} of a ring has a coordinate that is not a number`
    if (
      longitude < UK_BOUNDS.minLongitude ||
      longitude > UK_BOUNDS.maxLongitude ||
      latitude < UK_BOUNDS.minLatitude ||
      latitude > UK_BOUNDS.maxLatitude
    ) {
      const hint =
        Math.abs(longitude) > 180 || Math.abs(latitude) > 90
          ? ' (British National Grid metres? convert to WGS84 longitude/latitude)'
          : ''
      return `position ${i} [${longitude}, ${latitude}] is not a WGS84 longitude/latitude inside the United Kingdom${hint}`
    }
  }
  const first = ring[0] as number[]
  const last = ring[ring.length - 1] as number[]
  if (first[0] !== last[0] || first[1] !== last[1])
    return 'a ring is not closed (its last position must repeat its first)'
  return null
}

function polygonProblem(polygon: unknown): string | null {
  if (!Array.isArray(polygon) || polygon.length === 0) return 'a polygon is not a non-empty array of rings'
  for (const ring of polygon) {
    const problem = ringProblem(ring)
    if (problem) return problem
  }
  return null
}

function geometryProblem(geometry: unknown): string | null {
  if (!isObject(geometry)) return 'the feature has no geometry'
  if (geometry.type === 'Polygon') return polygonProblem(geometry.coordinates)
  if (geometry.type === 'MultiPolygon') {
    if (!Array.isArray(geometry.coordinates) || geometry.coordinates.length === 0)
      return 'the MultiPolygon has no polygons'
    for (const polygon of geometry.coordinates) {
      const problem = polygonProblem(polygon)
      if (problem) return problem
    }
    return null
  }
  return `the geometry type is ${JSON.stringify(geometry.type)}; a boundary must be a Polygon or MultiPolygon`
}

function textProperty(properties: Record<string, unknown>, name: string): string | null {
  const value = properties[name]
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  if (typeof value !== 'string') return null
  return value.trim() || null
}

/** Checks a parsed GeoJSON document and returns its boundaries, or every problem found (up to 50). */
export function readBoundaries(document: unknown, properties: BoundaryProperties): BoundaryFileResult {
  const problems: BoundaryProblem[] = []
  if (!isObject(document) || document.type !== 'FeatureCollection' || !Array.isArray(document.features)) {
    return {
      ok: false,
      problems: [
        {
          feature: null,
          property: null,
          message: 'the file is not a GeoJSON FeatureCollection with a "features" array',
        },
      ],
    }
  }
  if (document.crs !== undefined) {
    const name =
      isObject(document.crs) && isObject(document.crs.properties) ? document.crs.properties.name : undefined
    if (typeof name !== 'string' || !ACCEPTED_CRS.test(name)) {
      return {
        ok: false,
        problems: [
          {
            feature: null,
            property: 'crs',
            message: `the coordinate reference system ${JSON.stringify(name ?? document.crs)} is not WGS84 longitude/latitude (export the file as EPSG:4326)`,
          },
        ],
      }
    }
  }
  if (document.features.length === 0) {
    return {
      ok: false,
      problems: [{ feature: null, property: 'features', message: 'the FeatureCollection has no features' }],
    }
  }
  const features: BoundaryFeature[] = []
  const firstWithCode = new Map<string, number>()
  for (const [index, feature] of document.features.entries()) {
    if (problems.length >= MAX_PROBLEMS) break
    const problem = (property: string | null, message: string) =>
      void problems.push({ feature: index, property, message })
    if (!isObject(feature) || feature.type !== 'Feature') {
      problem(null, 'it is not a GeoJSON Feature')
      continue
    }
    const props = isObject(feature.properties) ? feature.properties : {}
    const code = textProperty(props, properties.codeProperty)
    const name = textProperty(props, properties.nameProperty)
    if (code === null) problem(properties.codeProperty, 'the area code is missing or empty')
    if (name === null) problem(properties.nameProperty, 'the area name is missing or empty')
    const parentCode = properties.parentCodeProperty
      ? textProperty(props, properties.parentCodeProperty)
      : null
    const geometryError = geometryProblem(feature.geometry)
    if (geometryError) problem('geometry', geometryError)
    if (code !== null) {
      const earlier = firstWithCode.get(code)
      if (earlier !== undefined)
        problem(properties.codeProperty, `the code '${code}' is also the code of feature ${earlier}`)
      else firstWithCode.set(code, index)
    }
    if (code === null || name === null || geometryError) continue
    const geometry = feature.geometry as AreaGeometry
    const inside = interiorPoint(geometry)
    if (!inside) {
      problem('geometry', 'the polygon has no area (every ring is flat)')
      continue
    }
    features.push({
      index,
      code,
      name,
      parentCode,
      geometry: { type: geometry.type, coordinates: geometry.coordinates } as AreaGeometry,
      bbox: boundingBox(geometry),
      interiorPoint: inside,
    })
  }
  return problems.length ? { ok: false, problems } : { ok: true, features }
}

/** Parses a boundary file's text; a syntax error is a problem like any other. */
export function parseBoundaryFile(text: string, properties: BoundaryProperties): BoundaryFileResult {
  let document: unknown
  try {
    document = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)
  } catch (error) {
    return {
      ok: false,
      problems: [
        { feature: null, property: null, message: `the file is not valid JSON: ${(error as Error).message}` },
      ],
    }
  }
  return readBoundaries(document, properties)
}
