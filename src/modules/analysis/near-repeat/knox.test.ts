import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import fc from 'fast-check'
import { DomainError } from '../../../errors.ts'
import { readPointsFile } from '../points/read-points-file.ts'
import type { DistanceMeasure } from './distance.ts'
import { knoxTest, type KnoxResult } from './knox.ts'

interface NearRepeatReference {
  observed: number[][]
  expected: number[][]
  simulatedStandardDeviation: number[][]
  p: number[][]
}
const fixture = JSON.parse(
  readFileSync(new URL('../../../../test/fixtures/analysis/knox-nearrepeat.json', import.meta.url), 'utf8'),
) as {
  spaceBands: number[]
  timeBands: number[]
  permutations: number
  input: { longitude: number[]; latitude: number[]; day: number[] }
  haversine: NearRepeatReference
  manhattan: NearRepeatReference
}

const runOnFixture = (distance: DistanceMeasure, seed = 1) =>
  knoxTest(
    Float64Array.from(fixture.input.longitude),
    Float64Array.from(fixture.input.latitude),
    Int32Array.from(fixture.input.day),
    {
      spaceBands: fixture.spaceBands,
      timeBands: fixture.timeBands,
      permutations: fixture.permutations,
      seed,
      distance,
    },
  )

const cell = (result: KnoxResult, space: number, time: number) =>
  result.bands[space * (fixture.timeBands.length - 1) + time]!

function assertAgreesWithinMonteCarloError(
  result: KnoxResult,
  reference: NearRepeatReference,
  permutations: number,
) {
  const timeBandCount = reference.observed[0]!.length
  reference.observed.forEach((row, s) =>
    row.forEach((_, t) => {
      const ours = result.bands[s * timeBandCount + t]!
      // Both sides are means of n independent permutations: 5 standard errors of the difference.
      const standardError = reference.simulatedStandardDeviation[s]![t]! / Math.sqrt(permutations)
      const expectedTolerance = 5 * Math.SQRT2 * standardError + 1e-9
      assert.ok(
        Math.abs(ours.expected - reference.expected[s]![t]!) <= expectedTolerance,
        `expected in band ${s},${t}: ours ${ours.expected}, NearRepeat ${reference.expected[s]![t]}`,
      )
      const p = reference.p[s]![t]!
      const pTolerance = 5 * Math.sqrt((2 * p * (1 - p)) / permutations) + 2 / (permutations + 1)
      assert.ok(Math.abs(ours.p - p) <= pTolerance, `p in band ${s},${t}: ours ${ours.p}, NearRepeat ${p}`)
    }),
  )
}

for (const distance of ['haversine', 'manhattan'] as const) {
  const reference = fixture[distance]

  test(`observed ${distance} pair counts equal NearRepeat's in every band pair`, async () => {
    const result = await runOnFixture(distance)
    const observed = reference.observed.map((row, s) => row.map((_, t) => cell(result, s, t).observed))
    assert.deepEqual(observed, reference.observed)
  })

  test(`${distance} expected counts and p-values agree with NearRepeat within Monte Carlo error`, async () => {
    assertAgreesWithinMonteCarloError(await runOnFixture(distance), reference, fixture.permutations)
  })
}

test('on real police.uk data (City of London, April and May 2023) the Knox test agrees with NearRepeat', async () => {
  const reference = JSON.parse(
    readFileSync(
      new URL('../../../../test/fixtures/analysis/knox-city-of-london.json', import.meta.url),
      'utf8',
    ),
  ) as {
    files: string[]
    pointCount: number
    spaceBands: number[]
    timeBands: number[]
    permutations: number
    haversine: NearRepeatReference
  }
  const longitude: number[] = []
  const latitude: number[] = []
  const day: number[] = []
  for (const file of reference.files) {
    const read = await readPointsFile(new URL(`../../../../${file}`, import.meta.url).pathname)
    assert.ok(read.ok)
    longitude.push(...read.points.longitude)
    latitude.push(...read.points.latitude)
    day.push(...read.points.day)
  }
  assert.equal(day.length, reference.pointCount)
  const result = await knoxTest(
    Float64Array.from(longitude),
    Float64Array.from(latitude),
    Int32Array.from(day),
    {
      spaceBands: reference.spaceBands,
      timeBands: reference.timeBands,
      permutations: reference.permutations,
      seed: 11,
    },
  )
  assert.deepEqual(
    result.bands.map((band) => band.observed),
    reference.haversine.observed.flat(),
  )
  assertAgreesWithinMonteCarloError(result, reference.haversine, reference.permutations)
  for (const distance of ['haversine', 'manhattan'] as const) {
    const counted = await knoxTest(
      Float64Array.from(longitude),
      Float64Array.from(latitude),
      Int32Array.from(day),
      {
        spaceBands: reference.spaceBands,
        timeBands: reference.timeBands,
        permutations: 1,
        distance,
      },
    )
    assert.deepEqual(
      counted.bands.map((band) => band.observed),
      bruteForceCounts(longitude, latitude, day, reference.spaceBands, reference.timeBands, distance),
    )
  }
})

