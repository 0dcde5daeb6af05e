/**
 * Getis-Ord Gi* with 999 conditional permutations against its peer, R spdep `localG_perm`, on the
 * same values and neighbour lists (issue 4, "Performance"; goal: at least 10 times faster).
 *
 *   node --import tsx bench/gi-star.ts                      ~10,000 and ~100,000 H3 cells
 *   BENCH_GI_STAR_SIZES=10000 node --import tsx bench/gi-star.ts
 *   BENCH_GI_STAR_R_MAX_CELLS=20000 node --import tsx bench/gi-star.ts   spdep on the small input only
 *   BENCH_GI_STAR_R_CORES=2 node --import tsx bench/gi-star.ts          spdep on 2 cores (mclapply)
 *
 * Points come from a seeded generator over Greater London (town-centre clusters on a thinner
 * background), go to H3 cells at resolution 10, and the study area is those cells plus 1 ring, as
 * `upstream analyse gi-star` builds it. Ours: `giStar` + `giStarPermutationInChunks`, on one thread
 * and on every core in turns, BENCH_GI_STAR_REPEATS times each (3), medians of wall and CPU time
 * (worker threads included); the wall ratio uses the thread count chosen by default.
 * spdep: `localG_perm(x, nb2listw(include.self(nb), style = "B"), nsim = 999)`, only that call timed
 * (`system.time`: elapsed and CPU), once; `localG` on the same list gives the z-scores compared
 * with ours. The machine is shared: the CPU ratio (one thread each) is the steadier figure.
 * scripts/install-reference-tools.sh installs R and spdep; without them only ours is printed.
 */
import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { latLngToCell } from 'h3-js'
import { giStar } from '../src/modules/analysis/hotspots/gi-star.ts'
import { hashedStreamSeeding, Xoshiro128StarStar } from '../src/modules/analysis/statistics/random.ts'
import {
  giStarDefaultThreads,
  giStarPermutationInChunks,
} from '../src/modules/analysis/hotspots/gi-star-parallel.ts'
import {
  h3RingNeighbours,
  h3StudyArea,
  type Neighbours,
} from '../src/modules/analysis/hotspots/neighbours.ts'

const PERMUTATIONS = 999
const RESOLUTION = 10
const SIZES = (process.env.BENCH_GI_STAR_SIZES ?? '10000,100000').split(',').map(Number)
const REPEATS = Number(process.env.BENCH_GI_STAR_REPEATS ?? 3)
const R_MAX_CELLS = Number(process.env.BENCH_GI_STAR_R_MAX_CELLS ?? Infinity)
const R_CORES = Number(process.env.BENCH_GI_STAR_R_CORES ?? 1)

/** Greater London's bounding box, degrees. */
const LONDON = { west: -0.51, east: 0.33, south: 51.28, north: 51.7 }

/**
 * Incidents over a square part of London whose side grows with the wanted number of cells: 60% in
 * town-centre clusters (Gaussian, sd ~250 m, cluster sizes heavy-tailed), 40% spread evenly. One point per
 * wanted cell, over a square of ~0.9 H3 cells per wanted cell: tuned once so that the study area
 * (cells with points plus 1 ring) comes out near the target.
 */
function incidents(wantedCells: number): { latitude: Float64Array; longitude: Float64Array } {
  const random = new Xoshiro128StarStar(20261201, wantedCells, hashedStreamSeeding)
  const uniform = () => random.nextUint32() / 4_294_967_296
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform())
  // A resolution-10 cell is ~0.015 km²: the square holds ~0.9 cells per wanted cell, and with one
  // point per wanted cell the study area (cells with points plus a ring) comes out near the target.
  const sideKm = Math.sqrt(wantedCells * 0.015 * 0.9)
  const latitudeSpan = Math.min(LONDON.north - LONDON.south, sideKm / 111.2)
  const longitudeSpan = Math.min(
    LONDON.east - LONDON.west,
    sideKm / (111.2 * Math.cos((51.5 * Math.PI) / 180)),
  )
  const south = (LONDON.south + LONDON.north - latitudeSpan) / 2
  const west = (LONDON.west + LONDON.east - longitudeSpan) / 2
  const centres = Math.max(20, Math.round(wantedCells / 250))
  const centreLatitude = Float64Array.from({ length: centres }, () => south + uniform() * latitudeSpan)
  const centreLongitude = Float64Array.from({ length: centres }, () => west + uniform() * longitudeSpan)
  // Pareto-like weights: a few busy centres, many small ones.
  const weights = Float64Array.from({ length: centres }, () => 1 / Math.pow(1 - uniform(), 0.7))
  const cumulative = new Float64Array(centres)
  weights.reduce((total, weight, i) => (cumulative[i] = total + weight), 0)
  const count = wantedCells
  const latitude = new Float64Array(count)
  const longitude = new Float64Array(count)
  const spreadLatitude = 0.25 / 111.2
  const spreadLongitude = 0.25 / (111.2 * Math.cos((51.5 * Math.PI) / 180))
  for (let i = 0; i < count; i++) {
    if (uniform() < 0.4) {
      latitude[i] = south + uniform() * latitudeSpan
      longitude[i] = west + uniform() * longitudeSpan
      continue
    }
    const target = uniform() * cumulative[centres - 1]!
    let centre = 0
    while (cumulative[centre]! < target) centre++
    latitude[i] = centreLatitude[centre]! + gaussian() * spreadLatitude
    longitude[i] = centreLongitude[centre]! + gaussian() * spreadLongitude
  }
  return { latitude, longitude }
}

