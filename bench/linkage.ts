/**
 * Record linkage against known truth (issue 5): synthetic person records with realistic errors
 * (src/modules/people/synthetic, docs/people/synthetic-records.md) at 100,000 and 1,000,000
 * records, linked by `upstream link evaluate --input FILE --json` in a child process, whose
 * pairwise precision, recall and F1 are printed with its wall time, CPU time and peak RSS against
 * the goals (F1 at least 0.95; 1,000,000 records in under 60 s on the 2-core machine) and the peer
 * (Splink: about a million records in about a minute on a laptop).
 *
 *   node --import tsx bench/linkage.ts                                   both sizes
 *   BENCH_LINKAGE_RECORDS=100000 node --import tsx bench/linkage.ts       one size (a comma list also works)
 *   BENCH_LINKAGE_SEED=7 node --import tsx bench/linkage.ts               another population
 *   BENCH_LINKAGE_ARGS="--threads 1" node --import tsx bench/linkage.ts   options passed on to the command
 *
 * The child's CPU time and peak RSS come from GNU time (/usr/bin/time -v) when it is there; without
 * it, from polling /proc/<pid>/status (VmHWM) and /proc/<pid>/stat (utime + stime) every 50 ms.
 * The files are written to a temporary folder, removed at the end (BENCH_LINKAGE_KEEP=1 keeps it).
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { writePersonRecordsFile } from '../src/modules/people/synthetic/csv-file.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const SIZES = (process.env.BENCH_LINKAGE_RECORDS ?? '100000,1000000')
  .split(',')
  .map((size) => Number(size.trim()))
const SEED = Number(process.env.BENCH_LINKAGE_SEED ?? 20261201)
const EXTRA_ARGS = (process.env.BENCH_LINKAGE_ARGS ?? '').split(/\s+/).filter(Boolean)
const GNU_TIME = '/usr/bin/time'
const GOAL = { f1: 0.95, records: 1_000_000, seconds: 60 }
const PEER =
  'Splink (Ministry of Justice): about 1,000,000 records in about a minute on a laptop (../shared/peers.md)'
const CLOCK_TICKS_PER_SECOND = 100

interface ChildRun {
  readonly exitCode: number | null
  readonly stdout: string
  readonly stderr: string
  readonly wallSeconds: number
  readonly cpuSeconds: number | null
  readonly peakRssMiB: number | null
}

interface Measured {
  readonly records: number
  readonly generateSeconds: number
  readonly fileMiB: number
  readonly run: ChildRun
  readonly scores: { precision: number; recall: number; f1: number; linkerSeconds: number | null }
}

for (const size of SIZES)
  if (!Number.isSafeInteger(size) || size < 1) {
    console.error(
      `BENCH_LINKAGE_RECORDS must be whole numbers above 0, separated by commas, not '${process.env.BENCH_LINKAGE_RECORDS}'`,
    )
    process.exit(2)
  }
if (!Number.isSafeInteger(SEED)) {
  console.error(`BENCH_LINKAGE_SEED must be a whole number, not '${process.env.BENCH_LINKAGE_SEED}'`)
  process.exit(2)
}

/** Runs a command to its end, measuring it from outside: wall clock, and CPU and peak RSS of it and its children. */
function runMeasured(command: string, args: readonly string[]): Promise<ChildRun> {
  const useGnuTime = existsSync(GNU_TIME)
  const started = performance.now()
  const child = useGnuTime
    ? spawn(GNU_TIME, ['-v', command, ...args], { cwd: ROOT })
    : spawn(command, [...args], { cwd: ROOT })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text))
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text))
  let polledPeakKiB = 0
  let polledCpuTicks = 0
  const poll = useGnuTime
    ? null
    : setInterval(() => {
        try {
          const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
          polledPeakKiB = Math.max(polledPeakKiB, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0))
          // Fields 14 and 15 of /proc/<pid>/stat, counted after the parenthesised command name.
          const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
          polledCpuTicks = Number(fields[11]) + Number(fields[12])
        } catch {
          // The process has just ended.
        }
      }, 50)
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (exitCode) => {
      if (poll) clearInterval(poll)
      const wallSeconds = (performance.now() - started) / 1000
      if (!useGnuTime) {
        resolve({
          exitCode,
          stdout,
          stderr,
          wallSeconds,
          cpuSeconds: polledCpuTicks / CLOCK_TICKS_PER_SECOND,
          peakRssMiB: polledPeakKiB / 1024,
        })
        return
      }
      const figure = (label: string) => {
        const match = new RegExp(`^\\s*${label}: ([\\d.]+)\\s*$`, 'm').exec(stderr)
        return match ? Number(match[1]) : null
      }
      const user = figure('User time \\(seconds\\)')
      const system = figure('System time \\(seconds\\)')
      const peakKiB = figure('Maximum resident set size \\(kbytes\\)')
      // GNU time appends its report to the child's own standard error: keep only the child's.
      const ownStderr = stderr.replace(/\s*Command (being timed|exited with)[\s\S]*$/, '')
      resolve({
        exitCode,
        stdout,
        stderr: ownStderr,
        wallSeconds,
        cpuSeconds: user === null || system === null ? null : user + system,
        peakRssMiB: peakKiB === null ? null : peakKiB / 1024,
      })
    })
  })
}

