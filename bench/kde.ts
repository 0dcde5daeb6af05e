/**
 * Kernel density of 1,000,000 points onto a 500 × 500 grid (issue 4, "Performance"; goal: under 2 s), for the
 * quartic kernel at h = 250 m and the Gaussian at σ = 100 m and 250 m.
 *
 *   node --import tsx bench/kde.ts                         (`npm run bench -- kde`)
 *   BENCH_KDE_POINTS=200000 BENCH_KDE_REPEATS=5 node --import tsx bench/kde.ts
 *   BENCH_KDE_R_POINTS=0 node --import tsx bench/kde.ts    without the spatstat comparison
 *
 * Points come from a seeded mixture over a 24 km square (60 clusters of 100–1,500 m spread, as town centres
 * and estates, on a 15% uniform background), placed around central London and projected as the method does.
 * The cell size makes the extent (the points' bounding box plus the kernel's margin: h, or 3σ) 500 cells wide.
 * For each case: `kernelDensity` alone (the grid), the median of BENCH_KDE_REPEATS runs (3), wall and CPU
 * time; then the whole `kernel-density` method once (projection, grid, the list of cells above zero, contours).
 *
 * With Rscript and spatstat.explore, also spatstat's `density.ppp` on the first BENCH_KDE_R_POINTS points
 * (100,000) on the 1M points' 500 × 500 grid, edge = FALSE, only that call timed, beside ours on the same points
 * with the same cell size (over their own, slightly smaller, extent). It computes something cheaper: every
 * point moved to its pixel's centre, then one FFT convolution with the kernel sampled at whole-pixel offsets;
 * ours sums every kernel exactly at every cell centre. Time only.
 */
import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pointSet } from '../src/modules/analysis/method.ts'
import { kernelDensityMethod } from '../src/modules/analysis/density/kernel-density-method.ts'
import {
  gridPadding,
  kernelDensity,
  type KernelName,
} from '../src/modules/analysis/density/kernel-density.ts'
import {
  localProjectionAt,
  localProjectionFor,
  projectPoints,
  unprojectPoint,
} from '../src/modules/analysis/density/local-projection.ts'

const POINTS = Number(process.env.BENCH_KDE_POINTS ?? 1_000_000)
const REPEATS = Number(process.env.BENCH_KDE_REPEATS ?? 3)
const R_POINTS = Math.min(POINTS, Number(process.env.BENCH_KDE_R_POINTS ?? 100_000))
const GRID_CELLS_ACROSS = 500
// 24 km, so that σ = 100 m still has cells of at most half the bandwidth (the method requires it) at 500 across.
const SIDE_METRES = 24_000
const GOAL_SECONDS = 2
const CASES: { kernel: KernelName; bandwidth: number }[] = [
  { kernel: 'quartic', bandwidth: 250 },
  { kernel: 'gaussian', bandwidth: 100 },
  { kernel: 'gaussian', bandwidth: 250 },
]

/** A deterministic generator (mulberry32), so every run reads the same points. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Longitudes and latitudes of a clustered pattern over a SIDE_METRES square around central London. */
function clusteredPoints(count: number) {
  const next = random(20261201)
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next())
  const half = SIDE_METRES / 2
  const clusters = Array.from({ length: 60 }, () => ({
    x: (next() - 0.5) * SIDE_METRES * 0.9,
    y: (next() - 0.5) * SIDE_METRES * 0.9,
    spread: 100 + next() * 1400,
    share: 0.2 + next(),
  }))
  const totalShare = clusters.reduce((sum, cluster) => sum + cluster.share, 0)
  const centre = localProjectionAt(-0.1276, 51.5072)
  const longitude = new Float64Array(count)
  const latitude = new Float64Array(count)
  for (let i = 0; i < count; i++) {
    let x: number
    let y: number
    if (next() < 0.15) {
      x = (next() - 0.5) * SIDE_METRES
      y = (next() - 0.5) * SIDE_METRES
    } else {
      let pick = next() * totalShare
      let cluster = clusters[0]!
      for (const candidate of clusters) {
        cluster = candidate
        pick -= candidate.share
        if (pick <= 0) break
      }
      do {
        x = cluster.x + cluster.spread * normal()
        y = cluster.y + cluster.spread * normal()
      } while (Math.abs(x) > half || Math.abs(y) > half)
    }
    ;[longitude[i], latitude[i]] = unprojectPoint(centre, x, y)
  }
  return pointSet({ longitude, latitude, day: new Int32Array(count) })
}

