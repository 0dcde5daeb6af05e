/**
 * The Knox test (near repeats, issue 4 "Performance") on seeded synthetic burglary-like incidents:
 * 999 permutations at 10,000, 50,000 and 200,000 incidents on both cores, against the goal of
 * 200,000 in under 30 s, and at 10,000 against one thread and against the R package NearRepeat.
 *
 *   node --import tsx bench/knox.ts                                  all three sizes (minutes at 200,000)
 *   BENCH_KNOX_EVENTS=10000 node --import tsx bench/knox.ts          one size (a comma list also works)
 *   BENCH_KNOX_PERMUTATIONS=99 BENCH_KNOX_THREADS=1 node --import tsx bench/knox.ts
 *   BENCH_KNOX_EXTENT_KM=40 node --import tsx bench/knox.ts          the same pattern scaled to 40 km
 *   NEARREPEAT_SOURCE=/tmp/nearrepeat/NearRepeat.R node --import tsx bench/knox.ts
 *
 * With fewer than 999 permutations the time for 999 is estimated as the pair search (timed on
 * its own beforehand) plus the permutations' time scaled up: the permutations cost the same each.
 * NearRepeat (github.com/wsteenbeek/NearRepeat, R/NearRepeat.R) is on neither CRAN nor Debian: save
 * that file outside this repository and point NEARREPEAT_SOURCE at it; Rscript must be on the PATH.
 * It builds every one of the n(n−1)/2 distances of space and of time for each permutation, so at
 * 10,000 incidents 999 permutations would take about an hour: it runs twice, with
 * NEARREPEAT_PERMUTATIONS (default 2 and 4), and its CPU time per permutation and fixed cost are
 * read from the difference to estimate 999. Its observed counts are compared with ours band pair by band pair.
 *
 * Incidents are generated on a plane in metres, a stereographic projection of the sphere of radius
 * 6,371,008.8 m (our haversine radius) about central Manchester: over 20 km its scale errs by under
 * 1.3e-6 (four times that over 40 km), so NearRepeat's Euclidean distance on x, y is our great-circle distance to within half a
 * millimetre at 400 m. The pairs that the two distances put in different bands are counted by brute
 * force and printed, so that any difference in observed counts can be accounted for.
 */
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { bandIndex } from '../src/modules/analysis/near-repeat/bands.ts'
import { EARTH_RADIUS_METRES, haversineMetres } from '../src/modules/analysis/near-repeat/distance.ts'
import { findClosePairs } from '../src/modules/analysis/near-repeat/close-pairs.ts'
import { knoxTest, type KnoxResult } from '../src/modules/analysis/near-repeat/knox.ts'
import { Xoshiro128StarStar } from '../src/modules/analysis/statistics/random.ts'

const SIZES = (process.env.BENCH_KNOX_EVENTS ?? '10000,50000,200000').split(',').map(Number)
const PERMUTATIONS = Number(process.env.BENCH_KNOX_PERMUTATIONS ?? 999)
const THREADS = Number(process.env.BENCH_KNOX_THREADS ?? os.availableParallelism())
const NEARREPEAT_SOURCE = process.env.NEARREPEAT_SOURCE
const NEARREPEAT_PERMUTATIONS = (process.env.NEARREPEAT_PERMUTATIONS ?? '2,4').split(',').map(Number)
const COMPARED_SIZE = 10_000
const GOAL = { events: 200_000, seconds: 30, permutations: 999 }
// The contract bands for `upstream analyse near-repeat`.
const SPACE_BANDS = [0, 1, 100, 200, 400]
const TIME_BANDS = [0, 1, 8, 15, 29]
const SEED = 20261201

const CENTRE = { longitude: -2.2426, latitude: 53.4808 }
const EXTENT_METRES = 1000 * Number(process.env.BENCH_KNOX_EXTENT_KM ?? 20)
const CLUSTERS = 40
const SHARE_IN_CLUSTERS = 0.65
const SHARE_OF_REPEATS = 0.12
const SHARE_OF_REPEATS_AT_THE_SAME_PLACE = 0.25
const DAYS = 365
const FIRST_DAY = Date.UTC(2024, 0, 1) / 86_400_000