function studyArea(wantedCells: number): { counts: Float64Array; neighbours: Neighbours; points: number } {
  const { latitude, longitude } = incidents(wantedCells)
  const pointCells = Array.from(latitude, (lat, i) => latLngToCell(lat, longitude[i]!, RESOLUTION))
  const area = h3StudyArea(pointCells, 1)
  const counts = new Float64Array(area.cells.length)
  for (const cell of pointCells) counts[area.index.get(cell)!]!++
  return { counts, neighbours: h3RingNeighbours(area.cells, 1), points: latitude.length }
}

/** Wall time, and CPU time of the process (worker threads included), which the machine's other work colours less. */
async function timeOurs(counts: Float64Array, neighbours: Neighbours, threads?: number) {
  const started = performance.now()
  const cpuBefore = process.cpuUsage()
  const { z } = giStar(counts, neighbours)
  await giStarPermutationInChunks(counts, neighbours, { permutations: PERMUTATIONS, seed: 1 }, { threads })
  const cpu = process.cpuUsage(cpuBefore)
  return { seconds: (performance.now() - started) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, z }
}

const R_SCRIPT = `
suppressPackageStartupMessages(library(spdep))
args <- commandArgs(trailingOnly = TRUE)
folder <- args[1]; nsim <- as.integer(args[2]); cores <- as.integer(args[3])
x <- scan(file.path(folder, "values.txt"), quiet = TRUE)
offsets <- scan(file.path(folder, "offsets.txt"), integer(), quiet = TRUE)
indices <- scan(file.path(folder, "indices.txt"), integer(), quiet = TRUE)
# Neighbours without the cell itself, 1-based; include.self adds it back, as the call to time asks.
nb <- lapply(seq_along(x), function(i) {
  if (offsets[i + 1] > offsets[i]) indices[(offsets[i] + 1):offsets[i + 1]] else 0L
})
class(nb) <- "nb"
attr(nb, "region.id") <- as.character(seq_along(x))
listw <- nb2listw(include.self(nb), style = "B")
z <- as.numeric(localG(x, listw))
writeLines(sprintf("%.17g", z), file.path(folder, "z-spdep.txt"))
if (cores > 1) { invisible(set.mcOption(TRUE)); invisible(set.coresOption(cores)) }
set.seed(1)
times <- system.time(localG_perm(x, listw, nsim = nsim))
# Elapsed, then CPU (user + system, this process and any forked by mclapply).
cpu <- sum(times[c("user.self", "sys.self", "user.child", "sys.child")], na.rm = TRUE)
writeLines(sprintf("%.3f", c(times[["elapsed"]], cpu)), file.path(folder, "seconds.txt"))
`

function spdepAvailable(): boolean {
  const check = spawnSync('Rscript', ['-e', 'cat(requireNamespace("spdep", quietly = TRUE))'], {
    encoding: 'utf8',
  })
  return check.status === 0 && check.stdout.trim() === 'TRUE'
}