/** The cell size whose grid over the points (plus the kernel's margin) is GRID_CELLS_ACROSS cells wide. */
function cellSizeFor(x: Float64Array, y: Float64Array, kernel: KernelName, bandwidth: number): number {
  let [minimumX, maximumX, minimumY, maximumY] = [Infinity, -Infinity, Infinity, -Infinity]
  for (let i = 0; i < x.length; i++) {
    minimumX = Math.min(minimumX, x[i]!)
    maximumX = Math.max(maximumX, x[i]!)
    minimumY = Math.min(minimumY, y[i]!)
    maximumY = Math.max(maximumY, y[i]!)
  }
  const extent = Math.max(maximumX - minimumX, maximumY - minimumY) + 2 * gridPadding(kernel, bandwidth)
  // A hair over extent / 500, so that ⌈extent / cellSize⌉ is 500 and not 501 through rounding.
  return (extent / GRID_CELLS_ACROSS) * (1 + 1e-12)
}

function timed<T>(work: () => T): { result: T; wall: number; cpu: number } {
  const cpuStart = process.cpuUsage()
  const start = performance.now()
  const result = work()
  const wall = (performance.now() - start) / 1000
  const cpu = process.cpuUsage(cpuStart)
  return { result, wall, cpu: (cpu.user + cpu.system) / 1e6 }
}

async function timedAsync<T>(work: () => Promise<T>): Promise<{ result: T; wall: number }> {
  const start = performance.now()
  const result = await work()
  return { result, wall: (performance.now() - start) / 1000 }
}

/** On a shared machine the wall time can be several times the CPU time: both are judged. */
const verdict = (value: number) => (value < GOAL_SECONDS ? 'under' : 'OVER')
const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)]!
const seconds = (value: number) => `${value.toFixed(2)} s`
const loadAverage = () =>
  os
    .loadavg()
    .map((load) => load.toFixed(1))
    .join(' ')

const R_SCRIPT = `
suppressMessages(library(spatstat.explore))
args <- commandArgs(trailingOnly = TRUE)
folder <- args[1]
points <- read.csv(file.path(folder, "points.csv"))
cases <- read.csv(file.path(folder, "cases.csv"))
out <- character(0)
for (k in seq_len(nrow(cases))) {
  case <- cases[k, ]
  window <- owin(c(case$originX, case$originX + case$columns * case$cellSize),
                 c(case$originY, case$originY + case$rows * case$cellSize))
  pattern <- ppp(points$x, points$y, window = window)
  # spatstat's sigma is the kernel's sd per axis: h / sqrt(8) for the quartic (docs/analysis/kernel-density.md).
  sigma <- if (case$kernel == "quartic") case$bandwidth / sqrt(8) else case$bandwidth
  elapsed <- system.time(density.ppp(pattern, sigma = sigma, kernel = case$kernel, edge = FALSE,
                                     dimyx = c(case$rows, case$columns)))[["elapsed"]]
  out <- c(out, sprintf("%.3f", elapsed))
}
writeLines(out, file.path(folder, "seconds.txt"))
`

function spatstatAvailable(): boolean {
  const check = spawnSync('Rscript', ['-e', 'cat(requireNamespace("spatstat.explore", quietly = TRUE))'], {
    encoding: 'utf8',
  })
  return check.status === 0 && check.stdout.trim() === 'TRUE'
}

interface GridCase {
  kernel: KernelName
  bandwidth: number
  cellSize: number
  columns: number
  rows: number
  originX: number
  originY: number
}