/** The figures from the command's JSON, by name wherever they are, as the command's report may nest them. */
function scoresFrom(json: unknown): Measured['scores'] | null {
  const find = (value: unknown, names: readonly string[]): unknown => {
    if (value === null || typeof value !== 'object') return undefined
    for (const [key, inner] of Object.entries(value)) if (names.includes(key.toLowerCase())) return inner
    for (const inner of Object.values(value)) {
      const found = find(inner, names)
      if (found !== undefined) return found
    }
    return undefined
  }
  const precision = find(json, ['precision'])
  const recall = find(json, ['recall'])
  const f1 = find(json, ['f1', 'f1score', 'f_1'])
  if (typeof precision !== 'number' || typeof recall !== 'number' || typeof f1 !== 'number') return null
  const seconds = find(json, ['seconds', 'time', 'elapsedseconds'])
  const linkerSeconds =
    typeof seconds === 'number'
      ? seconds
      : typeof find(seconds, ['total']) === 'number'
        ? (find(seconds, ['total']) as number)
        : null
  return { precision, recall, f1, linkerSeconds }
}

async function measure(records: number, folder: string): Promise<Measured> {
  const file = path.join(folder, `person-records-${records}-seed-${SEED}.csv`)
  const generationStarted = performance.now()
  await writePersonRecordsFile({ records, seed: SEED }, file)
  const generateSeconds = (performance.now() - generationStarted) / 1000
  const fileMiB = (await stat(file)).size / 2 ** 20
  const args = [
    path.join(ROOT, 'bin/upstream.js'),
    'link',
    'evaluate',
    '--input',
    file,
    '--json',
    ...EXTRA_ARGS,
  ]
  const run = await runMeasured(process.execPath, args)
  if (run.exitCode !== 0)
    throw new Error(
      `upstream link evaluate exited with ${run.exitCode} on ${records} records:\n${run.stderr || run.stdout}`,
    )
  let json: unknown
  try {
    json = JSON.parse(run.stdout)
  } catch {
    throw new Error(`upstream link evaluate --json printed no JSON:\n${run.stdout.slice(0, 2000)}`)
  }
  const scores = scoresFrom(json)
  if (scores === null)
    throw new Error(`no precision, recall and f1 in the command's JSON:\n${run.stdout.slice(0, 2000)}`)
  return { records, generateSeconds, fileMiB, run, scores }
}

const thousands = (value: number) => value.toLocaleString('en-GB')
const fixed = (value: number | null, digits: number) => (value === null ? 'n/a' : value.toFixed(digits))

function report(measured: Measured): void {
  const { records, run, scores } = measured
  const f1Goal = scores.f1 >= GOAL.f1 ? 'met' : 'MISSED'
  // The time goal is for 1,000,000 records; other sizes are scaled to it linearly, for reading only.
  const projected = (run.wallSeconds * GOAL.records) / records
  const timeGoal = projected < GOAL.seconds ? 'met' : 'MISSED'
  console.log(
    [
      `${thousands(records)} records (file ${measured.fileMiB.toFixed(0)} MiB, generated in ${measured.generateSeconds.toFixed(1)} s)`,
      `  precision ${scores.precision.toFixed(4)}  recall ${scores.recall.toFixed(4)}  F1 ${scores.f1.toFixed(4)}  (goal ≥ ${GOAL.f1}: ${f1Goal})`,
      `  wall ${run.wallSeconds.toFixed(1)} s (the command's own total ${fixed(scores.linkerSeconds, 1)} s)  CPU ${fixed(run.cpuSeconds, 1)} s  peak RSS ${fixed(run.peakRssMiB, 0)} MiB`,
      records === GOAL.records
        ? `  1,000,000 records in ${run.wallSeconds.toFixed(1)} s (goal < ${GOAL.seconds} s: ${timeGoal})`
        : `  at this wall-clock rate 1,000,000 records would take ${projected.toFixed(0)} s if time grew linearly (goal < ${GOAL.seconds} s)`,
    ].join('\n'),
  )
}

const folder = await mkdtemp(path.join(os.tmpdir(), 'bench-linkage-'))
let failed = false
try {
  console.log(
    `seed ${SEED}; ${os.availableParallelism()} cores; load average ${os
      .loadavg()
      .map((load) => load.toFixed(1))
      .join(' ')}`,
  )
  console.log(`peer: ${PEER}`)
  const rows: Measured[] = []
  for (const records of SIZES) {
    try {
      const measured = await measure(records, folder)
      rows.push(measured)
      report(measured)
    } catch (error) {
      failed = true
      console.error((error as Error).message)
    }
  }
  if (rows.length > 0) {
    console.log('\n| Records | Precision | Recall | F1 | Wall s | CPU s | Peak RSS MiB |')
    console.log('| ------- | --------- | ------ | -- | ------ | ----- | ------------ |')
    for (const { records, run, scores } of rows)
      console.log(
        `| ${thousands(records)} | ${scores.precision.toFixed(4)} | ${scores.recall.toFixed(4)} | ${scores.f1.toFixed(4)} | ` +
          `${run.wallSeconds.toFixed(1)} | ${fixed(run.cpuSeconds, 1)} | ${fixed(run.peakRssMiB, 0)} |`,
      )
  }
} finally {
  if (process.env.BENCH_LINKAGE_KEEP === '1') console.log(`files kept in ${folder}`)
  else await rm(folder, { recursive: true, force: true })
}
process.exitCode = failed ? 1 : 0
