import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { DomainError } from '../../../errors.ts'
import { pointSet, type PointSet } from '../method.ts'
import { parseMethodOptions } from '../options.ts'
import { queenContiguityPairs, type Ring } from './contiguity.ts'
import { giStarHotspots, giStarMethod, type GiStarArea, type GiStarResult } from './gi-star-method.ts'

const root = new URL('../../../../', import.meta.url)
const read = (name: string) => readFileSync(new URL(`test/fixtures/analysis/${name}`, root), 'utf8')
const reference = JSON.parse(read('gi-star-contiguity.json')) as {
  codes: string[]
  counts: number[]
  z: number[]
  p: number[]
  pFdr: number[]
}
const boundaries = JSON.parse(read('gi-star-contiguity.geojson')) as {
  features: {
    properties: { code: string }
    geometry:
      { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] }
  }[]
}
const adjacency = read('gi-star-contiguity-adjacency.csv')

/** One point per counted incident of the fixture, at its area's first vertex, carrying the area's code. */
function fixturePoints(extra: { area: string; located: boolean }[] = []): PointSet {
  const longitude: number[] = []
  const latitude: number[] = []
  const area: string[] = []
  boundaries.features.forEach((feature, i) => {
    const geometry = feature.geometry
    const [x, y] =
      geometry.type === 'Polygon' ? geometry.coordinates[0]![0]! : geometry.coordinates[0]![0]![0]!
    for (let k = 0; k < reference.counts[i]!; k++) {
      longitude.push(x!)
      latitude.push(y!)
      area.push(feature.properties.code)
    }
  })
  for (const point of extra) {
    longitude.push(point.located ? -0.1 : Number.NaN)
    latitude.push(point.located ? 51.4 : Number.NaN)
    area.push(point.area)
  }
  return pointSet({ longitude, latitude, day: new Array<number>(longitude.length).fill(19_450), area })
}

function withContiguity(points: PointSet): PointSet {
  const areas = boundaries.features.map((feature) => feature.properties.code)
  const rings = boundaries.features.map(({ geometry }): Ring[] =>
    geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat(),
  )
  return { ...points, areaContiguity: { areas, pairs: queenContiguityPairs(rings) } }
}

function areaRows(result: GiStarResult): Map<string, GiStarArea> {
  return new Map(
    result.cells.map((row) => {
      assert.ok('area' in row, 'an area row names its area')
      return [row.area, row]
    }),
  )
}

function assertMatchesSpdep(result: GiStarResult): void {
  const rows = areaRows(result)
  assert.equal(rows.size, reference.codes.length, 'every area of the fixture is a study area, empty ones too')
  reference.codes.forEach((code, i) => {
    const row = rows.get(code)!
    assert.equal(row.count, reference.counts[i], `${code} count`)
    assert.ok(Math.abs(row.z - reference.z[i]!) <= 1e-9, `${code} z ${row.z} vs ${reference.z[i]}`)
    assert.ok(Math.abs(row.p - reference.p[i]!) <= 1e-9, `${code} p`)
    assert.ok(Math.abs(row.pFdr - reference.pFdr[i]!) <= 1e-9, `${code} pFdr`)
  })
}

const byAdjacency = { unit: 'lsoa', neighbours: 'adjacency', adjacency, permutations: 0 } as const
const byContiguity = { unit: 'lsoa', neighbours: 'contiguity', permutations: 0 } as const