interface Incidents {
  readonly x: Float64Array
  readonly y: Float64Array
  readonly longitude: Float64Array
  readonly latitude: Float64Array
  readonly day: Int32Array
}

/**
 * Burglary-like incidents: hotspots of different sizes and weights over a 20 km square
 * (BENCH_KNOX_EXTENT_KM) plus a uniform background, dates over a year, and near repeats planted by following some incidents
 * with another within a few hundred metres (a quarter at the very same place) and a few days.
 * Locations are rounded to 6 decimals of a degree, as police.uk gives them.
 */
function generateIncidents(count: number): Incidents {
  const random = new Xoshiro128StarStar(SEED)
  const uniform = () => random.nextUint32() / 4_294_967_296
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform())
  const inSquare = () => (uniform() - 0.5) * EXTENT_METRES
  const hotspots = Array.from({ length: CLUSTERS }, () => ({
    x: inSquare() * 0.8,
    y: inSquare() * 0.8,
    // 250 m to 1.15 km over 20 km: the whole pattern scales with BENCH_KNOX_EXTENT_KM.
    spread: (250 + 900 * uniform()) * (EXTENT_METRES / 20_000),
    weight: -Math.log(1 - uniform()),
  }))
  const totalWeight = hotspots.reduce((sum, hotspot) => sum + hotspot.weight, 0)
  const pickHotspot = () => {
    let left = uniform() * totalWeight
    for (const hotspot of hotspots) if ((left -= hotspot.weight) < 0) return hotspot
    return hotspots[hotspots.length - 1]!
  }

  const longitude = new Float64Array(count)
  const latitude = new Float64Array(count)
  const day = new Int32Array(count)
  for (let i = 0; i < count; i++) {
    let x: number
    let y: number
    let dayOfYear = -1
    if (i > 0 && uniform() < SHARE_OF_REPEATS) {
      const origin = Math.floor(uniform() * i)
      dayOfYear = day[origin]! - FIRST_DAY + 1 + Math.floor(-6 * Math.log(1 - uniform()))
      ;[x, y] = toPlane(longitude[origin]!, latitude[origin]!)
      if (uniform() >= SHARE_OF_REPEATS_AT_THE_SAME_PLACE) {
        x += 120 * normal()
        y += 120 * normal()
      }
    } else if (uniform() < SHARE_IN_CLUSTERS) {
      const hotspot = pickHotspot()
      x = hotspot.x + hotspot.spread * normal()
      y = hotspot.y + hotspot.spread * normal()
    } else {
      x = inSquare()
      y = inSquare()
    }
    if (!(dayOfYear >= 0 && dayOfYear < DAYS)) dayOfYear = Math.floor(uniform() * DAYS)
    const [lon, lat] = fromPlane(x, y)
    longitude[i] = Math.round(lon * 1e6) / 1e6
    latitude[i] = Math.round(lat * 1e6) / 1e6
    day[i] = FIRST_DAY + dayOfYear
  }
  const x = new Float64Array(count)
  const y = new Float64Array(count)
  for (let i = 0; i < count; i++) [x[i], y[i]] = toPlane(longitude[i]!, latitude[i]!)
  return { x, y, longitude, latitude, day }
}

const RADIANS = Math.PI / 180
const sinCentre = Math.sin(CENTRE.latitude * RADIANS)
const cosCentre = Math.cos(CENTRE.latitude * RADIANS)

/** Stereographic projection about CENTRE (Snyder 1987, "Map projections: a working manual", eq. 21-2 to 21-4). */
function toPlane(longitude: number, latitude: number): [number, number] {
  const sinLatitude = Math.sin(latitude * RADIANS)
  const cosLatitude = Math.cos(latitude * RADIANS)
  const deltaLongitude = (longitude - CENTRE.longitude) * RADIANS
  const k =
    (2 * EARTH_RADIUS_METRES) /
    (1 + sinCentre * sinLatitude + cosCentre * cosLatitude * Math.cos(deltaLongitude))
  return [
    k * cosLatitude * Math.sin(deltaLongitude),
    k * (cosCentre * sinLatitude - sinCentre * cosLatitude * Math.cos(deltaLongitude)),
  ]
}

