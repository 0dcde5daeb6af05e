import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, test } from 'node:test'
import { backends } from '../../../../test/backends.ts'
import { freshCliDatabase, runCliCapturing as run } from '../../../../test/cli-runner.ts'

const ROOT = path.resolve(import.meta.dirname, '../../../..')
const APRIL = path.join(ROOT, 'samples/police-uk/2023-04-city-of-london-street.csv')
const MAY = path.join(ROOT, 'samples/police-uk/2023-05-city-of-london-street.csv')
const SAMPLE = path.join(ROOT, 'samples/population/made-up-lsoa-population.csv')

for (const backend of backends()) {
  describe(`upstream areas population on ${backend.name}`, () => {
    const cli = freshCliDatabase(backend, 'upstream-population-cli-')

    test('sets the population of the known LSOAs from the sample and reports the codes it does not know', async () => {
      assert.equal((await run('import', 'police-uk-street', APRIL)).code, 0)
      const loaded = await run('areas', 'population', SAMPLE)
      assert.equal(loaded.code, 0, loaded.stderr)
      assert.match(
        loaded.stdout,
        /^made-up-lsoa-population\.csv: 30 row\(s\); population set for \d+ lsoa area\(s\)$/m,
      )
      assert.match(loaded.stdout, /code\(s\) name no known lsoa: E0/)
      assert.equal((await run('import', 'police-uk-street', MAY)).code, 0)
      const again = await run('areas', 'population', SAMPLE, '--json')
      assert.equal(again.code, 0, again.stderr)
      const result = JSON.parse(again.stdout) as { areasSet: number; unknownCodes: number }
      assert.deepEqual([result.areasSet, result.unknownCodes], [30, 0], 'both months name all 30 LSOAs')
    })

    test('a bad file is refused, naming the row and column, and sets nothing', async () => {
      const file = path.join(cli.folder, 'bad.csv')
      await writeFile(file, 'LSOA 2021 Code,Total\nE01000001,many\n')
      const refused = await run('areas', 'population', file)
      assert.equal(refused.code, 1)
      assert.match(refused.stderr, /bad\.csv was not loaded, no population was set:/)
      assert.match(refused.stderr, /row 2, column 'Total': 'many' is not a number of residents/)
      const badLevel = await run('areas', 'population', SAMPLE, '--level', 'street')
      assert.equal(badLevel.code, 1)
      assert.match(badLevel.stderr, /--level must be one of/)
    })
  })
}
