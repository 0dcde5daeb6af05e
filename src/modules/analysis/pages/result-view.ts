import { cellToBoundary, isValidCell } from 'h3-js'
import type { AreaBoundaries, AreaShape } from './area-boundaries.ts'

/**
 * What a run's page shows of its result: the few figures that sum it up, one table of its rows
 * (every method's result has one list a reviewer reads line by line), and, where the rows are H3
 * cells, or areas with a loaded boundary, the same rows as map features coloured by the column the
 * legend names.
 */

export interface ResultColumn {
  key: string
  label: string
  numeric: boolean
}

export interface LegendEntry {
  value: string
  colour: string
}

export interface ResultView {
  summary: { key: string; value: string }[]
  caption: string
  columns: ResultColumn[]
  /** Cell texts, in the order of columns. */
  rows: string[][]
  rowCount: number
  /** The rows are cut at ROW_LIMIT on the page; the downloads hold them all. */
  truncated: boolean
  map?: {
    legendTitle: string
    legend: LegendEntry[]
    /** What the features are: H3 hexagons, or the areas' own boundaries. */
    shapes: 'hexagons' | 'areas'
    /** Areas of the table with no boundary loaded: not on the map (the first MISSING_LISTED of them). */
    missing: { count: number; listed: string[] }
  }
  /** The rows are areas and not one has a boundary: no map, and how to load them. */
  noBoundaries?: { level: string; command: string }
}

export const MISSING_LISTED = 20

export const ROW_LIMIT = 500

/** Diverging classes: red for hot, blue for cold (ColorBrewer RdBu, readable without red-green). */
const HOT_COLD: Record<string, string> = {
  'hot-99': '#b2182b',
  'hot-95': '#ef8a62',
  'hot-90': '#fddbc7',
  'not-significant': '#f7f7f7',
  'cold-90': '#d1e5f0',
  'cold-95': '#67a9cf',
  'cold-99': '#2166ac',
}

const EMERGING: Record<string, string> = {
  'new-hot-spot': '#67000d',
  'consecutive-hot-spot': '#a50f15',
  'intensifying-hot-spot': '#cb181d',
  'persistent-hot-spot': '#ef3b2c',
  'diminishing-hot-spot': '#fb6a4a',
  'sporadic-hot-spot': '#fc9272',
  'oscillating-hot-spot': '#fcbba1',
  'historical-hot-spot': '#fee0d2',
  'new-cold-spot': '#08306b',
  'consecutive-cold-spot': '#08519c',
  'intensifying-cold-spot': '#2171b5',
  'persistent-cold-spot': '#4292c6',
  'diminishing-cold-spot': '#6baed6',
  'sporadic-cold-spot': '#9ecae1',
  'oscillating-cold-spot': '#c6dbef',
  'historical-cold-spot': '#deebf7',
  'no-pattern': '#f7f7f7',
}

const SPPT: Record<string, string> = { '-1': '#2166ac', '0': '#f7f7f7', '1': '#b2182b' }

/** Sequential classes (ColorBrewer YlOrRd) for counts and harm. */
const SEQUENTIAL = ['#ffffb2', '#fecc5c', '#fd8d3c', '#f03b20', '#bd0026']

interface MethodView {
  /** The key of the result's list of rows; the first of several that has rows. */
  rows: string | readonly string[]
  caption: string
  /** The column the map colours by, and how. */
  colour?: { key: string; title: string; classes?: Record<string, string> }
  /** Scalar figures of the result shown above the table. */
  summary?: string[]
}