/** spatstat's density.ppp on the first `count` points with each case's grid: seconds per case. */
async function timeSpatstat(x: Float64Array, y: Float64Array, count: number, cases: GridCase[]) {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'upstream-bench-kde-'))
  try {
    const rows = ['x,y']
    for (let i = 0; i < count; i++) rows.push(`${x[i]!},${y[i]!}`)
    await writeFile(path.join(folder, 'points.csv'), `${rows.join('\n')}\n`)
    const header = 'kernel,bandwidth,cellSize,columns,rows,originX,originY'
    const lines = cases.map((c) =>
      [c.kernel, c.bandwidth, c.cellSize, c.columns, c.rows, c.originX, c.originY].join(','),
    )
    await writeFile(path.join(folder, 'cases.csv'), `${[header, ...lines].join('\n')}\n`)
    await writeFile(path.join(folder, 'kde.R'), R_SCRIPT)
    const run = spawnSync('Rscript', [path.join(folder, 'kde.R'), folder], { stdio: 'inherit' })
    if (run.status !== 0) throw new Error(`Rscript failed (exit ${run.status})`)
    return (await readFile(path.join(folder, 'seconds.txt'), 'utf8')).trim().split('\n').map(Number)
  } finally {
    await rm(folder, { recursive: true, force: true })
  }
}

const format = (n: number) => n.toLocaleString('en-GB')
console.log(
  `Kernel density of ${format(POINTS)} clustered points over ${SIDE_METRES / 1000} km, ` +
    `${GRID_CELLS_ACROSS} × ${GRID_CELLS_ACROSS} cells; goal under ${GOAL_SECONDS} s; ` +
    `${os.availableParallelism()} cores, load average ${loadAverage()} at the start`,
)
const points = clusteredPoints(POINTS)
const { x, y } = projectPoints(
  localProjectionFor(points.longitude, points.latitude),
  points.longitude,
  points.latitude,
)
const weights = points.weight
const gridCases: GridCase[] = []

for (const { kernel, bandwidth } of CASES) {
  const cellSize = cellSizeFor(x, y, kernel, bandwidth)
  const runs = Array.from({ length: REPEATS }, () =>
    timed(() => kernelDensity(x, y, weights, { kernel, bandwidth, cellSize })),
  )
  const grid = runs[0]!.result
  gridCases.push({
    kernel,
    bandwidth,
    cellSize,
    columns: grid.columns,
    rows: grid.rows,
    originX: grid.originX,
    originY: grid.originY,
  })
  const wall = median(runs.map((run) => run.wall))
  const cpu = median(runs.map((run) => run.cpu))
  const method = await timedAsync(async () =>
    kernelDensityMethod.run(points, { kernel, bandwidth, cellSize }, {}),
  )
  const label = `${kernel} ${kernel === 'quartic' ? 'h' : 'σ'} = ${bandwidth} m`
  console.log(
    `\n${label}, ${cellSize.toFixed(2)} m cells (${grid.columns} × ${grid.rows})\n` +
      `  grid (kernelDensity), median of ${REPEATS}  ${seconds(wall)} wall, ${seconds(cpu)} CPU` +
      `  ${verdict(wall)} the ${GOAL_SECONDS} s goal (CPU: ${verdict(cpu)})\n` +
      `  whole method (cells, contours)     ${seconds(method.wall)} wall; load average ${loadAverage()}`,
  )
}

if (R_POINTS > 0 && spatstatAvailable()) {
  const spatstat = await timeSpatstat(x, y, R_POINTS, gridCases)
  const someX = x.subarray(0, R_POINTS)
  const someY = y.subarray(0, R_POINTS)
  const someWeights = weights.subarray(0, R_POINTS)
  console.log(
    `\n${format(R_POINTS)} points, the same cell sizes; spatstat.explore density.ppp (FFT of pixel counts)`,
  )
  gridCases.forEach((c, k) => {
    const ours = median(
      Array.from({ length: REPEATS }, () =>
        timed(() =>
          kernelDensity(someX, someY, someWeights, {
            kernel: c.kernel,
            bandwidth: c.bandwidth,
            cellSize: c.cellSize,
          }),
        ),
      ).map((run) => run.wall),
    )
    console.log(
      `  ${c.kernel} ${c.bandwidth} m: ours ${seconds(ours)}, spatstat ${seconds(spatstat[k]!)} ` +
        `(ours / spatstat ${(ours / spatstat[k]!).toFixed(2)})`,
    )
  })
} else if (R_POINTS > 0) {
  console.log(
    '\n  Rscript with spatstat.explore not found (scripts/install-reference-tools.sh installs it): ours only',
  )
}
console.log(`\nload average ${loadAverage()} at the end`)
