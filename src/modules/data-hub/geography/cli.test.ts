import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, test } from 'node:test'
import { backends } from '../../../../test/backends.ts'
import { freshCliDatabase, runCliCapturing as run } from '../../../../test/cli-runner.ts'
import { DEMO_BOUNDARY_FILE } from './demo.ts'

const APRIL = path.resolve(
  import.meta.dirname,
  '../../../../samples/police-uk/2023-04-city-of-london-street.csv',
)
const LOAD_DEMO = [
  'areas',
  'load',
  DEMO_BOUNDARY_FILE,
  '--level',
  'neighbourhood',
  '--code-property',
  'code',
  '--name-property',
  'name',
]

for (const backend of backends()) {
  describe(`upstream areas load and list on ${backend.name}`, () => {
    const cli = freshCliDatabase(backend, 'upstream-areas-cli-')

    test('loading the demo neighbourhoods after an import prints what was made, and list shows the hierarchy with counts', async () => {
      assert.equal((await run('import', 'police-uk-street', APRIL)).code, 0)
      const loaded = await run(...LOAD_DEMO)
      assert.equal(loaded.code, 0, loaded.stderr)
      assert.match(
        loaded.stdout,
        /demo-neighbourhoods\.geojson: 3 neighbourhood area\(s\): 3 created, 0 updated, 0 unchanged/,
      )
      const listed = await run('areas', 'list')
      assert.equal(listed.code, 0, listed.stderr)
      assert.match(
        listed.stdout,
        /^City of London Police \(force derived:city-of-london-police\): 682 incident\(s\)$/m,
      )
      assert.match(
        listed.stdout,
        /^ {2}City of London \(local-authority derived:city-of-london\): \d+ incident\(s\)$/m,
      )
      assert.match(listed.stdout, /^ {4}Camden 027C \(lsoa E01000917\): \d+ incident\(s\)$/m)
      assert.match(
        listed.stdout,
        /^Demo neighbourhood 1 \(neighbourhood DEMO-N1, boundary\): [1-9]\d* incident\(s\)$/m,
      )
      const json = await run('areas', 'list', '--level', 'neighbourhood', '--json')
      const { areas } = JSON.parse(json.stdout) as { areas: { code: string; incidents: number }[] }
      assert.deepEqual(
        areas.map((area) => area.code),
        ['DEMO-N1', 'DEMO-N2', 'DEMO-N3'],
      )
      const again = await run(...LOAD_DEMO, '--json')
      const second = JSON.parse(again.stdout) as Record<string, number>
      assert.deepEqual(
        [second.created, second.updated, second.unchanged, second.membershipsAdded],
        [0, 0, 3, 0],
      )
    })

    test('a broken file is refused, naming each feature and property, and a bad level names the levels', async () => {
      const file = path.join(cli.folder, 'broken.geojson')
      await writeFile(
        file,
        JSON.stringify({
          type: 'FeatureCollection',
          features: [
            { type: 'Feature', properties: { code: 'X' }, geometry: { type: 'Point', coordinates: [0, 51] } },
          ],
        }),
      )
      const refused = await run(
        'areas',
        'load',
        file,
        '--level',
        'ward',
        '--code-property',
        'code',
        '--name-property',
        'name',
      )
      assert.equal(refused.code, 1)
      assert.match(refused.stderr, /broken\.geojson was not loaded:/)
      assert.match(refused.stderr, /feature 0, property 'name': the area name is missing or empty/)
      assert.match(refused.stderr, /feature 0, property 'geometry': the geometry type is "Point"/)
      const badLevel = await run('areas', 'list', '--level', 'street')
      assert.equal(badLevel.code, 1)
      assert.match(
        badLevel.stderr,
        /--level must be one of force, local-policing-area, local-authority, ward, neighbourhood, lsoa, not 'street'/,
      )
    })
  })
}