/** Writes the values and the neighbour lists (without self, 1-based) for R, runs spdep, reads its time and z. */
async function timeSpdep(folder: string, counts: Float64Array, neighbours: Neighbours) {
  const { offsets, indices } = neighbours
  const others: number[] = []
  const otherOffsets = [0]
  for (let i = 0; i < counts.length; i++) {
    for (let k = offsets[i]!; k < offsets[i + 1]!; k++) if (indices[k] !== i) others.push(indices[k]! + 1)
    otherOffsets.push(others.length)
  }
  await writeFile(path.join(folder, 'values.txt'), `${Array.from(counts).join('\n')}\n`)
  await writeFile(path.join(folder, 'offsets.txt'), `${otherOffsets.join('\n')}\n`)
  await writeFile(path.join(folder, 'indices.txt'), `${others.join('\n')}\n`)
  await writeFile(path.join(folder, 'gi-star.R'), R_SCRIPT)
  const run = spawnSync(
    'Rscript',
    [path.join(folder, 'gi-star.R'), folder, String(PERMUTATIONS), String(R_CORES)],
    { stdio: 'inherit' },
  )
  if (run.status !== 0) throw new Error(`Rscript failed (exit ${run.status})`)
  const [seconds, cpuSeconds] = (await readFile(path.join(folder, 'seconds.txt'), 'utf8'))
    .trim()
    .split('\n')
    .map(Number)
  const z = Float64Array.from(
    (await readFile(path.join(folder, 'z-spdep.txt'), 'utf8')).trim().split('\n'),
    Number,
  )
  return { seconds: seconds!, cpuSeconds: cpuSeconds!, z }
}

const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)]!
const loadAverage = () =>
  os
    .loadavg()
    .map((load) => load.toFixed(1))
    .join(' ')
const withR = spdepAvailable()
console.log(
  `Gi* with ${PERMUTATIONS} permutations, H3 resolution ${RESOLUTION}, 1 ring; ${os.availableParallelism()} cores; ` +
    `load average ${loadAverage()} at the start`,
)
if (!withR)
  console.log('  Rscript with spdep not found (scripts/install-reference-tools.sh installs it): ours only')

const folder = await mkdtemp(path.join(os.tmpdir(), 'upstream-bench-gi-star-'))
try {
  for (const wanted of SIZES) {
    const { counts, neighbours, points } = studyArea(wanted)
    const defaultThreads = giStarDefaultThreads(neighbours, PERMUTATIONS)
    // One thread and every core, taken in turns so that a burst of other work on the machine
    // does not fall on one of them only.
    const threadCounts = [1, os.availableParallelism()]
    const runs = new Map(
      threadCounts.map((threads) => [threads, [] as Awaited<ReturnType<typeof timeOurs>>[]]),
    )
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      for (const threads of threadCounts) runs.get(threads)!.push(await timeOurs(counts, neighbours, threads))
    }
    const seconds = (threads: number) => median(runs.get(threads)!.map((run) => run.seconds))
    const cpuSeconds = (threads: number) => median(runs.get(threads)!.map((run) => run.cpuSeconds))
    const ours = seconds(defaultThreads)
    const { z } = runs.get(1)![0]!
    const format = (n: number) => n.toLocaleString('en-GB')
    console.log(
      `\n${format(counts.length)} cells (${format(points)} points); by default ${defaultThreads} thread(s)`,
    )
    for (const threads of threadCounts) {
      const list = (pick: (run: { seconds: number; cpuSeconds: number }) => number) =>
        runs
          .get(threads)!
          .map((run) => pick(run).toFixed(2))
          .join(', ')
      console.log(
        `  ours, ${threads} thread(s)      ${seconds(threads).toFixed(2)} s  ` +
          `(median of ${list((run) => run.seconds)}; CPU ${list((run) => run.cpuSeconds)} s)`,
      )
    }
    if (withR && counts.length <= R_MAX_CELLS) {
      const spdep = await timeSpdep(folder, counts, neighbours)
      let largest = 0
      for (let i = 0; i < z.length; i++) largest = Math.max(largest, Math.abs(z[i]! - spdep.z[i]!))
      console.log(
        `  spdep localG_perm     ${spdep.seconds.toFixed(2)} s  (CPU ${spdep.cpuSeconds.toFixed(2)} s, ${R_CORES} core(s))`,
      )
      console.log(`  ratio spdep / ours    ${(spdep.seconds / ours).toFixed(1)} (wall, ours by default)`)
      console.log(
        `  CPU ratio             ${(spdep.cpuSeconds / cpuSeconds(1)).toFixed(1)} (spdep / ours on 1 thread)`,
      )
      console.log(`  max |z ours − z spdep localG|  ${largest.toExponential(2)}`)
    } else if (withR) {
      console.log(`  spdep skipped: more than BENCH_GI_STAR_R_MAX_CELLS=${R_MAX_CELLS} cells`)
    }
    console.log(`  load average ${loadAverage()}`)
  }
} finally {
  await rm(folder, { recursive: true, force: true })
}
