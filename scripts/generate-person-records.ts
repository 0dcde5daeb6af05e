/**
 * Writes a file of synthetic person records with known truth (issue 5): a West Midlands population
 * seen through several partner systems, with typos, nicknames, date of birth slips, moves and
 * missing fields, and each record's true person in `true_id`. The same seed gives the same file.
 * See docs/people/synthetic-records.md.
 *
 *   node --import tsx scripts/generate-person-records.ts --records 100000 --seed 1 --output people.csv
 *   node --import tsx scripts/generate-person-records.ts --records 1000 --output -      (to standard output)
 *   node --import tsx scripts/generate-person-records.ts --records 100000 --output people.csv --summary
 *
 * --summary prints, as JSON on standard error, what the file holds: people, households, twins,
 * fathers and sons of the same name, movers, the commonest surnames and how often each error came out.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { writePersonRecordsCsv, writePersonRecordsFile } from '../src/modules/people/synthetic/csv-file.ts'
import { PersonRecordsTally } from '../src/modules/people/synthetic/summary.ts'

const USAGE =
  'usage: generate-person-records --records N [--seed S] --output FILE (- for standard output) [--summary]'

export interface GenerateArguments {
  readonly records: number
  readonly seed: number
  readonly output: string
  readonly summary: boolean
}

/** The command line checked: a result with the arguments, or the message that says what is wrong. */
export function parseGenerateArguments(args: readonly string[]): GenerateArguments | { error: string } {
  let values: { records?: string; seed?: string; output?: string; summary?: boolean; help?: boolean }
  try {
    ;({ values } = parseArgs({
      args: [...args],
      options: {
        records: { type: 'string' },
        seed: { type: 'string', default: '1' },
        output: { type: 'string' },
        summary: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
    }))
  } catch (error) {
    return { error: `${(error as Error).message}\n${USAGE}` }
  }
  if (values.help) return { error: USAGE }
  const records = wholeNumber(values.records)
  if (records === null || records < 0)
    return {
      error: `--records must be a whole number of 0 or more, not ${JSON.stringify(values.records ?? '')}\n${USAGE}`,
    }
  const seed = wholeNumber(values.seed)
  if (seed === null)
    return { error: `--seed must be a whole number, not ${JSON.stringify(values.seed)}\n${USAGE}` }
  if (!values.output) return { error: `--output is required\n${USAGE}` }
  return { records, seed, output: values.output, summary: values.summary === true }
}

function wholeNumber(text: string | undefined): number | null {
  if (text === undefined || !/^-?\d+$/.test(text.replaceAll('_', ''))) return null
  const value = Number(text.replaceAll('_', ''))
  return Number.isSafeInteger(value) ? value : null
}

async function main(): Promise<number> {
  const parsed = parseGenerateArguments(process.argv.slice(2))
  if ('error' in parsed) {
    console.error(parsed.error)
    return 2
  }
  const started = performance.now()
  const options = { records: parsed.records, seed: parsed.seed }
  const tally = parsed.summary ? new PersonRecordsTally() : undefined
  try {
    if (parsed.output === '-') {
      await writePersonRecordsCsv(options, process.stdout, tally)
    } else {
      const written = await writePersonRecordsFile(options, parsed.output, tally)
      const seconds = ((performance.now() - started) / 1000).toFixed(1)
      console.error(`wrote ${written.toLocaleString('en-GB')} records to ${parsed.output} in ${seconds} s`)
    }
    if (tally) console.error(JSON.stringify(tally.summary(), null, 2))
    return 0
  } catch (error) {
    // A reader that stops early (`| head`) closes the pipe: that is the end of the job, not a failure.
    if (parsed.output === '-' && (error as NodeJS.ErrnoException).code === 'EPIPE') return 0
    console.error(`cannot write ${parsed.output}: ${(error as Error).message}`)
    return 1
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  process.exitCode = await main()
