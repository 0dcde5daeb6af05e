import path from 'node:path'
import type { Command } from 'commander'
import { CliError, output, withDatabase } from '../../cli/context.ts'
import { systemClock } from '../../clock.ts'
import { importPoliceUkStreetFile, type ImportResult } from './import-run.ts'
import { incidentStats } from './incident-stats.ts'

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/

function month(name: string, value: string | undefined): string | undefined {
  if (value !== undefined && !MONTH.test(value))
    throw new CliError(`${name} must be a month in the form YYYY-MM, not '${value}'`)
  return value
}

/** A percentage by bytes read: redrawn in place on a terminal, one line per step otherwise. */
function progressPrinter(file: string, always: boolean): ((bytes: number, size: number) => void) | undefined {
  const terminal = process.stderr.isTTY
  if (!terminal && !always) return undefined
  let shown = -1
  return (bytes, size) => {
    const percent = size ? Math.floor((bytes / size) * 100) : 100
    if (percent === shown) return
    shown = percent
    if (!terminal) return void process.stderr.write(`${path.basename(file)}: ${percent}%\n`)
    process.stderr.write(`\r${path.basename(file)}: ${percent}%`)
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
  for (const [label, count] of Object.entries(result.unknownCrimeTypes)) {
    lines.push(`  unknown crime type '${label}' kept as 'unknown': ${count} row(s)`)
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

export function registerDataHubCommands(program: Command): void {
  const importCommand = program.command('import').description('Import data files into the data hub')
  importCommand
    .command('police-uk-street')
    .description('Import data.police.uk street-level crime files (YYYY-MM-<force>-street.csv)')
    .argument('<files...>', 'the CSV files')
    .option('--strict', 'reject a file whole if any row is invalid')
    .option('--json', 'print the results as JSON')
    .option('--progress', 'print progress to stderr even when it is not a terminal')
    .action(async (files: string[], options: { strict?: boolean; json?: boolean; progress?: boolean }) => {
      // Ctrl-C or a polite kill stops after the current batch commits, leaving a run to resume.
      const stop = new AbortController()
      const onSignal = () => stop.abort()
      process.once('SIGINT', onSignal).once('SIGTERM', onSignal)
      const results = await withDatabase('import police-uk-street', async (database) => {
        const done: ImportResult[] = []
        for (const file of files) {
          if (stop.signal.aborted) break
          done.push(
            await importPoliceUkStreetFile(database.db, {
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
    })

  const incidents = program.command('incidents').description('Incidents in the data hub')
  incidents
    .command('stats')
    .description('Count incidents by category and by month')
    .option('--from <month>', 'first month, YYYY-MM')
    .option('--to <month>', 'last month, YYYY-MM')
    .option('--source <kind>', 'only incidents from this source kind, e.g. police-uk-street')
    .option('--json', 'print the counts as JSON')
    .action(async (options: { from?: string; to?: string; source?: string; json?: boolean }) => {
      const filter = {
        from: month('--from', options.from),
        to: month('--to', options.to),
        source: options.source,
      }
      const stats = await withDatabase('incidents stats', (database) => incidentStats(database.db, filter))
      output(options.json, stats, () =>
        [
          `Total: ${stats.total}`,
          ...Object.entries(stats.byType).map(([type, count]) => `  ${type}: ${count}`),
          ...Object.entries(stats.byMonth).map(([m, count]) => `  ${m}: ${count}`),
        ].join('\n'),
      )
    })
}
