import { cellToBoundary, isValidCell } from 'h3-js'

/**
 * What a run's page shows of its result: the few figures that sum it up, one table of its rows
 * (every method's result has one list a reviewer reads line by line), and, where the rows are H3
 * cells, the same rows as map features coloured by the column the legend names.
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
  map?: { legendTitle: string; legend: LegendEntry[] }
}

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
    if (Array.isArray(candidate) && candidate.length && isRow(candidate[0])) return candidate as never
  }
  return []
}

function sequentialClasses(values: number[]): { to: number; colour: string }[] {
  const max = Math.max(0, ...values)
  if (max <= 0) return []
  return SEQUENTIAL.map((colour, i) => ({ to: (max * (i + 1)) / SEQUENTIAL.length, colour }))
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

export function resultView(methodName: string, result: unknown): ResultView {
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
      hasCells && colour
        ? {
            legendTitle: colour.title,
            legend: colour.classes
              ? Object.entries(colour.classes).map(([value, hex]) => ({ value, colour: hex }))
              : sequentialClasses(colourValues()).map((c, i, all) => ({
                  value: `${i === 0 ? 'up to' : `${number.format(all[i - 1]!.to)} to`} ${number.format(c.to)}`,
                  colour: c.colour,
                })),
          }
        : undefined,
  }
}

/** The rows that are H3 cells, as GeoJSON hexagons with the colour of their class. */
export function resultFeatures(methodName: string, result: unknown) {
  const view = VIEWS[methodName]
  const rows = view?.colour ? rowsOf(result, view.rows) : []
  const colour = view?.colour
  const classes =
    colour && !colour.classes ? sequentialClasses(rows.map((row) => Number(row[colour.key]) || 0)) : []
  const features = []
  let bbox: [number, number, number, number] | undefined
  for (const row of rows) {
    const cell = row.cell
    if (typeof cell !== 'string' || !isValidCell(cell) || !colour) continue
    const value = row[colour.key]
    // Cells with nothing in them would cover the map in the lightest class: left out.
    if (!colour.classes && !(Number(value) > 0)) continue
    const hex = colour.classes
      ? (colour.classes[String(value)] ?? '#f7f7f7')
      : (classes.find((c) => Number(value) <= c.to) ?? classes[classes.length - 1])!.colour
    const ring = cellToBoundary(cell, true)
    ring.push(ring[0]!)
    for (const [lng, lat] of ring) {
      bbox = bbox
        ? [Math.min(bbox[0], lng!), Math.min(bbox[1], lat!), Math.max(bbox[2], lng!), Math.max(bbox[3], lat!)]
        : [lng!, lat!, lng!, lat!]
    }
    features.push({
      type: 'Feature' as const,
      geometry: { type: 'Polygon' as const, coordinates: [ring] },
      properties: { cell, value: text(value), colour: hex },
    })
  }
  return { type: 'FeatureCollection' as const, ...(bbox ? { bbox } : {}), features }
}
