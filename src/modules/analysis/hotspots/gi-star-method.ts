/**
 * Hotspot analysis: points → counts (or summed weights) per unit → study area → neighbour lists →
 * Gi* z and analytical p → conditional-permutation pseudo p → Benjamini-Hochberg adjustment →
 * hot/cold classes. Units are H3 cells (neighbours within K rings, the fixed contract of issue 4, or
 * within a distance of the cell's centre) or areas: LSOAs, or with a database run's area level the
 * areas of that level (neighbours within a distance of their centres, by a given adjacency, or by
 * contiguity of their boundaries).
 */
import { createHash } from 'node:crypto'
import { getHexagonAreaAvg, latLngToCell } from 'h3-js'
import { invalid } from '../../../errors.ts'
import {
  h3ResolutionOption,
  ringsOption,
  weightedOption,
  wholeNumberAndWeightedProblems,
} from '../common-options.ts'
import { defineMethod, type MethodContext, type PointSet } from '../method.ts'
import { benjaminiHochberg } from '../statistics/p-value-adjustment.ts'
import { parseAdjacency, type Adjacency } from './adjacency-file.ts'
import { giStar, hotspotClass, type HotspotClass } from './gi-star.ts'
import { giStarPermutationInChunks } from './gi-star-parallel.ts'
import {
  adjacencyNeighbours,
  ellipsoidDistanceNeighbours,
  h3CellCentres,
  h3DistanceStudyArea,
  h3RingNeighbours,
  h3StudyArea,
  type Neighbours,
} from './neighbours.ts'

export const GI_STAR_NEIGHBOURS = ['rings', 'distance', 'adjacency', 'contiguity'] as const
export const GI_STAR_UNITS = ['h3', 'lsoa'] as const
export type GiStarNeighbours = (typeof GI_STAR_NEIGHBOURS)[number]
export type GiStarUnit = (typeof GI_STAR_UNITS)[number]

export interface GiStarOptions {
  readonly unit: GiStarUnit
  readonly h3Resolution: number
  readonly neighbours: GiStarNeighbours
  readonly rings: number
  /** Metres; required when `neighbours` is distance, refused otherwise. */
  readonly distance?: number
  /**
   * CSV text, header `area,neighbour`, a row per pair of adjacent areas (adjacency-file.ts); required
   * when `neighbours` is adjacency, refused otherwise. On the command line, `--adjacency FILE`.
   */
  readonly adjacency?: string
  readonly permutations: number
  readonly seed: number
  readonly weighted: boolean
}

export const GI_STAR_DEFAULTS: GiStarOptions = {
  unit: 'h3',
  h3Resolution: 9,
  neighbours: 'rings',
  rings: 1,
  permutations: 999,
  seed: 1,
  weighted: false,
}

interface GiStarFigures {
  /** Points in the unit, or the sum of their weights when `weighted`. */
  readonly count: number
  readonly z: number
  readonly p: number
  /** null when permutations is 0. */
  readonly pPermutation: number | null
  /** Benjamini-Hochberg adjustment of `p` over all units of the study area. */
  readonly pFdr: number
  readonly class: HotspotClass
}

/** A row of the result with unit h3. */
export interface GiStarCell extends GiStarFigures {
  readonly cell: string
}

/** A row of the result with unit lsoa. */
export interface GiStarArea extends GiStarFigures {
  /** The LSOA code. */
  readonly area: string
}

export interface GiStarResult {
  /** One row per unit of the study area: H3 cells, or LSOAs with unit lsoa. */
  readonly cells: (GiStarCell | GiStarArea)[]
  readonly parameters: GiStarOptions
  readonly summary: {
    readonly points: number
    /** Points without a finite longitude and latitude, left out. */
    readonly pointsWithoutLocation: number
    /** Unit lsoa only: located points without an LSOA code, left out. */
    readonly pointsWithoutArea?: number
    /** Rows (units) of the study area. */
    readonly cells: number
    readonly cellsWithPoints: number
    readonly classes: Record<HotspotClass, number>
  }
}

