import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { cellToLatLng, isValidCell, latLngToCell } from 'h3-js'
import { DomainError } from '../../../errors.ts'
import { pointSet, type PointSet } from '../method.ts'
import { methodByName } from '../methods.ts'
import { parseMethodOptions } from '../options.ts'
import { signedArea } from './contours.ts'
import {
  kernelDensityMethod,
  type KernelDensityMethodOptions,
  type KernelDensityResult,
} from './kernel-density-method.ts'
import { localProjectionFor, projectPoint } from './local-projection.ts'

const root = new URL('../../../../', import.meta.url)

/** The located rows of the City of London street file for April 2023, as points. */
function streetPoints(): PointSet {
  const longitude: number[] = []
  const latitude: number[] = []
  const text = readFileSync(
    new URL('../shared/data/police-uk/2023-04-city-of-london-street.csv', root),
    'utf8',
  )
  for (const line of text.split('\n').slice(1)) {
    const fields = line.split(',')
    if (fields.length < 6 || fields[4] === '') continue
    longitude.push(Number(fields[4]))
    latitude.push(Number(fields[5]))
  }
  return pointSet({ longitude, latitude, day: new Array<number>(longitude.length).fill(19_448) })
}

const points = streetPoints()
const defaults = parseMethodOptions(kernelDensityMethod, {}) as unknown as KernelDensityMethodOptions
const run = (options: Partial<KernelDensityMethodOptions> = {}) =>
  kernelDensityMethod.run(points, { ...defaults, ...options }, {}) as KernelDensityResult

/** Quartic density at a position by summing every point's kernel, written out independently of the grid code. */
function bruteForceQuartic(longitude: number, latitude: number, bandwidth: number): number {
  const projection = localProjectionFor(points.longitude, points.latitude)
  const [qx, qy] = projectPoint(projection, longitude, latitude)
  let sum = 0
  for (let i = 0; i < points.size; i++) {
    const [px, py] = projectPoint(projection, points.longitude[i]!, points.latitude[i]!)
    const d2 = (px - qx) ** 2 + (py - qy) ** 2
    if (d2 < bandwidth ** 2) sum += (3 / (Math.PI * bandwidth ** 2)) * (1 - d2 / bandwidth ** 2) ** 2
  }
  return sum * 1e6
}

describe('kernel-density method on the City of London street file', () => {
  test('is registered as kernel-density with quartic, 250 m and 50 m by default', () => {
    assert.equal(methodByName('kernel-density'), kernelDensityMethod)
    assert.deepEqual(defaults, { kernel: 'quartic', bandwidth: 250, cellSize: 50 })
  })

  test('lists every cell above zero with its centre, and the grid holds the points (mass check)', () => {
    const result = run()
    assert.equal(result.pointCount, points.size)
    assert.equal(result.cellKind, 'grid')
    assert.ok(result.cells.length > 100 && result.cells.length <= result.grid.columns * result.grid.rows)
    assert.ok(result.cells.every((cell) => cell.density > 0))
    assert.ok(Math.abs(result.mass.ratio - 1) < 1.5e-3)
    assert.equal(result.mass.totalWeight, points.size)
    const peak = Math.max(...result.cells.map((cell) => cell.density))
    assert.equal(result.grid.maximumDensity, peak)
    // Cell centres are rounded to 1e-7° (at most 1.2 cm): the density moves by at most that times the kernel's
    // steepest slope, 3/(πh²) · 8/(3√3 h) per metre (at r = h/√3), for every point.
    const slope = (3 / (Math.PI * 250 ** 2)) * 1e6 * (8 / (3 * Math.sqrt(3) * 250))
    const tolerance = 0.012 * slope * points.size
    for (const cell of result.cells.filter((_, k) => k % 50 === 0)) {
      const expected = bruteForceQuartic(cell.longitude, cell.latitude, 250)
      assert.ok(Math.abs(cell.density - expected) <= tolerance, `${cell.density} against ${expected}`)
    }
  })

  test('draws contours at the 50/75/90/95/99th percentiles, as valid GeoJSON within the grid', () => {
    const result = run()
    assert.equal(result.contours.type, 'FeatureCollection')
    assert.deepEqual(
      result.contours.features.map((feature) => feature.properties.percentile),
      [50, 75, 90, 95, 99],
    )
    const levels = result.contours.features.map((feature) => feature.properties.level)
    assert.deepEqual(
      [...levels].sort((a, b) => a - b),
      levels,
    )
    for (const feature of result.contours.features) {
      assert.equal(feature.geometry.type, 'MultiPolygon')
      assert.ok(feature.geometry.coordinates.length > 0)
      for (const polygon of feature.geometry.coordinates) {
        polygon.forEach((ring, ringIndex) => {
          assert.deepEqual(ring[0], ring.at(-1))
          assert.ok(ringIndex === 0 ? signedArea(ring) > 0 : signedArea(ring) < 0)
          for (const [longitude, latitude] of ring) {
            assert.ok(longitude >= result.grid.west && longitude <= result.grid.east)
            assert.ok(latitude >= result.grid.south && latitude <= result.grid.north)
          }
        })
      }
    }
  })

  test('draws contours at the given levels, in ascending order', () => {
    const result = run({ levels: [400, 100, 200] })
    assert.deepEqual(
      result.contours.features.map((feature) => feature.properties),
      [{ level: 100 }, { level: 200 }, { level: 400 }],
    )
  })

  test('with an H3 resolution, lists the density at the centre of every H3 cell within reach', () => {
    const result = run({ h3Resolution: 10 })
    assert.equal(result.cellKind, 'h3')
    assert.equal(result.h3Resolution, 10)
    const listed = new Map(result.cells.map((cell) => [cell.cell!, cell.density]))
    // Each point's own cell has its centre within about one edge length (76 m at resolution 10) of the point.
    for (let i = 0; i < points.size; i++) {
      assert.ok(listed.has(latLngToCell(points.latitude[i]!, points.longitude[i]!, 10)))
    }
    for (const cell of result.cells.slice(0, 50)) {
      assert.ok(isValidCell(cell.cell!))
      const [latitude, longitude] = cellToLatLng(cell.cell!)
      const expected = bruteForceQuartic(longitude, latitude, 250)
      assert.ok(Math.abs(cell.density - expected) <= 1e-9 * expected)
    }
  })

  test('a Gaussian kernel keeps at least 99.4% of the mass within its 3σ margin', () => {
    const result = run({ kernel: 'gaussian', bandwidth: 200, cellSize: 50 })
    assert.equal(result.gaussianCutoff, 4)
    assert.ok(result.mass.ratio > 0.994 && result.mass.ratio < 1)
    assert.match(
      kernelDensityMethod.summarise(result),
      /^Gaussian kernel density of \d+ points, bandwidth 200 m/,
    )
  })
})

