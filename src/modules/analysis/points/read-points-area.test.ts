import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { parse } from 'csv-parse/sync'
import { readPointsFile, type PointsFileResult } from './read-points-file.ts'

const ROOT = path.resolve(import.meta.dirname, '../../../..')
const MAY = path.join(ROOT, 'samples/police-uk/2023-05-city-of-london-street.csv')

let folder: string
before(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'upstream-points-area-'))
})
after(() => rm(folder, { recursive: true, force: true }))

let written = 0
async function fileWith(text: string, extension = '.csv'): Promise<string> {
  const file = path.join(folder, `points-${written++}${extension}`)
  await writeFile(file, text)
  return file
}

function points(result: PointsFileResult) {
  assert.ok(result.ok, result.ok ? '' : result.message)
  return result.points
}

describe('the area (LSOA code) of each point', () => {
  test('comes from the LSOA code column of a police.uk street file, row by row', async () => {
    const rows = parse(await readFile(MAY), { columns: true }) as Record<string, string>[]
    const located = rows.filter((row) => row.Longitude !== '')
    const read = points(await readPointsFile(MAY))
    assert.deepEqual(
      read.area,
      located.map((row) => row['LSOA code']),
    )
  })

  test('comes from an optional area column of a points CSV, empty when unknown', async () => {
    const file = await fileWith(
      'longitude,latitude,date,Area\n-0.09,51.51,2024-01-02,E01000001\n-0.1,51.5,2024-01-03,\n',
    )
    assert.deepEqual(points(await readPointsFile(file)).area, ['E01000001', ''])
  })

  test('is absent when a points CSV has no area column, so methods can say so', async () => {
    const file = await fileWith('longitude,latitude,date\n-0.09,51.51,2024-01-02\n')
    assert.equal(points(await readPointsFile(file)).area, undefined)
  })

  test('comes from properties.area of GeoJSON points, empty where a feature has none', async () => {
    const feature = (area?: unknown) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [-0.09, 51.51] },
      properties: { date: '2024-01-02', ...(area === undefined ? {} : { area }) },
    })
    const file = await fileWith(
      JSON.stringify({
        type: 'FeatureCollection',
        features: [feature(), feature('E01000002'), feature(null)],
      }),
      '.geojson',
    )
    assert.deepEqual(points(await readPointsFile(file)).area, ['', 'E01000002', ''])
  })

  test('a GeoJSON area that is not text is refused, naming the feature and property', async () => {
    const file = await fileWith(
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            geometry: { type: 'Point', coordinates: [-0.09, 51.51] },
            properties: { date: '2024-01-02', area: 12 },
          },
        ],
      }),
      '.geojson',
    )
    const result = await readPointsFile(file)
    assert.ok(!result.ok)
    assert.match(result.message, /feature 1.*properties\.area.*not text/)
  })
})