const LIMITS = {
  h3Resolution: [5, 12],
  rings: [1, 10],
  permutations: [0, 99_999],
  seed: [0, Number.MAX_SAFE_INTEGER],
} as const

/** Metres, inclusive. */
const DISTANCE_LIMITS = [50, 20_000] as const

/**
 * The most H3 cells a neighbourhood within a distance may hold on average (π d² over the mean cell
 * area), about as many as 18 rings: beyond it the permutations would take hours.
 */
const MAX_NEIGHBOURHOOD_CELLS = 1000

const isOneOf = <T extends string>(choices: readonly T[], value: unknown): value is T =>
  (choices as readonly unknown[]).includes(value)

export function giStarOptionProblems(given: Partial<GiStarOptions>): Record<string, string> {
  const problems = wholeNumberAndWeightedProblems(given, LIMITS)
  const options = { ...GI_STAR_DEFAULTS, ...given }
  const { unit, neighbours, distance, h3Resolution } = options
  if (!isOneOf(GI_STAR_UNITS, unit)) {
    problems.unit = `unit must be h3 (map cells) or lsoa (LSOAs), not ${String(unit)}`
  }
  if (!isOneOf(GI_STAR_NEIGHBOURS, neighbours)) {
    problems.neighbours = `neighbours must be rings, distance, adjacency or contiguity, not ${String(neighbours)}`
  }
  const [minimum, maximum] = DISTANCE_LIMITS
  if (
    distance !== undefined &&
    !(typeof distance === 'number' && Number.isFinite(distance) && distance >= minimum && distance <= maximum)
  ) {
    problems.distance = `distance must be a number of metres from ${minimum} to ${maximum}, not ${String(distance)}`
  }
  if (unit === 'lsoa' && neighbours === 'rings') {
    problems.neighbours =
      'neighbours must be distance, adjacency or contiguity when unit is lsoa: areas have no rings; their neighbours are those whose centres lie within distance metres, those a given adjacency names, or those whose boundaries touch'
  }
  if (unit === 'h3' && (neighbours === 'adjacency' || neighbours === 'contiguity')) {
    problems.neighbours = `neighbours ${neighbours} compares areas, not H3 cells: choose unit lsoa (the points' areas, or with --area-level the areas of that level)`
  }
  if (neighbours === 'distance' && distance === undefined) {
    problems.distance = `distance is required when neighbours is distance: the metres (${minimum} to ${maximum}) within which centres are neighbours`
  } else if (
    neighbours !== 'distance' &&
    !(neighbours === 'rings' && unit === 'lsoa') &&
    distance !== undefined &&
    !problems.distance
  ) {
    problems.distance =
      'distance is used only when neighbours is distance: choose neighbours distance, or leave distance out'
  }
  const { adjacency } = options
  if (neighbours === 'adjacency' && adjacency === undefined) {
    problems.adjacency =
      'adjacency is required when neighbours is adjacency: a CSV with the header area,neighbour and a row per pair of adjacent areas'
  } else if (adjacency !== undefined && neighbours !== 'adjacency') {
    problems.adjacency =
      'adjacency is used only when neighbours is adjacency: choose neighbours adjacency, or leave adjacency out'
  } else if (adjacency !== undefined && typeof adjacency !== 'string') {
    problems.adjacency = 'adjacency must be the text of a CSV with the header area,neighbour'
  } else if (adjacency !== undefined) {
    const parsed = parseAdjacency(adjacency)
    if (!parsed.ok) problems.adjacency = `adjacency: ${parsed.message}`
  }
  if (
    unit === 'h3' &&
    neighbours === 'distance' &&
    distance !== undefined &&
    !problems.distance &&
    !problems.h3Resolution
  ) {
    const cellArea = getHexagonAreaAvg(h3Resolution, 'm2')
    const cells = (Math.PI * distance * distance) / cellArea
    if (cells > MAX_NEIGHBOURHOOD_CELLS) {
      const longest = Math.floor(Math.sqrt((MAX_NEIGHBOURHOOD_CELLS * cellArea) / Math.PI))
      problems.distance =
        `distance ${distance} m at H3 resolution ${h3Resolution} makes neighbourhoods of about ${Math.round(cells)} cells, ` +
        `more than the ${MAX_NEIGHBOURHOOD_CELLS} allowed: choose at most ${longest} m, or a lower resolution`
    }
  }
  return problems
}

