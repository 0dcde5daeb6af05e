/**
 * Makes demo-neighbourhoods.geojson: made-up neighbourhoods for the demo, NOT real boundaries.
 * Each is the union of the H3 resolution-8 cells holding points of the police.uk sample files
 * that share one resolution-7 parent, kept when it has at least three such cells.
 * Run from the repository root: node --import tsx samples/boundaries/make-demo-neighbourhoods.ts
 */
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { cellToParent, cellsToMultiPolygon, latLngToCell } from 'h3-js'

const here = path.dirname(new URL(import.meta.url).pathname)
const files = ['2023-04-city-of-london-street.csv', '2023-05-city-of-london-street.csv']
const cellsByParent = new Map<string, Set<string>>()
for (const file of files) {
  const [, ...rows] = readFileSync(path.join(here, '../police-uk', file), 'utf8')
    .trimEnd()
    .split('\n')
  for (const row of rows) {
    const [, , , , longitude, latitude] = row.split(',')
    if (!longitude || !latitude) continue
    const cell = latLngToCell(Number(latitude), Number(longitude), 8)
    const parent = cellToParent(cell, 7)
    cellsByParent.set(parent, (cellsByParent.get(parent) ?? new Set()).add(cell))
  }
}
const round = (value: number) => Math.round(value * 1e6) / 1e6
const groups = [...cellsByParent.entries()]
  .filter(([, cells]) => cells.size >= 3)
  .sort(([a], [b]) => (a < b ? -1 : 1))
const features = groups.map(([parent, cells], i) => {
  const polygons = cellsToMultiPolygon([...cells], true).map((polygon) =>
    polygon.map((ring) => ring.map(([longitude, latitude]) => [round(longitude!), round(latitude!)])),
  )
  return {
    type: 'Feature',
    properties: {
      code: `DEMO-N${i + 1}`,
      name: `Demo neighbourhood ${i + 1}`,
      h3_res7: parent,
      h3_res8_cells: cells.size,
    },
    geometry:
      polygons.length === 1
        ? { type: 'Polygon', coordinates: polygons[0] }
        : { type: 'MultiPolygon', coordinates: polygons },
  }
})
writeFileSync(
  path.join(here, 'demo-neighbourhoods.geojson'),
  `${JSON.stringify({ type: 'FeatureCollection', features }, null, 1)}\n`,
)
console.log(`${features.length} demo neighbourhoods written`)
