import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import {
  CONTIGUITY_BOUNDARIES,
  contiguityReference,
  contiguityStreetFile,
  type ContiguityReference,
} from '../../../../test/fixtures/analysis/gi-star-contiguity-points.ts'
import { ManualClock } from '../../../clock.ts'
import { importPoliceUkStreetFile, INCIDENT_KINDS, type IncidentFilter } from '../../data-hub/index.ts'
import { loadBoundaryFile } from '../../data-hub/geography/load-boundaries.ts'
import { giStarHotspots } from '../hotspots/gi-star-method.ts'
import { loadIncidentPoints } from './incident-points.ts'

const ALL_KINDS: IncidentFilter = { visibleKinds: INCIDENT_KINDS }

for (const backend of backends()) {
  describe(`database points carry the contiguity of their level's boundaries on ${backend.name}`, () => {
    let database: TestDatabase
    let directory: string
    let reference: ContiguityReference
    before(async () => {
      reference = await contiguityReference()
      database = await backend.create()
      directory = await mkdtemp(path.join(tmpdir(), 'gi-star-contiguity-'))
      const loaded = await loadBoundaryFile(database.db, {
        file: CONTIGUITY_BOUNDARIES,
        level: 'neighbourhood',
        codeProperty: 'code',
        nameProperty: 'name',
      })
      assert.equal(loaded.status, 'loaded')
      await importPoliceUkStreetFile(database.db, {
        file: await contiguityStreetFile(directory, reference),
        clock: new ManualClock(),
      })
    })
    after(async () => {
      await database.close()
      await rm(directory, { recursive: true, force: true })
    })

    test("the areas with boundaries and their touching pairs are spdep poly2nb's", async () => {
      const { points } = await loadIncidentPoints(database.db, ALL_KINDS, {
        areaLevel: 'neighbourhood',
        contiguity: true,
      })
      const contiguity = points.areaContiguity
      assert.ok(contiguity, 'the neighbourhoods have boundaries')
      assert.deepEqual(contiguity.areas, [...reference.codes].sort())
      const read = new Map(contiguity.areas.map((code) => [code, [] as string[]]))
      for (const [a, b] of contiguity.pairs) {
        read.get(contiguity.areas[a]!)!.push(contiguity.areas[b]!)
        read.get(contiguity.areas[b]!)!.push(contiguity.areas[a]!)
      }
      reference.codes.forEach((code, i) =>
        assert.deepEqual(read.get(code)!.sort(), [...reference.neighbours[i]!].sort(), code),
      )
    })

    test('Gi* by contiguity over the database equals spdep localG to 1e-9', async () => {
      const { points } = await loadIncidentPoints(database.db, ALL_KINDS, {
        areaLevel: 'neighbourhood',
        contiguity: true,
      })
      const result = await giStarHotspots(points, { unit: 'lsoa', neighbours: 'contiguity', permutations: 0 })
      const rows = new Map(result.cells.map((row) => ['area' in row ? row.area : row.cell, row]))
      assert.equal(rows.size, reference.codes.length)
      reference.codes.forEach((code, i) => {
        assert.equal(rows.get(code)!.count, reference.counts[i], `${code} count`)
        assert.ok(Math.abs(rows.get(code)!.z - reference.z[i]!) <= 1e-9, `${code} z`)
      })
    })

    test('boundaries are compared only when asked for', async () => {
      const { points } = await loadIncidentPoints(database.db, ALL_KINDS, { areaLevel: 'neighbourhood' })
      assert.equal(points.areaContiguity, undefined)
    })

    test('a level without boundaries carries no contiguity, and gi-star by contiguity says why', async () => {
      const { points } = await loadIncidentPoints(database.db, ALL_KINDS, {
        areaLevel: 'ward',
        contiguity: true,
      })
      assert.equal(points.areaContiguity, undefined)
      await assert.rejects(
        giStarHotspots(points, { unit: 'lsoa', neighbours: 'contiguity', permutations: 0 }),
        /needs the boundaries of the areas/,
      )
    })
  })
}
