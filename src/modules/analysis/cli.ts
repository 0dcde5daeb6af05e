import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { Option, type Command } from 'commander'
import { CliError, output, withDatabase } from '../../cli/context.ts'
import { systemClock } from '../../clock.ts'
import {
  AREA_LEVELS,
  INCIDENT_KINDS,
  isAreaLevel,
  parseIncidentFilter,
  type AreaLevel,
  type IncidentFilter,
} from '../data-hub/index.ts'
import type { ProgressReporter } from './method.ts'
import { ANALYSIS_METHODS, type AnyAnalysisMethod } from './methods.ts'
import { parseMethodOptions, type MethodOptions } from './options.ts'
import { readPointsFile } from './points/read-points-file.ts'
import {
  addPublishableOptions,
  checkPublishableFlags,
  PUBLISHABLE_METHODS,
  publishableOutput,
} from './publication/cli.ts'
import { runAnalysis } from './runs/analysis-run.ts'
import type { AnalysisRunRecord } from './runs/queries.ts'

/**
 * `upstream analyse <method>`: one subcommand per method of the registry, its options as flags.
 * With --input the points come from the file and nothing is saved (for checking against other
 * tools); without, they are the database's incidents matching the filters, and the run is saved
 * and reused. The command line is a trusted operator: it sees every kind of incident.
 */

const FILTER_FLAGS = ['kind', 'category', 'from', 'to', 'area', 'source'] as const
const COMMON_FLAGS = new Set<string>(['input', 'json', 'progress', 'help', 'area-level', ...FILTER_FLAGS])

interface CommonOptions {
  input?: string
  json?: boolean
  progress?: boolean
  kind?: string
  category?: string
  from?: string
  to?: string
  area?: string
  source?: string
  areaLevel?: string
  publishable?: boolean
  threshold?: string
}

/** The option's help: what it is, then its bounds, choices and default. */
function optionHelp(option: AnyAnalysisMethod['options'][number]): string {
  const details = [
    option.choices ? `one of ${option.choices.join(', ')}` : '',
    option.minimum !== undefined && option.maximum !== undefined
      ? `${option.minimum} to ${option.maximum}`
      : '',
    option.default !== undefined
      ? `default: ${Array.isArray(option.default) ? option.default.join(',') : String(option.default)}`
      : '',
    option.required && option.default === undefined ? 'required' : '',
  ].filter(Boolean)
  return details.length ? `${option.description} (${details.join('; ')})` : option.description
}

/** Progress of a long run: redrawn in place on a terminal, one line per ten percent otherwise. */
function progressPrinter(name: string, wanted: boolean): ProgressReporter | undefined {
  const terminal = process.stderr.isTTY
  if (!terminal && !wanted) return undefined
  let shown = -1
  return (fraction, stage) => {
    const percent = Math.floor(Math.min(1, Math.max(0, fraction)) * 100)
    if (percent === shown || (!terminal && percent - shown < 10)) return
    shown = percent
    if (terminal) process.stderr.write(`\r${name}: ${stage} ${String(percent).padStart(3)}%\u001b[K`)
    else process.stderr.write(`${name}: ${stage} ${percent}%\n`)
  }
}

function endProgress(): void {
  if (process.stderr.isTTY) process.stderr.write('\r\u001b[K')
}

/** The filters as the data hub reads them, every kind visible; each problem named by its flag. */
function databaseFilter(given: CommonOptions): IncidentFilter {
  const query = Object.fromEntries(FILTER_FLAGS.map((name) => [name, given[name] ?? '']))
  const parsed = parseIncidentFilter(query, INCIDENT_KINDS)
  if (!parsed.ok) {
    const [name, message] = Object.entries(parsed.errors)[0]!
    throw new CliError(`--${name}: ${message}`)
  }
  return parsed.filter
}

/** The level the run's points are grouped by: the LSOA unless --area-level names another. */
function areaLevelOf(given: CommonOptions): AreaLevel {
  if (given.areaLevel === undefined) return 'lsoa'
  if (!isAreaLevel(given.areaLevel))
    throw new CliError(`--area-level must be one of ${AREA_LEVELS.join(', ')}, not '${given.areaLevel}'`)
  return given.areaLevel
}

