import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { backends } from '../../../../test/backends.ts'
import { freshCliDatabase, runCliCapturing as run } from '../../../../test/cli-runner.ts'
import {
  CONTIGUITY_ADJACENCY,
  CONTIGUITY_BOUNDARIES,
  contiguityPointsCsv,
  contiguityReference,
  contiguityStreetFile,
  type ContiguityReference,
} from '../../../../test/fixtures/analysis/gi-star-contiguity-points.ts'
import type { GiStarResult } from './gi-star-method.ts'

function assertSpdepFigures(result: GiStarResult, reference: ContiguityReference): void {
  const rows = new Map(result.cells.map((row) => ['area' in row ? row.area : row.cell, row]))
  assert.equal(rows.size, reference.codes.length)
  reference.codes.forEach((code, i) => {
    assert.equal(rows.get(code)!.count, reference.counts[i], `${code} count`)
    assert.ok(Math.abs(rows.get(code)!.z - reference.z[i]!) <= 1e-9, `${code} z`)
  })
}

describe('upstream analyse gi-star --input with --adjacency FILE', () => {
  let folder: string
  let points: string
  let reference: ContiguityReference
  before(async () => {
    reference = await contiguityReference()
    folder = await mkdtemp(path.join(os.tmpdir(), 'gi-star-adjacency-'))
    points = await contiguityPointsCsv(folder, reference)
  })
  after(() => rm(folder, { recursive: true, force: true }))

  const giStar = (...flags: string[]) =>
    run('analyse', 'gi-star', '--input', points, '--unit', 'lsoa', '--permutations', '0', ...flags)

  test("reads the file and gives spdep's z for every area of it", async () => {
    const result = await giStar('--neighbours', 'adjacency', '--adjacency', CONTIGUITY_ADJACENCY, '--json')
    assert.equal(result.code, 0, result.stderr)
    assertSpdepFigures(JSON.parse(result.stdout) as GiStarResult, reference)
  })

  test('a file that cannot be read, or a bad row, exits 1 naming the flag, the line and the column', async () => {
    const missing = await giStar('--neighbours', 'adjacency', '--adjacency', path.join(folder, 'none.csv'))
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /--adjacency: cannot read .*none\.csv: ENOENT/)
    const bad = path.join(folder, 'bad.csv')
    await writeFile(bad, 'area,neighbour\nG00-00,G00-01\nG00-02,\n,G00-03\n')
    const refused = await giStar('--neighbours', 'adjacency', '--adjacency', bad)
    assert.equal(refused.code, 1)
    assert.match(refused.stderr, /adjacency: line 4, column area: empty/)
  })

  test('areas of the points missing from the file exit 1 naming them', async () => {
    const partial = path.join(folder, 'partial.csv')
    await writeFile(partial, 'area,neighbour\nG00-00,G00-01\n')
    const result = await giStar('--neighbours', 'adjacency', '--adjacency', partial)
    assert.equal(result.code, 1)
    const missing = reference.codes.filter(
      (code, i) => reference.counts[i]! > 0 && !['G00-00', 'G00-01'].includes(code),
    )
    assert.ok(
      result.stderr.includes(
        `${missing.length} areas of the points not in the adjacency: ${missing.sort().slice(0, 5).join(', ')} (and ${missing.length - 5} more)`,
      ),
      result.stderr,
    )
  })
})

for (const backend of backends()) {
  describe(`upstream analyse gi-star --neighbours contiguity on ${backend.name}`, () => {
    const scratch = freshCliDatabase(backend, 'gi-star-contiguity-cli-')

    test("over loaded boundaries gives spdep's z, and the run is saved", async () => {
      const reference = await contiguityReference()
      const load = await run(
        'areas',
        'load',
        CONTIGUITY_BOUNDARIES,
        '--level',
        'neighbourhood',
        '--code-property',
        'code',
        '--name-property',
        'name',
      )
      assert.equal(load.code, 0, load.stderr)
      const imported = await run(
        'import',
        'police-uk-street',
        await contiguityStreetFile(scratch.folder, reference),
      )
      assert.equal(imported.code, 0, imported.stderr)
      const result = await run(
        'analyse',
        'gi-star',
        '--area-level',
        'neighbourhood',
        '--unit',
        'lsoa',
        '--neighbours',
        'contiguity',
        '--permutations',
        '0',
        '--json',
      )
      assert.equal(result.code, 0, result.stderr)
      assertSpdepFigures(JSON.parse(result.stdout) as GiStarResult, reference)
      assert.match(result.stderr, /^Analysis run \d+: gi-star over \d+ incidents/)
    })
  })
}
