import { cellToBoundary, cellToLatLng } from 'h3-js'
import type { CellCount } from './cell-counts.ts'

/**
 * The counts as map features: each H3 cell's hexagon (h3-js cellToBoundary) with its count and
 * the colour of its class in the legend. Built on the server, so the page's table and the map
 * draw the same numbers, and the browser needs no H3 library.
 */

// ColorBrewer YlOrRd, 5 classes: sequential, and readable by people with colour-blindness.
const PALETTE = ['#ffffb2', '#fecc5c', '#fd8d3c', '#f03b20', '#bd0026'] as const

export interface CountClass {
  from: number
  to: number
  colour: string
}

/** Up to five classes of equal width from 1 to the largest count, none empty of meaning. */
export function countClasses(maxCount: number): CountClass[] {
  if (maxCount < 1) return []
  const steps = Math.min(PALETTE.length, maxCount)
  const classes: CountClass[] = []
  let from = 1
  for (let i = 1; i <= steps; i += 1) {
    const to = i === steps ? maxCount : Math.round((maxCount * i) / steps)
    if (to < from) continue
    classes.push({
      from,
      to,
      colour: PALETTE[Math.round(((i - 1) * (PALETTE.length - 1)) / Math.max(steps - 1, 1))]!,
    })
    from = to + 1
  }
  return classes
}

export function colourOf(count: number, classes: readonly CountClass[]): string {
  return (classes.find((c) => count <= c.to) ?? classes[classes.length - 1])?.colour ?? PALETTE[0]
}

export interface CellRow extends CellCount {
  latitude: number
  longitude: number
}

export function cellRows(cells: readonly CellCount[]): CellRow[] {
  return cells.map((cell) => {
    const [latitude, longitude] = cellToLatLng(cell.cell)
    return { ...cell, latitude: round(latitude), longitude: round(longitude) }
  })
}

const round = (degrees: number) => Math.round(degrees * 1e6) / 1e6

export interface CellFeatureCollection {
  type: 'FeatureCollection'
  /** [west, south, east, north] of every cell, absent when there are none. */
  bbox?: [number, number, number, number]
  features: {
    type: 'Feature'
    id: number
    properties: { cell: string; count: number; colour: string }
    geometry: { type: 'Polygon'; coordinates: [number, number][][] }
  }[]
}

export function cellFeatures(cells: readonly CellCount[]): CellFeatureCollection {
  const classes = countClasses(Math.max(0, ...cells.map((c) => c.count)))
  let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity]
  const features = cells.map((cell, index) => {
    const ring = cellToBoundary(cell.cell, true).map(
      ([lng, lat]) => [round(lng), round(lat)] as [number, number],
    )
    for (const [lng, lat] of ring) {
      west = Math.min(west, lng)
      east = Math.max(east, lng)
      south = Math.min(south, lat)
      north = Math.max(north, lat)
    }
    const closed =
      ring[0]![0] === ring.at(-1)![0] && ring[0]![1] === ring.at(-1)![1] ? ring : [...ring, ring[0]!]
    return {
      type: 'Feature' as const,
      id: index,
      properties: { cell: cell.cell, count: cell.count, colour: colourOf(cell.count, classes) },
      geometry: { type: 'Polygon' as const, coordinates: [closed] },
    }
  })
  return {
    type: 'FeatureCollection',
    ...(features.length ? { bbox: [west, south, east, north] } : {}),
    features,
  }
}
