import type { Command } from 'commander'
import { CliError } from '../../../cli/context.ts'
import { DomainError } from '../../../errors.ts'
import type { CountsResult } from '../counts/counts-method.ts'
import {
  countsPublication,
  FINEST_PUBLISHABLE_H3_RESOLUTION,
  PUBLISHABLE_METHODS,
} from './counts-publication.ts'

export { PUBLISHABLE_METHODS }
import { publicationCsv } from './publication-csv.ts'
import { DEFAULT_THRESHOLD, thresholdProblem } from './small-number-suppression.ts'

export interface PublishableFlags {
  publishable?: boolean
  threshold?: string
  json?: boolean
}

export function addPublishableOptions(command: Command): void {
  command
    .option(
      '--publishable',
      'print the table fit to publish beyond signed-in staff, as CSV: small counts suppressed (docs/analysis/publication.md)',
    )
    .option(
      '--threshold <k>',
      `with --publishable: counts from 1 to k - 1 are shown as "fewer than k" (default: ${DEFAULT_THRESHOLD})`,
    )
}

/**
 * The threshold the flags ask for (undefined: the default); bad flags are one line naming the flag.
 * Given the method's options (defaults filled in), cells too fine to publish are refused before the run.
 */
export function checkPublishableFlags(
  methodName: string,
  flags: PublishableFlags,
  options?: { unit?: unknown; h3Resolution?: unknown },
): number | undefined {
  if (!flags.publishable) {
    if (flags.threshold !== undefined)
      throw new CliError('--threshold is for --publishable: add --publishable')
    return undefined
  }
  if (!PUBLISHABLE_METHODS.has(methodName)) throw new CliError(`${methodName} has no publishable table`)
  if (flags.json) throw new CliError('--publishable prints a CSV table: leave out --json')
  const resolution = Number(options?.h3Resolution)
  if (options?.unit === 'h3' && resolution > FINEST_PUBLISHABLE_H3_RESOLUTION)
    throw new CliError(
      `--publishable: H3 cells at resolution ${resolution} are too fine to publish: give --h3-resolution ${FINEST_PUBLISHABLE_H3_RESOLUTION} or less, or --unit lsoa`,
    )
  if (flags.threshold === undefined) return undefined
  const problem = /^\d+$/.test(flags.threshold.trim())
    ? thresholdProblem(Number(flags.threshold))
    : `a whole number is needed, not '${flags.threshold}'`
  if (problem) throw new CliError(`--threshold: ${problem}`)
  return Number(flags.threshold)
}

/** The publishable CSV when --publishable was given, else undefined. */
export function publishableOutput(
  methodName: string,
  result: unknown,
  flags: PublishableFlags,
  source: string,
): string | undefined {
  const threshold = checkPublishableFlags(methodName, flags)
  if (!flags.publishable) return undefined
  try {
    return publicationCsv(countsPublication(result as CountsResult, { threshold, source }), false)
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    const [flag, message] = Object.entries(error.fields)[0] ?? ['', error.message]
    throw new CliError(flag === 'threshold' ? `--threshold: ${message}` : message)
  }
}
