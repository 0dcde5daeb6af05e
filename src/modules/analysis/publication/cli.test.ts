import assert from 'node:assert/strict'
import path from 'node:path'
import { describe, test } from 'node:test'
import { backends } from '../../../../test/backends.ts'
import { freshCliDatabase, runCliCapturing as run } from '../../../../test/cli-runner.ts'

const APRIL = path.resolve(
  import.meta.dirname,
  '../../../../samples/police-uk/2023-04-city-of-london-street.csv',
)

/** The table under the notes of a publishable CSV: its header and rows. */
function tableOf(stdout: string): { notes: string[]; header: string; rows: string[][] } {
  const lines = stdout.split(/\r?\n/)
  const blank = lines.indexOf('')
  return {
    notes: lines.slice(0, blank),
    header: lines[blank + 1]!,
    rows: lines.slice(blank + 2).map((line) => line.split(',')),
  }
}

describe('upstream analyse counts --publishable', () => {
  test('prints the suppressed table of a file: notes, then every cell 0, at least 5 or suppressed, then the total', async () => {
    const result = await run('analyse', 'counts', '--input', APRIL, '--h3-resolution', '8', '--publishable')
    assert.equal(result.code, 0, result.stderr)
    const { notes, header, rows } = tableOf(result.stdout)
    assert.ok(notes.length > 2 && notes.every((note) => note.startsWith('# ')))
    assert.equal(header, 'cell,count,harm')
    const located = /^(\d+) points from 2023-04-city-of-london-street.csv/.exec(result.stderr)?.[1]
    assert.ok(located, result.stderr)
    assert.deepEqual(rows[rows.length - 1]!.slice(0, 2), ['total', located])
    for (const [, count] of rows.slice(0, -1))
      assert.ok(/^(fewer than 5|hidden)$/.test(count!) || count === '0' || Number(count) >= 5, count)
  })

  test('bad flags are one line naming the flag, before anything runs', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['--publishable'],
        /--publishable: H3 cells at resolution 9 are too fine to publish: give --h3-resolution 8 or less, or --unit lsoa/,
      ],
      [['--unit', 'lsoa', '--publishable', '--threshold', '2'], /--threshold: .*from 3 to 1000, not 2/],
      [
        ['--unit', 'lsoa', '--publishable', '--threshold', 'five'],
        /--threshold: a whole number is needed, not 'five'/,
      ],
      [['--unit', 'lsoa', '--threshold', '10'], /--threshold is for --publishable/],
      [['--unit', 'lsoa', '--publishable', '--json'], /leave out --json/],
    ]
    for (const [flags, message] of cases) {
      const result = await run('analyse', 'counts', '--input', APRIL, ...flags)
      assert.notEqual(result.code, 0, flags.join(' '))
      assert.match(result.stderr, message)
    }
  })

  for (const backend of backends()) {
    describe(`over the database on ${backend.name}`, () => {
      freshCliDatabase(backend, 'upstream-publishable-')
      test('a saved run by LSOA is printed suppressed with the threshold asked for', async () => {
        assert.equal((await run('import', 'police-uk-street', APRIL, '--json')).code, 0)
        const result = await run('analyse', 'counts', '--unit', 'lsoa', '--publishable', '--threshold', '10')
        assert.equal(result.code, 0, result.stderr)
        const { notes, header, rows } = tableOf(result.stdout)
        assert.match(notes.join('\n'), /threshold 10: a count from 1 to 9/)
        assert.match(notes[0]!, /analysis run \d+; data version/)
        assert.equal(header, 'area,count,harm,population,countPer1000,harmPer1000')
        for (const [, count] of rows.slice(0, -1))
          assert.ok(/^(fewer than 10|hidden)$/.test(count!) || count === '0' || Number(count) >= 10, count)
        assert.match(result.stderr, /Analysis run \d+/)
      })
    })
  }
})
