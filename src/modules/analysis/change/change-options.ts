/**
 * The options of the change method (spatial point pattern test), declared once for the CLI, the API
 * and the page form, and how they are checked against each other.
 */
import type { MethodOption } from '../method.ts'
import { P_VALUE_ADJUSTMENTS, type PValueAdjustment } from '../statistics/p-value-adjustment.ts'
import { DIFFERENCE_TESTS, type DifferenceTest } from './spatial-point-pattern-test.ts'

export const SPLITS = ['period', 'category'] as const
export const CHANGE_TESTS = ['classic', 'bootstrap', 'proportion-difference'] as const
export const CHANGE_AREAS = ['h3', 'lsoa'] as const

export interface ChangeMethodOptions {
  readonly split: (typeof SPLITS)[number]
  readonly baseFrom?: string
  readonly baseTo?: string
  readonly testFrom?: string
  readonly testTo?: string
  readonly baseCategory?: string
  readonly testCategory?: string
  readonly areas: (typeof CHANGE_AREAS)[number]
  readonly h3Resolution: number
  readonly method: (typeof CHANGE_TESTS)[number]
  readonly samples: number
  readonly samplePercent: number
  readonly confidence: number
  readonly seed: number
  readonly differenceTest: DifferenceTest
  readonly adjustment: PValueAdjustment
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const DATE_OPTIONS = ['baseFrom', 'baseTo', 'testFrom', 'testTo'] as const

/** Whole days since 1970-01-01 of an ISO date (YYYY-MM-DD), or null when it is not a real date. */
export function isoDateDay(text: string): number | null {
  const match = ISO_DATE.exec(text)
  if (!match) return null
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const time = Date.UTC(year, month - 1, day)
  const date = new Date(time)
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return null
  return time / 86_400_000
}

export function checkChangeOptions(options: ChangeMethodOptions): Record<string, string> {
  const problems: Record<string, string> = {}
  if (options.split === 'period') {
    for (const key of DATE_OPTIONS) {
      const value = options[key]
      const date = `The ${key.startsWith('base') ? 'base' : 'test'} period's ${key.endsWith('From') ? 'first' : 'last'} day`
      if (value === undefined)
        problems[key] = `${date} is needed to split the points by period (such as 2023-04-01)`
      else if (isoDateDay(value) === null) {
        problems[key] = `${date} must be a real date written YYYY-MM-DD, such as 2023-04-01, not '${value}'`
      }
    }
    for (const pattern of ['base', 'test'] as const) {
      const from = options[`${pattern}From`]
      const to = options[`${pattern}To`]
      if (
        from &&
        to &&
        isoDateDay(from) !== null &&
        isoDateDay(to) !== null &&
        isoDateDay(from)! > isoDateDay(to)!
      ) {
        problems[`${pattern}To`] = `The ${pattern} period ends (${to}) before it starts (${from})`
      }
    }
  } else {
    for (const key of ['baseCategory', 'testCategory'] as const) {
      if (!options[key]) {
        problems[key] =
          `The ${key === 'baseCategory' ? 'base' : 'test'} category is needed to split the points by category (such as burglary)`
      }
    }
    if (options.baseCategory && options.baseCategory === options.testCategory) {
      problems.testCategory = `The test category must differ from the base category ('${options.baseCategory}')`
    }
  }
  if (!Number.isInteger(options.h3Resolution) || options.h3Resolution < 0 || options.h3Resolution > 15) {
    problems.h3Resolution = `The H3 resolution must be a whole number from 0 to 15, not ${options.h3Resolution}`
  }
  return problems
}

export const CHANGE_OPTIONS: readonly MethodOption[] = [
  {
    key: 'split',
    flag: 'split',
    description:
      'How to split the points into the base and the test pattern: by period (dates) or by category.',
    type: 'enum',
    choices: SPLITS,
    default: 'period',
  },
  ...DATE_OPTIONS.map((key) => ({
    key,
    flag: key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`),
    description: `With --split period: the ${key.startsWith('base') ? 'base' : 'test'} period ${key.endsWith('From') ? 'starts' : 'ends'} on this date (YYYY-MM-DD, included).`,
    type: 'string' as const,
  })),
  {
    key: 'baseCategory',
    flag: 'base-category',
    description: 'With --split category: the category of the base pattern, such as burglary.',
    type: 'string',
  },
  {
    key: 'testCategory',
    flag: 'test-category',
    description: 'With --split category: the category of the test pattern.',
    type: 'string',
  },
  {
    key: 'areas',
    flag: 'areas',
    description:
      'The areas compared: H3 cells (h3) or LSOAs (lsoa, from the LSOA code of each point) holding a point of either pattern.',
    type: 'enum',
    choices: CHANGE_AREAS,
    default: 'h3',
  },
  {
    key: 'h3Resolution',
    flag: 'h3-resolution',
    description:
      'With --areas h3: the H3 resolution of the areas (8: cells of about 0.74 km²; 9: about 0.1 km²).',
    type: 'integer',
    minimum: 0,
    maximum: 15,
    default: 8,
  },
  {
    key: 'method',
    flag: 'method',
    description:
      "classic: Andresen's test, resampling the test points; bootstrap: resampling both patterns, so that " +
      "swapping them does not change the result; proportion-difference: a test of each area's two " +
      'proportions with p-values adjusted for the number of areas (both from Wheeler, Steenbeek & Andresen 2018).',
    type: 'enum',
    choices: CHANGE_TESTS,
    default: 'classic',
  },
  {
    key: 'samples',
    flag: 'samples',
    description: 'Classic and bootstrap: how many random samples to draw.',
    type: 'integer',
    minimum: 10,
    maximum: 100_000,
    default: 100,
  },
  {
    key: 'samplePercent',
    flag: 'sample-percent',
    description: 'Classic: each sample holds this percentage of the test points, drawn without replacement.',
    type: 'number',
    minimum: 1,
    maximum: 100,
    default: 85,
  },
  {
    key: 'confidence',
    flag: 'confidence',
    description:
      'Confidence level in percent: the width of the intervals (classic, bootstrap), or 100 − the significance level.',
    type: 'number',
    minimum: 50,
    maximum: 99.9,
    default: 95,
  },
  {
    key: 'seed',
    flag: 'seed',
    description: 'Classic and bootstrap: seed of the random samples; the same seed gives the same result.',
    type: 'integer',
    minimum: 0,
    maximum: 4_294_967_295,
    default: 1,
  },
  {
    key: 'differenceTest',
    flag: 'difference-test',
    description:
      'Proportion difference: the test of each area, chi-square-n-minus-1 (the default of R sppt_diff), ' +
      "chi-square, yates (with continuity correction) or fisher (Fisher's exact test).",
    type: 'enum',
    choices: DIFFERENCE_TESTS,
    default: 'chi-square-n-minus-1',
  },
  {
    key: 'adjustment',
    flag: 'adjustment',
    description:
      'Proportion difference: how p-values are adjusted for testing many areas (as R p.adjust; ' +
      'benjamini-yekutieli is the default of R sppt_diff).',
    type: 'enum',
    choices: P_VALUE_ADJUSTMENTS,
    default: 'benjamini-yekutieli',
  },
]