describe('kernel-density options', () => {
  const refusal = (raw: Record<string, unknown>, flag: string, message: RegExp) =>
    assert.throws(
      () => parseMethodOptions(kernelDensityMethod, raw),
      (error: unknown) => error instanceof DomainError && message.test(error.fields[flag] ?? ''),
    )

  test('a cell size over half the bandwidth is refused', () => {
    refusal({ bandwidth: '100', cellSize: '60' }, '--cell-size', /at most half the bandwidth \(100 m\)/)
  })

  test('contour levels must be above zero', () => {
    refusal({ levels: '10,0' }, '--levels', /above zero, not 0/)
  })

  test('the bandwidth must be within 10 to 5000 metres and the kernel quartic or gaussian', () => {
    assert.throws(() => parseMethodOptions(kernelDensityMethod, { bandwidth: '5' }), DomainError)
    assert.throws(() => parseMethodOptions(kernelDensityMethod, { kernel: 'epanechnikov' }), DomainError)
  })

  test('a grid of more than 4 million cells is refused, naming the cell size and the extent', () => {
    // Points in London and Edinburgh, 10 m bandwidth, 5 m cells.
    const far = pointSet({ longitude: [-0.1, -3.19], latitude: [51.5, 55.95], day: [0, 0] })
    assert.throws(
      () => kernelDensityMethod.run(far, { kernel: 'quartic', bandwidth: 10, cellSize: 5 }, {}),
      (error: unknown) =>
        error instanceof DomainError &&
        /^A 5 m cell size over an extent of \d+\.\d km × \d+\.\d km needs [\d,]+ cells, more than the limit of 4,000,000: use a cell size of at least \d+ m/.test(
          error.fields.cellSize ?? '',
        ),
    )
  })

  test('a run whose signal is aborted stops', () => {
    const controller = new AbortController()
    controller.abort()
    assert.throws(
      () => kernelDensityMethod.run(points, defaults, { signal: controller.signal }),
      (error: unknown) => error instanceof Error && error.name === 'AbortError',
    )
  })

  test('no points is refused with a plain message', () => {
    const none = pointSet({ longitude: [], latitude: [], day: [] })
    assert.throws(
      () => kernelDensityMethod.run(none, defaults, {}),
      (error: unknown) => error instanceof DomainError && 'points' in error.fields,
    )
  })
})