/** The units of one analysis: their names, values and neighbour lists, and the points left out. */
interface Units {
  readonly names: readonly string[]
  readonly values: Float64Array
  readonly neighbours: Neighbours
  readonly withPoints: number
  readonly pointsWithoutLocation: number
  readonly pointsWithoutArea?: number
}

const located = (points: PointSet, i: number) =>
  Number.isFinite(points.latitude[i]!) && Number.isFinite(points.longitude[i]!)

/** H3 cells: the study area and neighbours within K rings, or within `distance` of the cell's centre. */
function h3Units(points: PointSet, options: GiStarOptions): Units {
  const pointCells: string[] = []
  const pointWeights: number[] = []
  let pointsWithoutLocation = 0
  for (let i = 0; i < points.size; i++) {
    if (!located(points, i)) {
      pointsWithoutLocation++
      continue
    }
    pointCells.push(latLngToCell(points.latitude[i]!, points.longitude[i]!, options.h3Resolution))
    pointWeights.push(options.weighted ? points.weight[i]! : 1)
  }
  const distance = options.neighbours === 'distance' ? options.distance! : undefined
  const area =
    distance === undefined
      ? h3StudyArea(pointCells, options.rings)
      : h3DistanceStudyArea(pointCells, distance)
  const values = new Float64Array(area.cells.length)
  pointCells.forEach((cell, i) => (values[area.index.get(cell)!]! += pointWeights[i]!))
  let neighbours: Neighbours
  if (distance === undefined) neighbours = h3RingNeighbours(area.cells, options.rings)
  else {
    const centres = h3CellCentres(area.cells)
    neighbours = ellipsoidDistanceNeighbours(centres.longitude, centres.latitude, distance)
  }
  return {
    names: area.cells,
    values,
    neighbours,
    withPoints: new Set(pointCells).size,
    pointsWithoutLocation,
  }
}

/**
 * LSOAs: every LSOA code of a located point, sorted; its value is its points' number (or summed
 * weights), its centre the mean longitude and latitude of its points (no boundaries are available
 * offline, so this stands in for the centroid), and its neighbours the LSOAs whose centres lie within
 * `distance`, itself included.
 */
function lsoaUnits(points: PointSet, options: GiStarOptions): Units {
  const codes = points.area
  if (!codes) {
    throw invalid({
      unit:
        'Hotspots by LSOA need the LSOA code of each point, and these points have none: give a police.uk ' +
        "street file, an 'area' column (CSV) or property (GeoJSON), or use unit h3",
    })
  }
  let pointsWithoutLocation = 0
  let pointsWithoutArea = 0
  const names = new Set<string>()
  for (let i = 0; i < points.size; i++) {
    if (!located(points, i)) pointsWithoutLocation++
    else if (codes[i] === '') pointsWithoutArea++
    else names.add(codes[i]!)
  }
  const sorted = [...names].sort()
  const index = new Map(sorted.map((code, position) => [code, position]))
  const values = new Float64Array(sorted.length)
  const pointCount = new Float64Array(sorted.length)
  const longitude = new Float64Array(sorted.length)
  const latitude = new Float64Array(sorted.length)
  for (let i = 0; i < points.size; i++) {
    if (!located(points, i) || codes[i] === '') continue
    const position = index.get(codes[i]!)!
    values[position]! += options.weighted ? points.weight[i]! : 1
    pointCount[position]!++
    longitude[position]! += points.longitude[i]!
    latitude[position]! += points.latitude[i]!
  }
  for (let position = 0; position < sorted.length; position++) {
    longitude[position]! /= pointCount[position]!
    latitude[position]! /= pointCount[position]!
  }
  return {
    names: sorted,
    values,
    neighbours: ellipsoidDistanceNeighbours(longitude, latitude, options.distance!),
    withPoints: sorted.length,
    pointsWithoutLocation,
    pointsWithoutArea,
  }
}