/** Its inverse (Snyder 1987, eq. 20-14, 20-15, 21-15). */
function fromPlane(x: number, y: number): [number, number] {
  const rho = Math.hypot(x, y)
  if (rho === 0) return [CENTRE.longitude, CENTRE.latitude]
  const c = 2 * Math.atan(rho / (2 * EARTH_RADIUS_METRES))
  const latitude = Math.asin(Math.cos(c) * sinCentre + (y * Math.sin(c) * cosCentre) / rho)
  const longitude = Math.atan2(x * Math.sin(c), rho * cosCentre * Math.cos(c) - y * sinCentre * Math.sin(c))
  return [CENTRE.longitude + longitude / RADIANS, latitude / RADIANS]
}

interface Timed {
  readonly result: KnoxResult
  readonly seconds: number
  /** CPU time of the whole process, worker threads included. */
  readonly cpuSeconds: number
  readonly peakRss: number
}

async function timeKnox(incidents: Incidents, threads: number): Promise<Timed> {
  let peakRss = process.memoryUsage().rss
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100)
  const started = performance.now()
  const cpuBefore = process.cpuUsage()
  try {
    const result = await knoxTest(incidents.longitude, incidents.latitude, incidents.day, {
      spaceBands: SPACE_BANDS,
      timeBands: TIME_BANDS,
      permutations: PERMUTATIONS,
      threads,
    })
    const cpu = process.cpuUsage(cpuBefore)
    return {
      result,
      seconds: (performance.now() - started) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      peakRss,
    }
  } finally {
    clearInterval(sampler)
  }
}

/** The pair search alone (the part of a run that does not grow with the permutations), wall and CPU. */
async function timePairSearch(incidents: Incidents): Promise<{ seconds: number; cpuSeconds: number }> {
  const started = performance.now()
  const cpuBefore = process.cpuUsage()
  await findClosePairs(incidents.longitude, incidents.latitude, incidents.day, SPACE_BANDS, 'haversine')
  const cpu = process.cpuUsage(cpuBefore)
  return { seconds: (performance.now() - started) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 }
}

/** Brute force over every pair: how many the great-circle and the planar Euclidean distance band differently. */
function pairsBandedDifferently(incidents: Incidents): number {
  const { x, y, longitude, latitude } = incidents
  let differently = 0
  for (let a = 0; a < x.length; a++) {
    for (let b = a + 1; b < x.length; b++) {
      const planar = Math.hypot(x[a]! - x[b]!, y[a]! - y[b]!)
      const greatCircle = haversineMetres(longitude[a]!, latitude[a]!, longitude[b]!, latitude[b]!)
      if (bandIndex(SPACE_BANDS, planar) !== bandIndex(SPACE_BANDS, greatCircle)) differently++
    }
  }
  return differently
}

// NearRepeat's own function, sourced from NEARREPEAT_SOURCE, timed at two permutation counts.
// Without future.apply, future_lapply is lapply (what it does under the default sequential plan).
const NEARREPEAT_SCRIPT = `
arguments <- commandArgs(trailingOnly = TRUE)
if (!requireNamespace("future.apply", quietly = TRUE)) {
  future_lapply <- function(X, FUN, ..., future.seed = TRUE) lapply(X, FUN)
}
source(arguments[1])
incidents <- read.csv(arguments[2])
breaks <- function(text) as.numeric(strsplit(text, ",")[[1]])
seconds <- c()
cpu <- c()
for (nrep in as.integer(strsplit(arguments[5], ",")[[1]])) {
  invisible(gc())
  set.seed(1)
  timing <- system.time(result <- NearRepeat(incidents$x, incidents$y, incidents$day,
    sds = breaks(arguments[3]), tds = breaks(arguments[4]), method = "euclidean", nrep = nrep))
  seconds <- c(seconds, timing[["elapsed"]])
  cpu <- c(cpu, timing[["user.self"]] + timing[["sys.self"]])
}
cat(sprintf('{"seconds":[%s],"cpuSeconds":[%s],"observed":[%s]}\\n', paste(seconds, collapse = ","),
  paste(cpu, collapse = ","),
  paste(as.vector(t(unclass(result$observed))), collapse = ",")))
`