const VIEWS: Record<string, MethodView> = {
  'gi-star': {
    rows: 'cells',
    caption: 'Gi* by H3 cell or LSOA',
    colour: { key: 'class', title: 'Hot and cold spots', classes: HOT_COLD },
    summary: ['summary'],
  },
  'emerging-hotspots': {
    rows: 'cells',
    caption: 'Emerging hot spot category by H3 cell',
    colour: { key: 'category', title: 'Category', classes: EMERGING },
    summary: ['summary'],
  },
  counts: {
    rows: ['cells', 'areas'],
    caption: 'Counts and harm by H3 cell or LSOA',
    colour: { key: 'count', title: 'Incidents in a cell' },
    summary: ['points', 'unplaced', 'total', 'concentration'],
  },
  'kernel-density': { rows: 'cells', caption: 'Density by grid cell', summary: ['grid', 'mass', 'summary'] },
  'near-repeat': {
    rows: 'bands',
    caption: 'Knox test by space and time band',
    summary: ['summary', 'parameters'],
  },
  'near-repeat-risk': {
    rows: 'incidents',
    caption: 'Recent incidents and their near-repeat risk',
    summary: ['summary'],
  },
  'repeat-locations': {
    rows: 'places',
    caption: 'Repeat locations, most incidents first',
    summary: ['summary'],
  },
  exceedance: {
    rows: 'rows',
    caption: 'Observed against expected, alarms first',
    summary: ['timeline', 'groups', 'alarms', 'unplaced'],
  },
  'spatial-point-pattern-test': {
    rows: 'areas',
    caption: 'Spatial point pattern test by area',
    colour: { key: 'result', title: 'Change from base to test', classes: SPPT },
    summary: ['summary', 's', 'robustS', 'sIndex', 'robustSIndex'],
  },
}

const number = new Intl.NumberFormat('en-GB', { maximumSignificantDigits: 6 })

function text(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number') return Number.isFinite(value) ? number.format(value) : String(value)
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  if (Array.isArray(value)) {
    if (value.length > 12) return `${value.slice(0, 12).map(text).join(', ')}, … (${value.length})`
    return value.map(text).join(value.every((v) => typeof v === 'number') ? ', ' : '; ')
  }
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([key, inner]) => `${key} ${text(inner)}`)
      .join(', ')
  }
  return String(value)
}

const label = (key: string) =>
  key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[-_.]/g, ' ')
    .replace(/^./, (first) => first.toUpperCase())

/** A row's fields one level deep: { trend: { z } } becomes 'trend.z'. Lists of objects are left out. */
function flatten(row: Record<string, unknown>): Record<string, unknown> {
  const flat: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(row)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [inner, innerValue] of Object.entries(value as Record<string, unknown>)) {
        if (innerValue === null || typeof innerValue !== 'object') flat[`${key}.${inner}`] = innerValue
      }
    } else if (!(Array.isArray(value) && value.some((item) => item !== null && typeof item === 'object'))) {
      flat[key] = value
    }
  }
  return flat
}

/** A summary figure, or each figure inside a nested one ("Concentration count all places gini"). */
function summaryItems(key: string, value: unknown, depth = 0): { key: string; value: string }[] {
  if (value === undefined || value === null) return []
  if (typeof value === 'object' && !Array.isArray(value) && depth < 4) {
    return Object.entries(value as Record<string, unknown>).flatMap(([inner, innerValue]) =>
      summaryItems(`${key} ${inner}`, innerValue, depth + 1),
    )
  }
  if (Array.isArray(value) && value.some((item) => item !== null && typeof item === 'object')) {
    return value.flatMap((item, i) => summaryItems(`${key} ${i + 1}`, item, depth + 1))
  }
  return [{ key: label(key), value: text(value) }]
}

function rowsOf(result: unknown, keys: string | readonly string[]): Record<string, unknown>[] {
  const record = (result as Record<string, unknown> | null) ?? {}
  const isRow = (row: unknown) => row !== null && typeof row === 'object'
  for (const key of [keys].flat()) {
    const value = record[key]
    if (Array.isArray(value) && value.length) return value.filter(isRow) as never
  }
  // A method without a declared view: its first list of objects.
  for (const candidate of Object.values(record)) {
    if (Array.isArray(candidate) && candidate.length && isRow(candidate[0]))
      return candidate.filter(isRow) as never
  }
  return []
}

function sequentialClasses(values: number[]): { to: number; colour: string }[] {
  const max = Math.max(0, ...values)
  if (max <= 0) return []
  return SEQUENTIAL.map((colour, i) => ({ to: (max * (i + 1)) / SEQUENTIAL.length, colour }))
}