/** The areas named first, so a long list stays one line. */
function listed(codes: readonly string[]): string {
  const shown = codes.slice(0, 5).join(', ')
  return codes.length > 5 ? `${shown} (and ${codes.length - 5} more)` : shown
}

/**
 * Areas with given neighbours (an adjacency, or the contiguity of their boundaries): the study area
 * is every area the neighbours name, sorted, zero counts included; its value the number of its
 * points (or summed weights). A point's area missing from them is refused, naming it: it is more
 * often a code of another vintage or a missing row than an island, and an island silently given
 * W_i = 1 would look like a finding. Islands are named as such (a row with no neighbour, or a
 * boundary touching none).
 */
function givenNeighbourUnits(
  points: PointSet,
  options: GiStarOptions,
  given: { readonly areas: readonly string[]; readonly pairs: readonly (readonly [number, number])[] },
  missing: (codes: string[]) => Record<string, string>,
): Units {
  const codes = points.area
  if (!codes) {
    throw invalid({
      unit:
        'Hotspots by area need the area code of each point, and these points have none: give a police.uk ' +
        "street file or an 'area' column (CSV) or property (GeoJSON)",
    })
  }
  const order = given.areas.map((_, i) => i).sort((a, b) => (given.areas[a]! < given.areas[b]! ? -1 : 1))
  const names = order.map((i) => given.areas[i]!)
  const positionOf = new Int32Array(given.areas.length)
  order.forEach((original, position) => (positionOf[original] = position))
  const index = new Map(names.map((code, position) => [code, position]))
  const values = new Float64Array(names.length)
  const withPoints = new Set<number>()
  const unknown = new Set<string>()
  let pointsWithoutLocation = 0
  let pointsWithoutArea = 0
  for (let i = 0; i < points.size; i++) {
    if (!located(points, i)) {
      pointsWithoutLocation++
      continue
    }
    if (codes[i] === '') {
      pointsWithoutArea++
      continue
    }
    const position = index.get(codes[i]!)
    if (position === undefined) {
      unknown.add(codes[i]!)
      continue
    }
    values[position]! += options.weighted ? points.weight[i]! : 1
    withPoints.add(position)
  }
  if (unknown.size > 0) throw invalid(missing([...unknown].sort()))
  const pairs = given.pairs.map(([a, b]): [number, number] => [positionOf[a]!, positionOf[b]!])
  return {
    names,
    values,
    neighbours: adjacencyNeighbours(names.length, pairs),
    withPoints: withPoints.size,
    pointsWithoutLocation,
    pointsWithoutArea,
  }
}

function adjacencyUnits(points: PointSet, options: GiStarOptions, adjacency: Adjacency): Units {
  return givenNeighbourUnits(points, options, adjacency, (codes) => ({
    adjacency:
      `${codes.length === 1 ? '1 area' : `${codes.length} areas`} of the points not in the adjacency: ${listed(codes)}. ` +
      `Every area with points needs a row: add its pairs, or a row with no neighbour (such as ${codes[0]},) for an area that has none`,
  }))
}

function contiguityUnits(points: PointSet, options: GiStarOptions): Units {
  const contiguity = points.areaContiguity
  if (!contiguity) {
    throw invalid({
      neighbours:
        'neighbours contiguity needs the boundaries of the areas, and these points come with none: it works on ' +
        'database runs at an area level (--area-level) whose areas have boundaries loaded (upstream areas load); ' +
        'for a file, give the adjacency instead (neighbours adjacency)',
    })
  }
  return givenNeighbourUnits(points, options, contiguity, (codes) => ({
    neighbours:
      `${codes.length === 1 ? '1 area' : `${codes.length} areas`} of the points ha${codes.length === 1 ? 's' : 've'} no boundary: ${listed(codes)}. ` +
      'Load their boundaries (upstream areas load), or use neighbours distance',
  }))
}