function describeRun(run: AnalysisRunRecord, reused: boolean): string {
  const detail = run.inputDetail as { points?: number; withoutLocation?: number }
  const without = detail.withoutLocation ? `, ${detail.withoutLocation} without a location left out` : ''
  return reused
    ? `Analysis run ${run.id} reused: the same ${run.method} over the same data (version ${run.dataVersion}) ran on ${run.finishedAt?.toISOString() ?? '?'}`
    : `Analysis run ${run.id}: ${run.method} over ${detail.points ?? 0} incidents${without}, ${run.durationMs ?? 0} ms, data version ${run.dataVersion}`
}

async function analyseFile(
  method: AnyAnalysisMethod,
  options: MethodOptions,
  common: CommonOptions,
): Promise<void> {
  const read = await readPointsFile(path.resolve(common.input!))
  if (!read.ok) throw new CliError(read.message)
  const stop = new AbortController()
  const onSignal = () => stop.abort()
  process.once('SIGINT', onSignal)
  try {
    const result: unknown = await method.run(read.points, options, {
      progress: progressPrinter(method.name, common.progress ?? false),
      signal: stop.signal,
    })
    endProgress()
    const note = `${read.points.size} points from ${path.basename(common.input!)} (${read.format})${read.withoutLocation ? `, ${read.withoutLocation} without a location left out` : ''}`
    const publishable = publishableOutput(
      method.name,
      result,
      common,
      `points from ${path.basename(common.input!)}`,
    )
    if (publishable !== undefined) {
      console.error(note)
      console.log(publishable.trimEnd())
    } else if (common.json) {
      if (read.withoutLocation) console.error(note)
      console.log(JSON.stringify(result, null, 2))
    } else console.log(`${method.summarise(result)}\n${note}`)
  } finally {
    process.off('SIGINT', onSignal)
  }
}

async function analyseDatabase(
  method: AnyAnalysisMethod,
  options: MethodOptions,
  common: CommonOptions,
): Promise<void> {
  const filter = databaseFilter(common)
  const areaLevel = areaLevelOf(common)
  const stop = new AbortController()
  const onSignal = () => stop.abort()
  process.once('SIGINT', onSignal)
  const { run, reused } = await withDatabase(`analyse ${method.name}`, (database) =>
    runAnalysis(database.db, {
      method,
      options,
      input: { kind: 'database', filter, areaLevel },
      user: null,
      clock: systemClock,
      onProgress: progressPrinter(method.name, common.progress ?? false),
      signal: stop.signal,
    }),
  ).finally(() => process.off('SIGINT', onSignal))
  endProgress()
  if (run.status === 'cancelled') throw new CliError(`Analysis run ${run.id} was cancelled`)
  if (run.status !== 'completed')
    throw new CliError(`Analysis run ${run.id} failed: ${run.error ?? 'no reason was recorded'}`)
  const publishable = publishableOutput(
    method.name,
    run.result,
    common,
    `analysis run ${run.id}; data version ${run.dataVersion}`,
  )
  if (publishable !== undefined) {
    console.error(describeRun(run, reused))
    console.log(publishable.trimEnd())
  } else if (common.json) {
    console.error(describeRun(run, reused))
    console.log(JSON.stringify(run.result, null, 2))
  } else console.log(`${method.summarise(run.result)}\n${describeRun(run, reused)}`)
}