describe('Gi* on areas with given neighbours, against spdep localG on poly2nb', () => {
  test('with the adjacency file, z, p and pFdr equal spdep’s to 1e-9, areas without points included', async () => {
    const result = await giStarHotspots(fixturePoints(), byAdjacency)
    assertMatchesSpdep(result)
    assert.equal(result.summary.cells, 150)
    assert.equal(result.summary.cellsWithPoints, reference.counts.filter((count) => count > 0).length)
    assert.match(String(result.parameters.adjacency), /^510 pairs over 150 areas \(sha256 [0-9a-f]{16}…\)$/)
  })

  test('by contiguity of the boundaries the points carry, the same figures', async () => {
    assertMatchesSpdep(await giStarHotspots(withContiguity(fixturePoints()), byContiguity))
  })

  test('points without a location or an area are left out and counted', async () => {
    const points = fixturePoints([
      { area: '', located: true },
      { area: 'G00-00', located: false },
    ])
    const result = await giStarHotspots(points, byAdjacency)
    assertMatchesSpdep(result)
    assert.equal(result.summary.pointsWithoutArea, 1)
    assert.equal(result.summary.pointsWithoutLocation, 1)
  })

  test('an area with points but not in the adjacency is refused, naming it and the fix', async () => {
    const points = fixturePoints([{ area: 'E01000001', located: true }])
    await assert.rejects(giStarHotspots(points, byAdjacency), (error: DomainError) =>
      /^1 area of the points not in the adjacency: E01000001\. .*such as E01000001,\)/.test(
        error.fields?.adjacency ?? '',
      ),
    )
    await assert.rejects(giStarHotspots(withContiguity(points), byContiguity), (error: DomainError) =>
      /1 area of the points has no boundary: E01000001/.test(error.fields?.neighbours ?? ''),
    )
  })

  test('contiguity without boundaries (a file) says where it works', async () => {
    await assert.rejects(giStarHotspots(fixturePoints(), byContiguity), (error: DomainError) =>
      /needs the boundaries of the areas.*--area-level/.test(error.fields?.neighbours ?? ''),
    )
  })
})

describe('gi-star options for given neighbours', () => {
  const problems = (raw: Record<string, unknown>): Record<string, string> => {
    try {
      parseMethodOptions(giStarMethod, raw, 'flag')
      return {}
    } catch (error) {
      assert.ok(error instanceof DomainError)
      return error.fields ?? {}
    }
  }

  test('adjacency and contiguity compare areas, and the adjacency goes with neighbours adjacency only', () => {
    assert.match(
      problems({ neighbours: 'contiguity' })['--neighbours']!,
      /compares areas, not H3 cells: choose unit lsoa/,
    )
    assert.match(problems({ unit: 'lsoa', neighbours: 'adjacency' })['--adjacency']!, /adjacency is required/)
    assert.match(
      problems({ unit: 'lsoa', neighbours: 'contiguity', adjacency })['--adjacency']!,
      /used only when/,
    )
    assert.match(
      problems({ unit: 'lsoa', neighbours: 'contiguity', distance: 500 })['--distance']!,
      /used only when/,
    )
    assert.match(
      problems({ unit: 'lsoa', neighbours: 'rings' })['--neighbours']!,
      /distance, adjacency or contiguity/,
    )
    assert.deepEqual(problems({ unit: 'lsoa', neighbours: 'adjacency', adjacency }), {})
  })

  test('a bad adjacency is refused with its line and column, before anything runs', () => {
    assert.match(
      problems({ unit: 'lsoa', neighbours: 'adjacency', adjacency: 'area,neighbour\nA,B\nC\n' })[
        '--adjacency'
      ]!,
      /^adjacency: line 3: expected 2 columns/,
    )
  })

  test('any adjacency text gives options or problems naming --adjacency, never a crash', () => {
    const piece = fc.constantFrom('area,neighbour\n', 'A,B\n', 'A,A\n', ',\n', 'B,\n', '"', ',', '\n', 'x')
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(piece, { maxLength: 12 }).map((p) => p.join('')),
        ),
        (text) => {
          const found = problems({ unit: 'lsoa', neighbours: 'adjacency', adjacency: text })
          for (const name of Object.keys(found)) assert.equal(name, '--adjacency')
        },
      ),
      { numRuns: 1000 },
    )
  })

  test('the summary names the neighbourhood', async () => {
    const text = giStarMethod.summarise(await giStarHotspots(withContiguity(fixturePoints()), byContiguity))
    assert.match(
      text,
      /^150 areas \(\d+ with points\), neighbours: areas whose boundaries touch \(queen contiguity\)/,
    )
  })
})