function unitsOf(points: PointSet, options: GiStarOptions): Units {
  if (options.unit !== 'lsoa') return h3Units(points, options)
  if (options.neighbours === 'contiguity') return contiguityUnits(points, options)
  if (options.neighbours === 'adjacency') {
    const parsed = parseAdjacency(options.adjacency!)
    if (!parsed.ok) throw invalid({ adjacency: `adjacency: ${parsed.message}` })
    return adjacencyUnits(points, options, parsed.adjacency)
  }
  return lsoaUnits(points, options)
}

/** The adjacency in the result's parameters: its size and digest, not its (perhaps megabytes of) text. */
function describedAdjacency(text: string): string {
  const parsed = parseAdjacency(text)
  const digest = createHash('sha256').update(text).digest('hex').slice(0, 16)
  return parsed.ok
    ? `${parsed.adjacency.pairs.length} pairs over ${parsed.adjacency.areas.length} areas (sha256 ${digest}…)`
    : `sha256 ${digest}…`
}

export async function giStarHotspots(
  points: PointSet,
  given: Partial<GiStarOptions>,
  context: MethodContext = {},
): Promise<GiStarResult> {
  const problems = giStarOptionProblems(given)
  if (Object.keys(problems).length > 0) throw invalid(problems)
  const options: GiStarOptions = { ...GI_STAR_DEFAULTS, ...given }
  const { progress, signal } = context
  signal?.throwIfAborted()

  const units = unitsOf(points, options)
  const { values, neighbours } = units
  const { z, p } = giStar(values, neighbours)
  const pFdr = benjaminiHochberg(p)
  progress?.(0.05, 'gi-star')

  let pPermutation: Float64Array | null = null
  if (options.permutations > 0 && values.length > 0) {
    // On both cores for long runs (gi-star-parallel.ts); the same p-values as in one thread.
    pPermutation = await giStarPermutationInChunks(values, neighbours, options, {
      progress: (fraction) => progress?.(0.05 + 0.95 * fraction, 'permutations'),
      signal,
    })
  }

  const classes: Record<HotspotClass, number> = {
    'hot-99': 0,
    'hot-95': 0,
    'hot-90': 0,
    'not-significant': 0,
    'cold-90': 0,
    'cold-95': 0,
    'cold-99': 0,
  }
  const cells = units.names.map((name, i): GiStarCell | GiStarArea => {
    const hotspot = hotspotClass(z[i]!, pFdr[i]!)
    classes[hotspot]++
    const figures: GiStarFigures = {
      count: values[i]!,
      z: z[i]!,
      p: p[i]!,
      pPermutation: pPermutation ? pPermutation[i]! : null,
      pFdr: pFdr[i]!,
      class: hotspot,
    }
    return options.unit === 'lsoa' ? { area: name, ...figures } : { cell: name, ...figures }
  })
  progress?.(1, 'done')
  return {
    cells,
    parameters:
      options.adjacency === undefined
        ? options
        : { ...options, adjacency: describedAdjacency(options.adjacency) },
    summary: {
      points: points.size,
      pointsWithoutLocation: units.pointsWithoutLocation,
      ...(units.pointsWithoutArea === undefined ? {} : { pointsWithoutArea: units.pointsWithoutArea }),
      cells: cells.length,
      cellsWithPoints: units.withPoints,
      classes,
    },
  }
}