/** Wall and CPU seconds of each NearRepeat call (one per NEARREPEAT_PERMUTATIONS), and its observed counts. */
interface NearRepeatRun {
  readonly seconds: number[]
  readonly cpuSeconds: number[]
  readonly observed: number[]
}

async function runNearRepeat(source: string, incidents: Incidents): Promise<NearRepeatRun> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'upstream-bench-knox-'))
  try {
    const script = path.join(folder, 'nearrepeat.R')
    const csv = path.join(folder, 'incidents.csv')
    await writeFile(script, NEARREPEAT_SCRIPT)
    const rows = Array.from(incidents.day, (day, i) => `${incidents.x[i]},${incidents.y[i]},${day}`)
    await writeFile(csv, `x,y,day\n${rows.join('\n')}\n`)
    const run = spawnSync(
      'Rscript',
      [script, source, csv, SPACE_BANDS.join(','), TIME_BANDS.join(','), NEARREPEAT_PERMUTATIONS.join(',')],
      { encoding: 'utf8', maxBuffer: 1 << 24 },
    )
    if (run.status !== 0) throw new Error(`NearRepeat failed (exit ${run.status}): ${run.stderr}`)
    return JSON.parse(run.stdout.trim().split('\n').pop()!) as NearRepeatRun
  } finally {
    await rm(folder, { recursive: true, force: true })
  }
}

const format = (n: number, digits = 0) =>
  n.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits })
const mebibytes = (bytes: number) => `${format(bytes / 1024 / 1024)} MiB`
const loadAverage = () => format(os.loadavg()[0]!, 2)
const rscriptPresent = () => spawnSync('Rscript', ['--version']).status === 0