/** Adds `upstream analyse <method>` with the method's options as flags. */
export function addMethodCommand(analyse: Command, method: AnyAnalysisMethod): void {
  const command = analyse.command(method.name).description(`${method.title}: ${method.description}`)
  const keyOf = new Map<string, string>()
  for (const option of method.options) {
    if (COMMON_FLAGS.has(option.flag))
      throw new Error(`${method.name}: the option --${option.flag} clashes with a flag of every method`)
    const flags =
      option.type === 'boolean'
        ? `--${option.flag} [true|false]`
        : `--${option.flag} <${option.type === 'number-list' ? 'list' : 'value'}>`
    const declared = new Option(flags, optionHelp(option))
    keyOf.set(declared.attributeName(), option.key)
    command.addOption(declared)
  }
  if (PUBLISHABLE_METHODS.has(method.name)) addPublishableOptions(command)
  command
    .option(
      '--input <file>',
      'read the points from a CSV, data.police.uk street or GeoJSON file instead of the database',
    )
    .option(
      '--kind <kind>',
      `only incidents of this kind (${INCIDENT_KINDS.join(', ')}); default: every kind`,
    )
    .option('--category <code>', 'only incidents of this category code, such as burglary')
    .option('--from <month>', 'first month, YYYY-MM')
    .option('--to <month>', 'last month, YYYY-MM')
    .option('--area <id>', 'only incidents in this area (or below it), by area id')
    .option('--source <kind>', 'only incidents from this data source, such as police-uk-street')
    .option(
      '--area-level <level>',
      `group the incidents by the areas of this level (${AREA_LEVELS.join(', ')}); the methods' "lsoa" options then mean these areas; default: lsoa`,
    )
    .option('--json', "print the method's result as JSON")
    .option('--progress', 'print progress to stderr even when it is not a terminal')
    .action(async (given: Record<string, unknown> & CommonOptions) => {
      const raw: Record<string, unknown> = {}
      for (const [attribute, key] of keyOf) if (given[attribute] !== undefined) raw[key] = given[attribute]
      for (const option of method.options) {
        const file = raw[option.key]
        if (option.fromFile && typeof file === 'string')
          raw[option.key] = await optionFileText(option.flag, file)
      }
      const options = parseOptionsOrExit(method, raw)
      checkPublishableFlags(method.name, given, options)
      if (given.input !== undefined) {
        if (given.areaLevel !== undefined)
          throw new CliError(
            '--area-level groups incidents in the database by their areas: with --input the areas are those the file gives',
          )
        const filters = FILTER_FLAGS.filter((name) => given[name] !== undefined)
        if (filters.length) {
          throw new CliError(
            `--${filters[0]} filters incidents in the database: with --input every point of the file is used`,
          )
        }
        await analyseFile(method, options, given)
      } else await analyseDatabase(method, options, given)
    })
}

/** The text of the file an option's flag names (MethodOption.fromFile). */
async function optionFileText(flag: string, file: string): Promise<string> {
  try {
    return await readFile(path.resolve(file), 'utf8')
  } catch (error) {
    throw new CliError(
      `--${flag}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    )
  }
}

/** Bad options are one line naming the first bad flag, and how many others there are. */
function parseOptionsOrExit(method: AnyAnalysisMethod, raw: Record<string, unknown>): MethodOptions {
  try {
    return parseMethodOptions(method, raw, 'flag')
  } catch (error) {
    const fields = (error as { fields?: Record<string, string> }).fields
    if (!fields) throw error
    const messages = Object.values(fields)
    throw new CliError(
      messages.length > 1
        ? `${messages[0]} (and ${messages.length - 1} more: ${messages.slice(1).join('; ')})`
        : messages[0]!,
    )
  }
}

export function registerAnalysisCommands(
  program: Command,
  methods: readonly AnyAnalysisMethod[] = ANALYSIS_METHODS,
): void {
  const analyse = program
    .command('analyse')
    .description('Analyse incidents from the database or a file: hotspots, near-repeats, density and more')
  analyse
    .command('list')
    .description('List the analysis methods')
    .option('--json', 'print the methods and their options as JSON')
    .action((given: { json?: boolean }) => {
      output(
        given.json,
        {
          methods: methods.map(({ name, title, description, options }) => ({
            name,
            title,
            description,
            options,
          })),
        },
        () =>
          methods.map((method) => `${method.name.padEnd(28)}${method.title}`).join('\n') ||
          'No analysis methods are registered.',
      )
    })
  for (const method of methods) addMethodCommand(analyse, method)
}
