import type { AreaGeometry } from './tables.ts'

/** Plane geometry over longitude/latitude for areas a few kilometres across: no I/O, no database. */

export type Position = readonly [longitude: number, latitude: number]
export type Ring = readonly (readonly number[])[]

export interface BoundingBox {
  minLongitude: number
  minLatitude: number
  maxLongitude: number
  maxLatitude: number
}

/** Where a point lies against a shape. A point on a boundary counts as in the area. */
export type PointPlace = 'inside' | 'boundary' | 'outside'

/** The polygons of a geometry, each an outer ring followed by its holes. */
export function polygonsOf(geometry: AreaGeometry): number[][][][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
}

export function boundingBox(geometry: AreaGeometry): BoundingBox {
  const box = {
    minLongitude: Infinity,
    minLatitude: Infinity,
    maxLongitude: -Infinity,
    maxLatitude: -Infinity,
  }
  for (const polygon of polygonsOf(geometry)) {
    // Holes lie inside their outer ring, so the outer rings bound the shape.
    for (const [longitude, latitude] of polygon[0] ?? []) {
      box.minLongitude = Math.min(box.minLongitude, longitude!)
      box.maxLongitude = Math.max(box.maxLongitude, longitude!)
      box.minLatitude = Math.min(box.minLatitude, latitude!)
      box.maxLatitude = Math.max(box.maxLatitude, latitude!)
    }
  }
  return box
}

function onSegment(x: number, y: number, x1: number, y1: number, x2: number, y2: number): boolean {
  const cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1)
  // Relative tolerance: coordinates carry about 15 significant digits.
  const scale = Math.abs(x2 - x1) + Math.abs(y2 - y1)
  if (Math.abs(cross) > 1e-12 * scale) return false
  return (
    Math.min(x1, x2) - 1e-12 <= x &&
    x <= Math.max(x1, x2) + 1e-12 &&
    Math.min(y1, y2) - 1e-12 <= y &&
    y <= Math.max(y1, y2) + 1e-12
  )
}

/** Even-odd ray casting (W. R. Franklin's PNPOLY), with an explicit test for the boundary first. */
export function pointInRing(point: Position, ring: Ring): PointPlace {
  const [x, y] = point
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number]
    const [xj, yj] = ring[j] as [number, number]
    if (onSegment(x, y, xj, yj, xi, yi)) return 'boundary'
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside ? 'inside' : 'outside'
}

/** A point is in a polygon when it is in the outer ring and not strictly inside any hole. */
export function pointInPolygon(point: Position, polygon: readonly Ring[]): PointPlace {
  const [outer, ...holes] = polygon
  if (!outer) return 'outside'
  const place = pointInRing(point, outer)
  if (place !== 'inside') return place
  for (const hole of holes) {
    const inHole = pointInRing(point, hole)
    if (inHole === 'inside') return 'outside'
    if (inHole === 'boundary') return 'boundary'
  }
  return 'inside'
}

export function pointInGeometry(point: Position, geometry: AreaGeometry): PointPlace {
  let place: PointPlace = 'outside'
  for (const polygon of polygonsOf(geometry)) {
    const here = pointInPolygon(point, polygon)
    if (here === 'inside') return here
    if (here === 'boundary') place = here
  }
  return place
}

/** True when the point is in the area, its boundary included. */
export function geometryHolds(geometry: AreaGeometry, point: Position): boolean {
  return pointInGeometry(point, geometry) !== 'outside'
}

function ringArea(ring: Ring): number {
  let twice = 0
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    twice += (ring[j]![0]! - ring[i]![0]!) * (ring[j]![1]! + ring[i]![1]!)
  }
  return Math.abs(twice) / 2
}

/**
 * A point strictly inside the geometry (a centroid need not be: think of a crescent). On the
 * largest polygon, a horizontal line between two vertex latitudes near the middle crosses the
 * rings an even number of times; the midpoint of the widest inside stretch is inside.
 */
export function interiorPoint(geometry: AreaGeometry): Position | null {
  const polygons = polygonsOf(geometry).filter((polygon) => polygon[0]?.length)
  polygons.sort((a, b) => ringArea(b[0]!) - ringArea(a[0]!))
  for (const polygon of polygons) {
    const latitudes = [...new Set(polygon.flatMap((ring) => ring.map((position) => position[1]!)))].sort(
      (a, b) => a - b,
    )
    const middle = (latitudes[0]! + latitudes[latitudes.length - 1]!) / 2
    // Scan lines halfway between consecutive vertex latitudes, those nearest the middle first.
    const lines = latitudes
      .slice(1)
      .map((latitude, i) => (latitude + latitudes[i]!) / 2)
      .sort((a, b) => Math.abs(a - middle) - Math.abs(b - middle))
    for (const y of lines) {
      const crossings: number[] = []
      for (const ring of polygon) {
        for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
          const [xi, yi] = ring[i] as [number, number]
          const [xj, yj] = ring[j] as [number, number]
          if (yi > y !== yj > y) crossings.push(((xj - xi) * (y - yi)) / (yj - yi) + xi)
        }
      }
      crossings.sort((a, b) => a - b)
      let best: Position | null = null
      let widest = 0
      for (let k = 0; k + 1 < crossings.length; k += 2) {
        const width = crossings[k + 1]! - crossings[k]!
        if (width > widest) {
          widest = width
          best = [(crossings[k]! + crossings[k + 1]!) / 2, y]
        }
      }
      if (best && pointInPolygon(best, polygon) === 'inside') return best
    }
  }
  return null
}