console.log(
  `Knox test, ${format(PERMUTATIONS)} permutations, space bands ${SPACE_BANDS.join(',')} m × time bands ` +
    `${TIME_BANDS.join(',')} days, ${THREADS} thread${THREADS > 1 ? 's' : ''} ` +
    `(${os.cpus().length} cores, load average ${loadAverage()} at the start)`,
)
console.log(
  `  incidents: ${CLUSTERS} hotspots and a background over ${EXTENT_METRES / 1000} km, one year, ` +
    `${SHARE_OF_REPEATS * 100}% planted near repeats, seed ${SEED}`,
)
const timings = new Map<number, { seconds: number; idleSeconds: number }>()
for (const size of SIZES) {
  const incidents = generateIncidents(size)
  const search = await timePairSearch(incidents)
  const { result, seconds, cpuSeconds, peakRss } = await timeKnox(incidents, THREADS)
  const scale = GOAL.permutations / PERMUTATIONS
  const permutationSeconds = seconds - search.seconds
  const permutationCpuSeconds = cpuSeconds - search.cpuSeconds
  // On idle cores a run would take its pair search (one thread) plus its permutations' CPU time
  // shared by the threads: a figure the load of a shared machine does not move much.
  const idleSeconds = search.cpuSeconds + (permutationCpuSeconds * scale) / THREADS
  timings.set(size, { seconds: search.seconds + permutationSeconds * scale, idleSeconds })
  console.log(
    `  ${format(size).padStart(9)} incidents, ${format(result.closePairCount)} close pairs: ${format(seconds, 2)} s ` +
      `(pair search ${format(search.seconds, 2)} s, ${format((1000 * permutationSeconds) / PERMUTATIONS, 1)} ms ` +
      `a permutation), peak RSS ${mebibytes(peakRss)}, load ${loadAverage()}`,
  )
  console.log(
    `      CPU ${format(cpuSeconds, 1)} s (pair search ${format(search.cpuSeconds, 2)} s, ` +
      `${format((1e9 * permutationCpuSeconds) / (PERMUTATIONS * Math.max(1, result.closePairCount)), 2)} ns ` +
      `a pair and permutation) → on ${THREADS} idle core${THREADS > 1 ? 's' : ''} ≈ ${format(idleSeconds, 1)} s ` +
      `for ${GOAL.permutations} permutations`,
  )
  if (size !== COMPARED_SIZE) continue

  const single = THREADS > 1 ? await timeKnox(incidents, 1) : { result, seconds, cpuSeconds }
  if (THREADS > 1) {
    const same = JSON.stringify(single.result.bands) === JSON.stringify(result.bands)
    console.log(
      `    one thread: ${format(single.seconds, 2)} s (CPU ${format(single.cpuSeconds, 2)} s), ratio ${THREADS} ` +
        `threads / one ${format(seconds / single.seconds, 2)}; results ${same ? 'identical' : 'DIFFERENT'}`,
    )
  }
  if (!NEARREPEAT_SOURCE || !rscriptPresent()) {
    console.log(
      `    NearRepeat: skipped (${NEARREPEAT_SOURCE ? 'Rscript is not on the PATH' : 'NEARREPEAT_SOURCE is not set'})`,
    )
    continue
  }
  const reference = await runNearRepeat(NEARREPEAT_SOURCE, incidents)
  const [fewer, more] = NEARREPEAT_PERMUTATIONS as [number, number]
  // From CPU time, which the load of a shared machine moves far less than wall time (R runs in one thread).
  const [fewerCpu, moreCpu] = reference.cpuSeconds as [number, number]
  const perPermutation = (moreCpu - fewerCpu) / (more - fewer)
  const fixed = fewerCpu - fewer * perPermutation
  const estimate = fixed + PERMUTATIONS * perPermutation
  const runs = reference.seconds.map(
    (wall, i) =>
      `${NEARREPEAT_PERMUTATIONS[i]} permutations ${format(wall, 1)} s (CPU ${format(reference.cpuSeconds[i]!, 1)} s)`,
  )
  console.log(
    `    NearRepeat (R, method = "euclidean" on the projected x, y): ${runs.join(', ')} → ` +
      `CPU ${format(perPermutation, 2)} s a permutation + ${format(fixed, 1)} s, ` +
      `${format(PERMUTATIONS)} permutations ≈ ${format(estimate)} s (${format(estimate / 3600, 1)} h)`,
  )
  console.log(
    `    ratio ours / NearRepeat at ${format(PERMUTATIONS)} permutations, CPU time in one thread: ` +
      `${(single.cpuSeconds / estimate).toPrecision(2)} (NearRepeat ≈ ${format(estimate / single.cpuSeconds)} ` +
      `times as long); NearRepeat's ${fewer} permutations alone took ` +
      `${format(reference.cpuSeconds[0]! / single.cpuSeconds, 1)} times our ${format(PERMUTATIONS)}`,
  )
  const ours = result.bands.map((band) => band.observed)
  const equal = ours.every((count, i) => count === reference.observed[i])
  console.log(
    `    observed counts ${equal ? 'equal in every band pair' : 'DIFFER'}` +
      (equal ? '' : `: ours ${ours.join(',')}, NearRepeat ${reference.observed.join(',')}`) +
      `; pairs banded differently by the two distances (brute force): ${pairsBandedDifferently(incidents)}`,
  )
}
const atGoal = timings.get(GOAL.events)
if (atGoal !== undefined) {
  const measured = PERMUTATIONS === GOAL.permutations
  console.log(
    `  goal: ${format(GOAL.events)} incidents, ${GOAL.permutations} permutations in under ${GOAL.seconds} s: ` +
      `${atGoal.seconds < GOAL.seconds ? 'met' : 'NOT met'} here (${measured ? '' : 'estimated '}` +
      `${format(atGoal.seconds, 1)} s at load ${loadAverage()}); on idle cores ` +
      `${atGoal.idleSeconds < GOAL.seconds ? 'met' : 'NOT met'} (≈ ${format(atGoal.idleSeconds, 1)} s from CPU time)`,
  )
}
console.log(`  load average ${loadAverage()} at the end`)