test('the same seed gives the same result and another seed other expected counts', async () => {
  const first = await runOnFixture('haversine', 7)
  const again = await runOnFixture('haversine', 7)
  const other = await runOnFixture('haversine', 8)
  assert.deepEqual(again, first)
  assert.notDeepEqual(
    other.bands.map((band) => band.expected),
    first.bands.map((band) => band.expected),
  )
})

test('spreading the permutations over worker threads gives exactly the one-thread result', async () => {
  const run = (threads: number) =>
    knoxTest(
      Float64Array.from(fixture.input.longitude),
      Float64Array.from(fixture.input.latitude),
      Int32Array.from(fixture.input.day),
      { spaceBands: fixture.spaceBands, timeBands: fixture.timeBands, permutations: 99, seed: 5, threads },
    )
  assert.deepEqual(await run(2), await run(1))
})

// An independent brute force: every pair, great-circle distance from the chord between unit vectors.
const EARTH_RADIUS = 6_371_008.8
function bruteForceCounts(
  longitude: number[],
  latitude: number[],
  day: number[],
  spaceBands: number[],
  timeBands: number[],
  distance: DistanceMeasure,
): number[] {
  const radians = Math.PI / 180
  const unit = longitude.map((lon, i) => {
    const lat = latitude[i]! * radians
    return [Math.cos(lat) * Math.cos(lon * radians), Math.cos(lat) * Math.sin(lon * radians), Math.sin(lat)]
  })
  const counts = new Array<number>((spaceBands.length - 1) * (timeBands.length - 1)).fill(0)
  const bandOf = (breaks: number[], value: number) =>
    breaks.findIndex((lo, k) => k < breaks.length - 1 && value >= lo && value < breaks[k + 1]!)
  for (let i = 0; i < longitude.length; i++) {
    for (let j = i + 1; j < longitude.length; j++) {
      let metres: number
      if (distance === 'haversine') {
        const chord = Math.hypot(
          unit[i]![0]! - unit[j]![0]!,
          unit[i]![1]! - unit[j]![1]!,
          unit[i]![2]! - unit[j]![2]!,
        )
        metres = 2 * EARTH_RADIUS * Math.asin(Math.min(1, chord / 2))
      } else {
        const east =
          Math.abs(longitude[i]! - longitude[j]!) * Math.cos(((latitude[i]! + latitude[j]!) / 2) * radians)
        metres = EARTH_RADIUS * radians * (east + Math.abs(latitude[i]! - latitude[j]!))
      }
      const s = bandOf(spaceBands, metres)
      const t = bandOf(timeBands, Math.abs(day[i]! - day[j]!))
      if (s >= 0 && t >= 0) counts[s * (timeBands.length - 1) + t]!++
    }
  }
  return counts
}

const increasingBreaks = (maximumStep: number) =>
  fc
    .array(fc.double({ min: 0.5, max: maximumStep, noNaN: true }), { minLength: 1, maxLength: 5 })
    .chain((steps) =>
      // Starting at 0 or from 0.5 on: a start of 1e-320 m would only test floating-point underflow.
      fc.oneof(fc.constant(0), fc.double({ min: 0.5, max: maximumStep, noNaN: true })).map((start) => {
        const breaks = [start]
        for (const step of steps) breaks.push(breaks[breaks.length - 1]! + step)
        return breaks
      }),
    )

