/**
 * What every analysis method shares: the points it reads and the shape of a method, so that the
 * CLI (`upstream analyse <method>`), the API and the pages run every method the same way.
 * A method never knows about the database or HTTP: points in, plain result out.
 */

/** Points as typed arrays, one index per incident. */
export interface PointSet {
  readonly size: number
  readonly longitude: Float64Array
  readonly latitude: Float64Array
  /** Whole days since 1970-01-01 (UTC). Month-precision sources use the first day of the month. */
  readonly day: Int32Array
  /** Category label per point ('' when the source has none), e.g. a police.uk crime type slug. */
  readonly category: readonly string[]
  /** Harm weight per point (1 when no weights apply). */
  readonly weight: Float64Array
  /** The incident id behind each point when read from the database, or the 1-based data row of the file. */
  readonly reference: readonly string[]
  /** The LSOA code of each point ('' when unknown); absent when the source gives none at all. */
  readonly area?: readonly string[]
  /** Residents per LSOA code, for rates: only the areas whose population is loaded. */
  readonly areaPopulation?: Readonly<Record<string, number>>
  /**
   * Database points only: the areas of their level that have boundaries (within the filter's area
   * when it names one) and the pairs of them whose boundaries touch, for hotspots by contiguity.
   */
  readonly areaContiguity?: AreaContiguity
}

export interface AreaContiguity {
  /** Area codes, sorted. */
  readonly areas: readonly string[]
  /** Positions in `areas` of the areas that share a boundary point, each pair once. */
  readonly pairs: readonly (readonly [number, number])[]
}

/** Reports progress of long work (0..1) with a short description; cheap to call often. */
export type ProgressReporter = (fraction: number, stage: string) => void

/** One parameter of a method, declared once for the CLI flag, the API schema and the page form. */
export interface MethodOption {
  /** camelCase key in the options object, e.g. `h3Resolution`. */
  readonly key: string
  /** kebab-case CLI flag without dashes, e.g. `h3-resolution`. */
  readonly flag: string
  readonly description: string
  readonly type: 'integer' | 'number' | 'number-list' | 'string' | 'enum' | 'boolean'
  readonly choices?: readonly string[]
  readonly minimum?: number
  readonly maximum?: number
  readonly default?: number | string | boolean | readonly number[]
  readonly required?: boolean
  /** A string option whose value the command line reads from the file the flag names (the API and the form take the text). */
  readonly fromFile?: boolean
}

export interface MethodContext {
  readonly progress?: ProgressReporter
  readonly signal?: AbortSignal
}

export interface AnalysisMethod<Options = Record<string, unknown>, Result = unknown> {
  /** The name used on the command line and in URLs, e.g. `gi-star`. */
  readonly name: string
  readonly title: string
  /** One or two plain-words sentences for the page and `--help`. */
  readonly description: string
  readonly options: readonly MethodOption[]
  /**
   * Checks the options against each other (single options are checked from `options` already)
   * and returns field → message for every problem, or {} when they are fine.
   */
  readonly check?: (options: Options) => Record<string, string>
  readonly run: (points: PointSet, options: Options, context: MethodContext) => Result | Promise<Result>
  /** A few lines of text for the CLI without --json. */
  readonly summarise: (result: Result) => string
}

export function defineMethod<Options, Result>(
  method: AnalysisMethod<Options, Result>,
): AnalysisMethod<Options, Result> {
  return method
}

/** Builds a PointSet from plain arrays (tests, file readers). */
export function pointSet(points: {
  longitude: ArrayLike<number>
  latitude: ArrayLike<number>
  day: ArrayLike<number>
  category?: readonly string[]
  weight?: ArrayLike<number>
  reference?: readonly string[]
  area?: readonly string[]
  areaPopulation?: Readonly<Record<string, number>>
}): PointSet {
  const size = points.longitude.length
  if (points.latitude.length !== size || points.day.length !== size) {
    throw new RangeError('longitude, latitude and day must have the same length')
  }
  if (points.area && points.area.length !== size) {
    throw new RangeError('area must have one LSOA code (or an empty string) per point')
  }
  return {
    size,
    longitude: Float64Array.from(points.longitude),
    latitude: Float64Array.from(points.latitude),
    day: Int32Array.from(points.day),
    category: points.category ?? new Array<string>(size).fill(''),
    weight: points.weight ? Float64Array.from(points.weight) : new Float64Array(size).fill(1),
    reference: points.reference ?? Array.from({ length: size }, (_, i) => String(i + 1)),
    ...(points.area ? { area: points.area } : {}),
    ...(points.areaPopulation ? { areaPopulation: points.areaPopulation } : {}),
  }
}

/** Whole days since 1970-01-01 for a UTC date. */
export const dayNumber = (year: number, month: number, day: number): number =>
  Date.UTC(year, month - 1, day) / 86_400_000
