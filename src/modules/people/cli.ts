/**
 * `upstream link evaluate --input FILE`: links the person records of a CSV file (no database) and
 * scores the identities found against the file's true_id column, pair by pair.
 */
import { availableParallelism } from 'node:os'
import type { Command } from 'commander'
import { CliError, output, withDatabase } from '../../cli/context.ts'
import { systemClock } from '../../clock.ts'
import { DEFAULT_REVIEW_FROM, DEFAULT_THRESHOLD, runLinkage } from './link-run.ts'
import { pairwiseScores } from './linkage/evaluate.ts'
import { linkRecords } from './linkage/link-records.ts'
import { LinkFileError, readLinkFile } from './linkage/link-file.ts'

interface EvaluateOptions {
  input: string
  json?: boolean
  threshold?: string
  threads?: string
}

function probabilityOption(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback
  const value = Number(text)
  if (!/^\s*(0?\.\d+|0|1)\s*$/.test(text) || !(value > 0 && value < 1)) {
    throw new CliError(`--${flag} must be a probability above 0 and below 1 (such as 0.9), not '${text}'`)
  }
  return value
}

function threadsOption(text: string | undefined): number {
  if (text === undefined) return Math.min(2, availableParallelism())
  const value = Number(text)
  if (!/^\d+$/.test(text.trim()) || value < 1 || value > 64) {
    throw new CliError(`--threads must be a whole number from 1 to 64, not '${text}'`)
  }
  return value
}

const seconds = (milliseconds: number) => Math.round(milliseconds) / 1000

/**
 * The evaluation scores the linker's own decision: two records are one person when that is more
 * likely than not. A database run links from 0.9 and shows the pairs from 0.5 to 0.9 to a reviewer
 * (link-run.ts), so this is what the database holds once reviewers agree with the model; decision 0010.
 */
const EVALUATE_THRESHOLD = 0.5

export function registerPeopleCommands(program: Command): void {
  const link = program
    .command('link')
    .description('Link person records into identities (probabilistic record linkage)')
  link
    .command('evaluate')
    .description(
      'Link the person records of a CSV file and print pairwise precision, recall and F1 against its true_id column ' +
        '(header: source,record_id,first_name,last_name,date_of_birth,address,postcode,true_id)',
    )
    .requiredOption('--input <file>', 'the CSV file of person records')
    .option(
      '--threshold <p>',
      `match probability from which two records are linked (default ${EVALUATE_THRESHOLD}: more likely the same person than not)`,
    )
    .option('--threads <n>', 'threads comparing record pairs (default: 2, or 1 on a one-core machine)')
    .option('--json', 'print the result as JSON')
    .action(async (options: EvaluateOptions) => {
      const threshold = probabilityOption(options.threshold, 'threshold', EVALUATE_THRESHOLD)
      const threads = threadsOption(options.threads)
      const started = performance.now()
      let file
      try {
        file = await readLinkFile(options.input)
      } catch (error) {
        if (error instanceof LinkFileError) throw new CliError(error.message)
        throw error
      }
      const read = performance.now() - started
      const result = await linkRecords(file.records, {
        threshold,
        reviewBand: Math.min(0.5, threshold),
        threads,
      })
      const scores = pairwiseScores(result.identities, file.trueIdentities)
      const total = performance.now() - started
      const summary = {
        records: file.records.length,
        identities: result.identityCount,
        trueIdentities: new Set(file.trueIdentities).size,
        threshold,
        threads,
        precision: scores.precision,
        recall: scores.recall,
        f1: scores.f1,
        truePairs: scores.truePairs,
        predictedPairs: scores.predictedPairs,
        truePositivePairs: scores.truePositivePairs,
        comparedPairs: result.comparedPairs,
        reviewPairs: result.review.length,
        seconds: { read: seconds(read), link: seconds(result.timings.total), total: seconds(total) },
        timings: Object.fromEntries(
          Object.entries(result.timings).map(([stage, ms]) => [stage, seconds(ms)]),
        ),
        blocking: result.blocking,
        model: result.model,
      }
      const number = (value: number) => value.toLocaleString('en-GB')
      output(options.json, summary, () =>
        [
          `Linked ${number(summary.records)} records into ${number(summary.identities)} identities ` +
            `(the file has ${number(summary.trueIdentities)}) in ${summary.seconds.total.toFixed(1)} s ` +
            `(reading ${summary.seconds.read.toFixed(1)} s, linking ${summary.seconds.link.toFixed(1)} s).`,
          `Pairwise precision ${scores.precision.toFixed(4)}, recall ${scores.recall.toFixed(4)}, F1 ${scores.f1.toFixed(4)} ` +
            `(${number(scores.truePositivePairs)} of ${number(scores.predictedPairs)} linked pairs correct; ` +
            `${number(scores.truePairs)} true pairs).`,
          `${number(summary.comparedPairs)} pairs compared; ${number(summary.reviewPairs)} in the review band.`,
        ].join('\n'),
      )
    })

  link
    .command('run')
    .description(
      "Link every person record in the database into people, keeping person ids and every reviewer's decision; " +
        'uncertain pairs go to the review queue and households are rebuilt',
    )
    .option(
      '--threshold <p>',
      `match probability from which two records are linked (default ${DEFAULT_THRESHOLD})`,
    )
    .option(
      '--review-from <p>',
      `match probability from which a pair goes to review (default ${DEFAULT_REVIEW_FROM})`,
    )
    .option('--json', 'print the result as JSON')
    .action(async (options: { threshold?: string; reviewFrom?: string; json?: boolean }) => {
      const threshold = probabilityOption(options.threshold, 'threshold', DEFAULT_THRESHOLD)
      const reviewFrom = probabilityOption(
        options.reviewFrom,
        'review-from',
        Math.min(DEFAULT_REVIEW_FROM, threshold),
      )
      if (reviewFrom > threshold)
        throw new CliError(`--review-from (${reviewFrom}) must not be above --threshold (${threshold})`)
      const summary = await withDatabase('link run', (database) =>
        runLinkage(database.db, {
          threshold,
          reviewFrom,
          clock: systemClock,
          onProgress: options.json ? undefined : (line) => console.error(line),
        }),
      )
      const { model: _model, ...printed } = summary
      output(
        options.json,
        printed,
        () =>
          `Linkage run ${summary.runId}: ${summary.records} person records linked into ${summary.identities} people ` +
          `(${summary.newPeople} new, ${summary.mergedPeople} merged), ${summary.reviewPairs} pairs to review, ` +
          `${summary.households} households, in ${summary.seconds.toFixed(1)} s.`,
      )
    })
}