/** The legend of sequential classes; when every value is 0, the one class areas are drawn in. */
function sequentialLegend(values: number[]): LegendEntry[] {
  const classes = sequentialClasses(values)
  if (classes.length === 0) return [{ value: '0', colour: SEQUENTIAL[0]! }]
  return classes.map((c, i, all) => ({
    value: `${i === 0 ? 'up to' : `${number.format(all[i - 1]!.to)} to`} ${number.format(c.to)}`,
    colour: c.colour,
  }))
}

/** The result's rows with every column, values as they are: for the CSV download and the page. */
export function resultTable(
  methodName: string,
  result: unknown,
): { columns: ResultColumn[]; rows: unknown[][] } {
  const view = VIEWS[methodName] ?? { rows: '', caption: 'Result' }
  const rows = rowsOf(result, view.rows).map(flatten)
  const keys: string[] = []
  for (const row of rows.slice(0, 50))
    for (const key of Object.keys(row)) if (!keys.includes(key)) keys.push(key)
  const columns = keys.map((key) => ({
    key,
    label: label(key),
    numeric: rows.every((row) => row[key] === null || row[key] === undefined || typeof row[key] === 'number'),
  }))
  return { columns, rows: rows.map((row) => keys.map((key) => row[key])) }
}

/** A value for a CSV cell: numbers in full, lists joined by spaces. */
export function csvCell(value: unknown): string | number | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'number') return value
  if (Array.isArray(value)) return value.join(' ')
  return String(value)
}

/**
 * The rows' area codes when the rows are areas that a map could draw: a method with a map colour,
 * rows keyed by `area` (not by H3 `cell`), one row per area. Undefined otherwise.
 */
export function areaKeysOf(methodName: string, result: unknown): string[] | undefined {
  const view = VIEWS[methodName]
  if (!view?.colour) return undefined
  const rows = rowsOf(result, view.rows)
  if (rows.length === 0 || typeof rows[0]!.cell === 'string') return undefined
  const keys = rows.map((row) => row.area)
  if (!keys.every((key): key is string => typeof key === 'string' && key !== '')) return undefined
  return new Set(keys).size === keys.length ? keys : undefined
}

/** An area row's shape: its loaded boundary, or the hexagon when the area is an H3 cell (sppt by h3). */
function shapeOf(key: string, boundaries: AreaBoundaries | undefined): AreaShape | undefined {
  const loaded = boundaries?.shapes.get(key)
  if (loaded) return loaded
  return isValidCell(key) ? { type: 'Polygon', coordinates: [hexagonRing(key)] } : undefined
}

function hexagonRing(cell: string): number[][] {
  const ring = cellToBoundary(cell, true)
  ring.push(ring[0]!)
  return ring
}

/** How a row's value is coloured: its class's colour, or the sequential class it falls in. */
function colourer(colour: NonNullable<MethodView['colour']>, rows: Record<string, unknown>[]) {
  const classes = colour.classes ? [] : sequentialClasses(rows.map((row) => Number(row[colour.key]) || 0))
  return (value: unknown): string =>
    colour.classes
      ? (colour.classes[String(value)] ?? '#f7f7f7')
      : ((classes.find((c) => Number(value) <= c.to) ?? classes[classes.length - 1])?.colour ??
        SEQUENTIAL[0]!)
}

/** The words and the command that load boundaries of a level, for the page that has none to draw. */
function loadCommand(level: string): string {
  return `upstream areas load FILE.geojson --level ${level} --code-property CODE --name-property NAME`
}