export const giStarMethod = defineMethod<GiStarOptions, GiStarResult>({
  name: 'gi-star',
  title: 'Hotspots (Getis-Ord Gi*)',
  description:
    'Finds H3 cells (or areas) where incidents cluster more (hot) or less (cold) than chance would give, comparing ' +
    'each with its neighbours (within a number of rings or a distance, by a given adjacency, or areas whose ' +
    'boundaries touch) against the whole study area, with false-discovery-rate control.',
  options: [
    {
      key: 'unit',
      flag: 'unit',
      description:
        'The places compared: h3 (hexagonal map cells) or lsoa (Lower layer Super Output Areas, or the areas of the chosen area level).',
      type: 'enum',
      choices: GI_STAR_UNITS,
      default: GI_STAR_DEFAULTS.unit,
    },
    h3ResolutionOption(
      LIMITS.h3Resolution,
      GI_STAR_DEFAULTS.h3Resolution,
      'H3 cell size: at 9 hexagons have edges of about 174 m (0.1 km²); each step up makes them about 2.6 times narrower.',
    ),
    {
      key: 'neighbours',
      flag: 'neighbours',
      description:
        'How neighbours are found: rings (cells within a number of rings), distance (cells or areas whose centres lie within the distance), ' +
        'adjacency (areas paired in the given adjacency) or contiguity (areas whose loaded boundaries share a point).',
      type: 'enum',
      choices: GI_STAR_NEIGHBOURS,
      default: GI_STAR_DEFAULTS.neighbours,
    },
    ringsOption(LIMITS.rings, GI_STAR_DEFAULTS.rings),
    {
      key: 'distance',
      flag: 'distance',
      description:
        'With neighbours distance: metres within which centres are neighbours, the place itself included.',
      type: 'number',
      minimum: DISTANCE_LIMITS[0],
      maximum: DISTANCE_LIMITS[1],
    },
    {
      key: 'adjacency',
      flag: 'adjacency',
      description:
        'With neighbours adjacency: a CSV with the header area,neighbour and one row per pair of adjacent areas ' +
        '(a row with no neighbour for an area that has none); on the command line, the file name.',
      type: 'string',
      fromFile: true,
    },
    {
      key: 'permutations',
      flag: 'permutations',
      description: 'Random permutations for the pseudo p-value (0: analytical p-values only).',
      type: 'integer',
      minimum: LIMITS.permutations[0],
      maximum: LIMITS.permutations[1],
      default: GI_STAR_DEFAULTS.permutations,
    },
    {
      key: 'seed',
      flag: 'seed',
      description: 'Seed of the random permutations: the same seed gives the same result.',
      type: 'integer',
      minimum: LIMITS.seed[0],
      maximum: LIMITS.seed[1],
      default: GI_STAR_DEFAULTS.seed,
    },
    weightedOption(
      GI_STAR_DEFAULTS.weighted,
      'Sum the points’ harm weights per cell instead of counting them.',
    ),
  ],
  check: giStarOptionProblems,
  run: giStarHotspots,
  summarise: (result) => {
    const { summary, parameters } = result
    const { classes } = summary
    const neighbourhood =
      parameters.neighbours === 'distance'
        ? `neighbours within ${parameters.distance} m`
        : `${parameters.rings} ring(s) of neighbours`
    const areaNeighbourhood: Record<string, string> = {
      distance: `centres within ${parameters.distance} m`,
      adjacency: `the given adjacency, ${parameters.adjacency}`,
      contiguity: 'areas whose boundaries touch (queen contiguity)',
    }
    return [
      parameters.unit !== 'lsoa'
        ? `${summary.cells} H3 cells at resolution ${parameters.h3Resolution} (${summary.cellsWithPoints} with points), ${neighbourhood}`
        : parameters.neighbours === 'distance'
          ? `${summary.cells} LSOAs with points, neighbours: ${areaNeighbourhood.distance}`
          : `${summary.cells} areas (${summary.cellsWithPoints} with points), neighbours: ${areaNeighbourhood[parameters.neighbours]}`,
      `hot: ${classes['hot-99']} at 99%, ${classes['hot-95']} at 95%, ${classes['hot-90']} at 90% (FDR-adjusted)`,
      `cold: ${classes['cold-99']} at 99%, ${classes['cold-95']} at 95%, ${classes['cold-90']} at 90% (FDR-adjusted)`,
      parameters.permutations > 0
        ? `pseudo p-values from ${parameters.permutations} conditional permutations, seed ${parameters.seed}`
        : 'analytical p-values only',
    ].join('\n')
  },
})
