import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import path from 'node:path'
import type { Command } from 'commander'
import { CliError, output, withDatabase } from '../../cli/context.ts'
import { systemClock } from '../../clock.ts'
import { detectFormatExplained, formatByKind, IMPORT_FORMATS } from './formats/index.ts'
import { importFile, type ImportResult } from './import-run.ts'
import { DEFAULT_STATS_KINDS, demoIncidentsCounted, incidentStats } from './incident-stats.ts'
import { DEMO_STREET_FILES } from './index.ts'
import { INCIDENT_KINDS, type IncidentKind } from './tables.ts'
import { registerGeographyCommands } from './geography/cli.ts'

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/

function month(name: string, value: string | undefined): string | undefined {
  if (value !== undefined && !MONTH.test(value))
    throw new CliError(`${name} must be a month in the form YYYY-MM, not '${value}'`)
  return value
}

/** Progress by bytes read: a bar redrawn in place on a terminal, one line per percent otherwise. */
function progressPrinter(file: string, always: boolean): ((bytes: number, size: number) => void) | undefined {
  const terminal = process.stderr.isTTY
  if (!terminal && !always) return undefined
  let shown = -1
  return (bytes, size) => {
    const percent = size ? Math.floor((bytes / size) * 100) : 100
    if (percent === shown) return
    shown = percent
    if (!terminal) return void process.stderr.write(`${path.basename(file)}: ${percent}%\n`)
    const filled = Math.round(percent / 5)
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(20 - filled)}]`
    process.stderr.write(`\r${path.basename(file)}: ${bar} ${String(percent).padStart(3)}%`)
    if (percent === 100) process.stderr.write('\n')
  }
}

function describe(result: ImportResult): string {
  if (result.status === 'already-imported') return result.message ?? `${result.file}: already imported`
  const lines = [
    `${result.file}: ${result.status}${result.resumed ? ' (resumed)' : ''}, run ${result.runId}`,
    `  rows read ${result.rowsRead}, inserted ${result.rowsInserted}, updated ${result.rowsUpdated}, rejected ${result.rowsRejected}, ${result.durationMs} ms`,
  ]
  if (result.message) lines.push(`  ${result.message}`)
  for (const { column, label, rows } of result.unknownLabels) {
    lines.push(`  unknown ${column} '${label}' kept as 'unknown': ${rows} row(s)`)
  }
  for (const rejection of result.firstRejections) {
    const column = rejection.column ? `, column '${rejection.column}'` : ''
    lines.push(`  rejected row ${rejection.rowNumber}${column}: ${rejection.reason}`)
  }
  if (result.rowsRejected > result.firstRejections.length) {
    lines.push(
      `  ... and ${result.rowsRejected - result.firstRejections.length} more in the report of run ${result.runId}`,
    )
  }
  return lines.join('\n')
}

const AUTO = 'auto'

function parseKinds(value: string | undefined): IncidentKind[] | undefined {
  if (value === undefined) return undefined
  if (value === 'all') return [...INCIDENT_KINDS]
  const given = value.split(',').map((kind) => kind.trim())
  const unknown = given.filter((kind) => !(INCIDENT_KINDS as readonly string[]).includes(kind))
  if (unknown.length || !given.length)
    throw new CliError(
      `--kind '${unknown.join(',') || value}' is not a kind: use ${INCIDENT_KINDS.join(', ')} or all`,
    )
  return given as IncidentKind[]
}

/** Every file must be there and be a file before any is imported, so a typo is caught up front. */
async function checkReadableFiles(files: readonly string[]): Promise<void> {
  for (const file of files) {
    const found = await stat(file).catch((error: NodeJS.ErrnoException) => error)
    if (found instanceof Error) {
      throw new CliError(
        found.code === 'ENOENT'
          ? `${file}: no such file`
          : `${file}: cannot be read (${found.code ?? found.message})`,
      )
    }
    if (!found.isFile()) throw new CliError(`${file}: not a file`)
    await access(file, constants.R_OK).catch(() => {
      throw new CliError(`${file}: cannot be read (permission denied)`)
    })
  }
}

/** A failed result for a file whose format could not be told from its header. */
function undetected(file: string, why: string): ImportResult {
  return {
    runId: null,
    file: path.basename(file),
    kind: AUTO,
    status: 'failed',
    message: `${path.basename(file)}: ${why}`,
    resumed: false,
    batchesSkipped: 0,
    rowsRead: 0,
    rowsInserted: 0,
    rowsUpdated: 0,
    rowsRejected: 0,
    durationMs: 0,
    unknownLabels: [],
    firstRejections: [],
  }
}

export function registerDataHubCommands(program: Command): void {
  registerGeographyCommands(program)
  const kinds = IMPORT_FORMATS.map((format) => `  ${format.kind.padEnd(24)}${format.name}`).join('\n')
  program
    .command('import')
    .description('Import data files into the data hub')
    .argument('<kind>', `the format of the files, or '${AUTO}' to tell each file's from its header`)
    .argument('<files...>', 'the CSV files')
    .option('--strict', 'reject a file whole if any row is invalid')
    .option('--json', 'print the results as JSON')
    .option('--progress', 'print progress to stderr even when it is not a terminal')
    .addHelpText('after', `\nKinds:\n${kinds}`)
    .action(
      async (
        kind: string,
        files: string[],
        options: { strict?: boolean; json?: boolean; progress?: boolean },
      ) => {
        const named = kind === AUTO ? null : formatByKind(kind)
        if (kind !== AUTO && !named) {
          throw new CliError(
            `Unknown kind '${kind}': use one of ${[...IMPORT_FORMATS.map((f) => f.kind), AUTO].join(', ')}`,
          )
        }
        await checkReadableFiles(files)
        // Ctrl-C or a polite kill stops after the current batch commits, leaving a run to resume.
        const stop = new AbortController()
        const onSignal = () => stop.abort()
        process.once('SIGINT', onSignal).once('SIGTERM', onSignal)
        const results = await withDatabase(`import ${kind}`, async (database) => {
          const done: ImportResult[] = []
          for (const file of files) {
            if (stop.signal.aborted) break
            const detected = named ? { format: named } : await detectFormatExplained(path.resolve(file))
            const format = detected.format
            if (!format) {
              done.push(undetected(file, 'message' in detected ? detected.message : ''))
              continue
            }
            done.push(
              await importFile(database.db, format, {
                file: path.resolve(file),
                strict: options.strict,
                clock: systemClock,
                onProgress: progressPrinter(file, options.progress ?? false),
                signal: stop.signal,
              }),
            )
          }
          return done
        }).finally(() => process.off('SIGINT', onSignal).off('SIGTERM', onSignal))
        output(options.json, { results }, () => results.map(describe).join('\n'))
        const failed = results.filter((r) => r.status !== 'completed' && r.status !== 'already-imported')
        if (failed.length)
          throw new CliError(
            `${failed.length} of ${results.length} file(s) were not imported: ${failed.map((r) => r.message).join('; ')}`,
          )
      },
    )

  const incidents = program.command('incidents').description('Incidents in the data hub')
  incidents
    .command('stats')
    .description('Count incidents by category and by month')
    .option('--from <month>', 'first month, YYYY-MM')
    .option('--to <month>', 'last month, YYYY-MM')
    .option('--source <kind>', 'only incidents from this source kind, e.g. police-uk-street')
    .option(
      '--kind <kinds>',
      `the incident kinds to count, comma-separated, or 'all' (default: ${DEFAULT_STATS_KINDS.join(',')}; others: ${INCIDENT_KINDS.filter((k) => !DEFAULT_STATS_KINDS.includes(k)).join(', ')})`,
    )
    .option('--json', 'print the counts as JSON')
    .action(
      async (options: { from?: string; to?: string; source?: string; kind?: string; json?: boolean }) => {
        const filter = {
          from: month('--from', options.from),
          to: month('--to', options.to),
          source: options.source,
          kinds: parseKinds(options.kind),
        }
        const { stats, demo } = await withDatabase('incidents stats', async (database) => ({
          stats: await incidentStats(database.db, filter),
          demo: await demoIncidentsCounted(database.db, filter, DEMO_STREET_FILES),
        }))
        if (demo > 0) {
          console.error(
            `Note: ${demo} of these incidents are the demo's sample files (loaded on first start); ` +
              'filter by --from/--to, or use a data folder started with UPSTREAM_DEMO_DATA=false, to count only your own.',
          )
        }
        output(options.json, stats, () =>
          [
            `Total: ${stats.total}`,
            ...Object.entries(stats.byType).map(([type, count]) => `  ${type}: ${count}`),
            ...Object.entries(stats.byMonth).map(([m, count]) => `  ${m}: ${count}`),
          ].join('\n'),
        )
      },
    )
}