export function resultView(methodName: string, result: unknown, boundaries?: AreaBoundaries): ResultView {
  const view = VIEWS[methodName] ?? { rows: '', caption: 'Result' }
  // The table's rows are the result's rows, flattened once: the page, its legend and the CSV share them.
  const table = resultTable(methodName, result)
  const columns = table.columns
  const column = (key: string) => columns.findIndex((c) => c.key === key)
  const summary = (view.summary ?? []).flatMap((key) =>
    summaryItems(key, (result as Record<string, unknown> | null)?.[key]),
  )
  const first = table.rows[0]?.[column('cell')]
  const hasCells = typeof first === 'string' && isValidCell(first)
  const areaKeys = hasCells ? undefined : areaKeysOf(methodName, result)
  const unshaped = areaKeys?.filter((key) => !shapeOf(key, boundaries)) ?? []
  const hasAreas = !!areaKeys && unshaped.length < areaKeys.length
  const colour = view.colour
  const colourValues = () => table.rows.map((row) => Number(row[column(colour!.key)]) || 0)
  return {
    summary,
    caption: view.caption,
    columns,
    rows: table.rows.slice(0, ROW_LIMIT).map((row) => row.map(text)),
    rowCount: table.rows.length,
    truncated: table.rows.length > ROW_LIMIT,
    map:
      (hasCells || hasAreas) && colour
        ? {
            legendTitle: colour.title,
            legend: colour.classes
              ? Object.entries(colour.classes).map(([value, hex]) => ({ value, colour: hex }))
              : sequentialLegend(colourValues()),
            shapes: hasCells ? 'hexagons' : 'areas',
            missing: { count: unshaped.length, listed: unshaped.slice(0, MISSING_LISTED) },
          }
        : undefined,
    noBoundaries:
      areaKeys && !hasAreas
        ? { level: boundaries?.level ?? 'lsoa', command: loadCommand(boundaries?.level ?? 'lsoa') }
        : undefined,
  }
}

type Bbox = [number, number, number, number]

function extend(bbox: Bbox | undefined, ring: number[][]): Bbox | undefined {
  for (const [lng, lat] of ring) {
    bbox = bbox
      ? [Math.min(bbox[0], lng!), Math.min(bbox[1], lat!), Math.max(bbox[2], lng!), Math.max(bbox[3], lat!)]
      : [lng!, lat!, lng!, lat!]
  }
  return bbox
}

/**
 * The rows as GeoJSON: H3 cells as hexagons with their value and colour; areas as their loaded
 * boundaries with every figure of their table row (as the table writes it) and their colour.
 * Areas without a boundary are left out: the page lists them.
 */
export function resultFeatures(methodName: string, result: unknown, boundaries?: AreaBoundaries) {
  const view = VIEWS[methodName]
  const colour = view?.colour
  const rows = colour ? rowsOf(result, view.rows) : []
  const colourOf = colour ? colourer(colour, rows) : () => ''
  const features: { type: 'Feature'; geometry: AreaShape; properties: Record<string, string> }[] = []
  let bbox: Bbox | undefined
  const areaKeys = colour && areaKeysOf(methodName, result)
  if (colour && areaKeys) {
    const table = resultTable(methodName, result)
    const valueAt = table.columns.findIndex((c) => c.key === colour.key)
    table.rows.forEach((row, i) => {
      const shape = shapeOf(areaKeys[i]!, boundaries)
      if (!shape) return
      for (const ring of shape.type === 'Polygon' ? shape.coordinates : shape.coordinates.flat())
        bbox = extend(bbox, ring)
      const properties: Record<string, string> = {}
      table.columns.forEach((c, j) => (properties[c.key] = text(row[j])))
      features.push({
        type: 'Feature',
        geometry: shape,
        properties: { ...properties, colour: colourOf(row[valueAt]) },
      })
    })
    return { type: 'FeatureCollection' as const, ...(bbox ? { bbox } : {}), features }
  }
  for (const row of rows) {
    const cell = row.cell
    if (typeof cell !== 'string' || !isValidCell(cell) || !colour) continue
    const value = row[colour.key]
    // Cells with nothing in them would cover the map in the lightest class: left out.
    if (!colour.classes && !(Number(value) > 0)) continue
    const ring = hexagonRing(cell)
    bbox = extend(bbox, ring)
    features.push({
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: [ring] },
      properties: { cell, value: text(value), colour: colourOf(value) },
    })
  }
  return { type: 'FeatureCollection' as const, ...(bbox ? { bbox } : {}), features }
}