const incidents = fc
  .record({
    centreLongitude: fc.double({ min: -179, max: 179, noNaN: true }),
    centreLatitude: fc.double({ min: -85, max: 85, noNaN: true }),
    spreadDegrees: fc.constantFrom(0.001, 0.01, 0.05),
    count: fc.integer({ min: 0, max: 60 }),
  })
  .chain(({ centreLongitude, centreLatitude, spreadDegrees, count }) =>
    fc.array(
      fc.record({
        longitude: fc.double({
          min: centreLongitude - spreadDegrees,
          max: centreLongitude + spreadDegrees,
          noNaN: true,
        }),
        latitude: fc.double({
          min: centreLatitude - spreadDegrees,
          max: centreLatitude + spreadDegrees,
          noNaN: true,
        }),
        day: fc.integer({ min: 19_000, max: 19_060 }),
      }),
      { minLength: count, maxLength: count },
    ),
  )

test('observed counts equal a brute-force count over every pair, for any bands and places', async () => {
  await fc.assert(
    fc.asyncProperty(
      incidents,
      increasingBreaks(1500),
      increasingBreaks(20),
      fc.constantFrom<DistanceMeasure>('haversine', 'manhattan'),
      async (points, spaceBands, timeBands, distance) => {
        const longitude = points.map((point) => point.longitude)
        const latitude = points.map((point) => point.latitude)
        const day = points.map((point) => point.day)
        const result = await knoxTest(
          Float64Array.from(longitude),
          Float64Array.from(latitude),
          Int32Array.from(day),
          {
            spaceBands,
            timeBands,
            permutations: 3,
            distance,
          },
        )
        assert.deepEqual(
          result.bands.map((band) => band.observed),
          bruteForceCounts(longitude, latitude, day, spaceBands, timeBands, distance),
        )
      },
    ),
    { numRuns: 150 },
  )
})

test('repeats at the same place and day count in the first band pair, each unordered pair once', async () => {
  const result = await knoxTest(
    Float64Array.of(-2.24, -2.24, -2.24, 0.5),
    Float64Array.of(53.48, 53.48, 53.48, 51.5),
    Int32Array.of(19_000, 19_000, 19_000, 19_000),
    { spaceBands: [0, 1, 100], timeBands: [0, 1, 8], permutations: 9 },
  )
  assert.deepEqual(
    result.bands.map((band) => [band.space, band.time, band.observed]),
    [
      [[0, 1], [0, 1], 3],
      [[0, 1], [1, 8], 0],
      [[1, 100], [0, 1], 0],
      [[1, 100], [1, 8], 0],
    ],
  )
})

test('p-values lie in (0, 1] and, when the time bands cover every gap, expected totals equal observed', async () => {
  await fc.assert(
    fc.asyncProperty(incidents, fc.integer({ min: 0, max: 1000 }), async (points, seed) => {
      const result = await knoxTest(
        Float64Array.from(points.map((point) => point.longitude)),
        Float64Array.from(points.map((point) => point.latitude)),
        Int32Array.from(points.map((point) => point.day)),
        // Days lie within 60 of each other, so [0, 61) holds every time gap.
        { spaceBands: [0, 50, 300, 2000], timeBands: [0, 3, 10, 61], permutations: 19, seed },
      )
      for (const band of result.bands) assert.ok(band.p > 0 && band.p <= 1)
      for (let s = 0; s < 3; s++) {
        const row = result.bands.slice(s * 3, s * 3 + 3)
        const observed = row.reduce((sum, band) => sum + band.observed, 0)
        const expected = row.reduce((sum, band) => sum + band.expected, 0)
        assert.ok(
          Math.abs(observed - expected) < 1e-9,
          `space band ${s}: ${observed} observed, ${expected} expected`,
        )
      }
    }),
    { numRuns: 60 },
  )
})

