import { defineMethod, type MethodOption } from '../method.ts'
import { DISTANCE_MEASURES, type DistanceMeasure } from './distance.ts'
import {
  DEFAULT_PERMUTATIONS,
  DEFAULT_SEED,
  MAXIMUM_PERMUTATIONS,
  knoxOptionProblems,
  knoxTest,
  type KnoxBand,
} from './knox.ts'

export interface NearRepeatOptions {
  readonly spaceBands: readonly number[]
  readonly timeBands: readonly number[]
  readonly permutations: number
  readonly seed: number
  readonly distance: DistanceMeasure
}

/** The fixed contract of issue 4: `{"bands":[{"space","time","observed","expected","ratio","p"}]}`. */
export interface NearRepeatResult {
  readonly bands: KnoxBand[]
}

/** The Knox test's options, shared with near-repeat-risk. */
export const KNOX_METHOD_OPTIONS: readonly MethodOption[] = [
  {
    key: 'spaceBands',
    flag: 'space-bands',
    description:
      'Distance bands in metres as break points: 0,1,100,200,400 gives 0 to under 1 m (the same place), ' +
      '1 to under 100 m, 100 to under 200 m and 200 to under 400 m.',
    type: 'number-list',
    minimum: 0,
    default: [0, 1, 100, 200, 400],
  },
  {
    key: 'timeBands',
    flag: 'time-bands',
    description:
      'Time bands in days as break points: 0,1,8,15,29 gives the same day, 1 to 7 days, 8 to 14 days and ' +
      '15 to 28 days apart.',
    type: 'number-list',
    minimum: 0,
    default: [0, 1, 8, 15, 29],
  },
  {
    key: 'permutations',
    flag: 'permutations',
    description:
      'How many random reshufflings of the dates give the counts expected by chance (999 is usual).',
    type: 'integer',
    minimum: 1,
    maximum: MAXIMUM_PERMUTATIONS,
    default: DEFAULT_PERMUTATIONS,
  },
  {
    key: 'seed',
    flag: 'seed',
    description: 'Seed of the reshuffling: the same seed gives the same result.',
    type: 'integer',
    minimum: 0,
    maximum: 4_294_967_295,
    default: DEFAULT_SEED,
  },
  {
    key: 'distance',
    flag: 'distance',
    description:
      'haversine: straight-line (great-circle) distance; manhattan: east-west plus north-south, for street grids.',
    type: 'enum',
    choices: DISTANCE_MEASURES,
    default: 'haversine',
  },
]

export const nearRepeatMethod = defineMethod<NearRepeatOptions, NearRepeatResult>({
  name: 'near-repeat',
  title: 'Near repeats (Knox test)',
  description:
    'Tests whether incidents close in space are also close in time more often than chance would give, ' +
    'for each pair of a distance band and a time band (the Knox test, as the R package NearRepeat).',
  options: KNOX_METHOD_OPTIONS,
  check: knoxOptionProblems,
  run: async (points, options, context) => {
    const result = await knoxTest(points.longitude, points.latitude, points.day, {
      ...options,
      progress: context.progress,
      signal: context.signal,
    })
    return { bands: result.bands }
  },
  summarise: (result) => summariseBands(result.bands),
})

/** One line per band pair, marking Knox ratios significant at 5%. */
export function summariseBands(bands: readonly KnoxBand[]): string {
  const lines = ['distance (m)   days       observed  expected   ratio  p']
  for (const band of bands) {
    const ratio = band.ratio === null ? '-' : band.ratio.toFixed(2)
    lines.push(
      `${`[${band.space[0]}, ${band.space[1]})`.padEnd(15)}${`[${band.time[0]}, ${band.time[1]})`.padEnd(11)}` +
        `${String(band.observed).padStart(8)}  ${band.expected.toFixed(2).padStart(8)}  ${ratio.padStart(6)}  ` +
        `${band.p.toFixed(3)}${band.p < 0.05 && band.ratio !== null && band.ratio > 1 ? ' *' : ''}`,
    )
  }
  lines.push('* more pairs than chance would give (p < 0.05)')
  return lines.join('\n')
}