test('the result does not depend on the order of the incidents', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 10_000 }), async (shuffleSeed) => {
      const n = fixture.input.day.length
      // A reordering drawn by fast-check's seed: sort the indices by a hash.
      const order = Array.from({ length: n }, (_, i) => i).sort(
        (a, b) =>
          Math.imul(a + 1, 2_654_435_761 ^ shuffleSeed) - Math.imul(b + 1, 2_654_435_761 ^ shuffleSeed) ||
          a - b,
      )
      const pick = (values: number[]) => order.map((i) => values[i]!)
      const run = (longitude: number[], latitude: number[], day: number[]) =>
        knoxTest(Float64Array.from(longitude), Float64Array.from(latitude), Int32Array.from(day), {
          spaceBands: fixture.spaceBands,
          timeBands: fixture.timeBands,
          permutations: 19,
        })
      const { input } = fixture
      assert.deepEqual(
        await run(pick(input.longitude), pick(input.latitude), pick(input.day)),
        await run(input.longitude, input.latitude, input.day),
      )
    }),
    { numRuns: 10 },
  )
})

test('invalid bands, permutations, seed and distance are refused with the option named', async () => {
  const points = [Float64Array.of(0), Float64Array.of(0), Int32Array.of(0)] as const
  const refusal = async (options: Record<string, unknown>) => {
    try {
      await knoxTest(...points, { spaceBands: [0, 100], timeBands: [0, 7], ...options } as never)
    } catch (error) {
      assert.ok(error instanceof DomainError)
      assert.equal(error.code, 'invalid')
      return Object.keys(error.fields)
    }
    assert.fail('the options were accepted')
  }
  assert.deepEqual(await refusal({ spaceBands: [100] }), ['spaceBands'])
  assert.deepEqual(await refusal({ spaceBands: [0, 100, 100] }), ['spaceBands'])
  assert.deepEqual(await refusal({ spaceBands: [-1, 100] }), ['spaceBands'])
  assert.deepEqual(await refusal({ timeBands: [0, 7, 3] }), ['timeBands'])
  assert.deepEqual(await refusal({ timeBands: [0, Infinity] }), ['timeBands'])
  assert.deepEqual(await refusal({ permutations: 0 }), ['permutations'])
  assert.deepEqual(await refusal({ permutations: 2.5 }), ['permutations'])
  assert.deepEqual(await refusal({ seed: -1 }), ['seed'])
  assert.deepEqual(await refusal({ distance: 'euclidean' }), ['distance'])
  await fc.assert(
    fc.asyncProperty(fc.array(fc.double()), async (breaks) => {
      const valid =
        breaks.length >= 2 &&
        breaks.every(
          (value, i) => Number.isFinite(value) && value >= 0 && (i === 0 || value > breaks[i - 1]!),
        )
      if (valid) return
      assert.deepEqual(await refusal({ spaceBands: breaks }), ['spaceBands'])
    }),
  )
})

test('an incident without a valid location is refused, naming it', async () => {
  await assert.rejects(
    knoxTest(Float64Array.of(0, Number.NaN), Float64Array.of(0, 0), Int32Array.of(0, 0), {
      spaceBands: [0, 100],
      timeBands: [0, 7],
    }),
    (error: unknown) => error instanceof DomainError && /Incident 2/.test(error.message),
  )
})

for (const threads of [1, 2]) {
  test(`an aborted run stops with the abort reason, and progress is reported (${threads} thread${threads > 1 ? 's' : ''})`, async () => {
    const controller = new AbortController()
    const stages = new Set<string>()
    const n = 400
    const longitude = Float64Array.from({ length: n }, (_, i) => -2.24 + (i % 20) * 0.0005)
    const latitude = Float64Array.from({ length: n }, (_, i) => 53.48 + Math.floor(i / 20) * 0.0005)
    const day = Int32Array.from({ length: n }, (_, i) => 19_000 + (i % 37))
    await assert.rejects(
      knoxTest(longitude, latitude, day, {
        spaceBands: [0, 100, 400],
        timeBands: [0, 7, 14],
        permutations: 99_999,
        threads,
        progress: (fraction, stage) => {
          assert.ok(fraction >= 0 && fraction <= 1)
          stages.add(stage)
          controller.abort(new Error('cancelled by the analyst'))
        },
        signal: controller.signal,
      }),
      /cancelled by the analyst/,
    )
    assert.ok(stages.size > 0)
  })
}
