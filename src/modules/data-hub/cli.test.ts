import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, test } from 'node:test'
import { backends } from '../../../test/backends.ts'
import { freshCliDatabase, runCliCapturing } from '../../../test/cli-runner.ts'
import { POLICE_UK_STREET_COLUMNS } from './formats/police-uk-street.ts'

const ROOT = path.resolve(import.meta.dirname, '../../..')
const FIXTURES = path.join(ROOT, 'samples/police-uk')
const APRIL = path.join(FIXTURES, '2023-04-city-of-london-street.csv')
const MAY = path.join(FIXTURES, '2023-05-city-of-london-street.csv')

const run = runCliCapturing

async function stats(...filters: string[]) {
  const result = await run('incidents', 'stats', ...filters, '--json')
  assert.equal(result.code, 0, result.stderr)
  return JSON.parse(result.stdout) as {
    total: number
    byType: Record<string, number>
    byMonth: Record<string, number>
  }
}

/** The April rows repeated with new crime ids until there are `count` rows. */
async function largeFile(file: string, count: number): Promise<void> {
  const [header, ...rows] = (await readFile(APRIL, 'utf8')).trimEnd().split('\n')
  const lines = [header]
  for (let i = 0; i < count; i++) {
    const row = rows[i % rows.length]!
    lines.push(
      row.startsWith(',')
        ? row
        : `${createHash('sha256').update(String(i)).digest('hex')}${row.slice(row.indexOf(','))}`,
    )
  }
  await writeFile(file, `${lines.join('\n')}\n`)
}

for (const backend of backends()) {
  describe(`upstream import police-uk-street and incidents stats on ${backend.name}`, () => {
    const cli = freshCliDatabase(backend, 'upstream-data-hub-cli-')

    test('importing the April file prints its counts and stats give 738 by type and month', async () => {
      const imported = await run('import', 'police-uk-street', APRIL, '--json')
      assert.equal(imported.code, 0, imported.stderr)
      const [result] = (JSON.parse(imported.stdout) as { results: { rowsInserted: number }[] }).results
      assert.equal(result!.rowsInserted, 738)
      const counts = await stats()
      assert.equal(counts.total, 738)
      assert.equal(counts.byType['other-theft'], 147)
      assert.equal(counts.byType['violent-crime'], 126)
      assert.equal(counts.byType['anti-social-behaviour'], 37)
      assert.deepEqual(counts.byMonth, { '2023-04': 738 })
    })

    test('importing the same file a second time says already imported and adds nothing', async () => {
      await run('import', 'police-uk-street', APRIL)
      const again = await run('import', 'police-uk-street', APRIL)
      assert.equal(again.code, 0)
      assert.match(again.stdout, /already imported/)
      assert.equal((await stats()).total, 738)
    })

    test('stats filtered by month count only those months', async () => {
      await run('import', 'police-uk-street', APRIL, MAY)
      assert.equal((await stats()).total, 738 + 774)
      assert.deepEqual((await stats('--from', '2023-05', '--to', '2023-05')).byMonth, { '2023-05': 774 })
    })

    test('a file whose header lacks Crime type fails with the expected columns', async () => {
      const header = POLICE_UK_STREET_COLUMNS.filter((c) => c !== 'Crime type').join(',')
      const file = path.join(cli.folder, 'no-crime-type.csv')
      await writeFile(file, `${header}\n`)
      const result = await run('import', 'police-uk-street', file)
      assert.equal(result.code, 1)
      assert.match(result.stderr, /Expected the columns: Crime ID,Month,Reported by,Falls within/)
    })

    test("'auto' tells a street file from its header, and names the formats when no header matches", async () => {
      const imported = await run('import', 'auto', APRIL, '--json')
      assert.equal(imported.code, 0, imported.stderr)
      const [result] = (JSON.parse(imported.stdout) as { results: { kind: string; rowsInserted: number }[] })
        .results
      assert.deepEqual([result!.kind, result!.rowsInserted], ['police-uk-street', 738])

      const odd = path.join(cli.folder, 'odd.csv')
      await writeFile(odd, 'When,Where,What\n2023-04,Here,Something\n')
      const refused = await run('import', 'auto', odd)
      assert.equal(refused.code, 1)
      assert.match(refused.stderr, /odd\.csv: the header matches none of the formats \(police-uk-street/)
      assert.equal((await stats()).total, 738)
    })

    test("'auto' on a street file with a misspelt column says which format it is closest to and what is missing", async () => {
      const header = POLICE_UK_STREET_COLUMNS.map((c) => (c === 'Crime type' ? 'Crime Type' : c)).join(',')
      const file = path.join(cli.folder, 'misspelt.csv')
      await writeFile(file, `${header}\n`)
      const result = await run('import', 'auto', file)
      assert.equal(result.code, 1)
      assert.match(
        result.stderr,
        /misspelt\.csv: the header is closest to police-uk-street .*no 'Crime type' column/,
      )
    })

    test('stats count police.uk crime and anti-social behaviour unless other kinds are asked for', async () => {
      await run('import', 'police-uk-street', APRIL)
      assert.equal((await stats('--kind', 'anti-social-behaviour')).total, 37)
      assert.equal((await stats('--kind', 'crime,anti-social-behaviour')).total, 738)
      assert.equal((await stats('--kind', 'all')).total, 738)
      assert.equal((await stats('--kind', 'call-for-service')).total, 0)
      const bad = await run('incidents', 'stats', '--kind', 'crimes')
      assert.equal(bad.code, 1)
      assert.match(bad.stderr, /--kind 'crimes' is not a kind/)
    })

    test("stats say how many of their incidents are the demo's sample files, and say nothing for other files", async () => {
      const own = path.join(cli.folder, 'own-street.csv')
      const rows = Array.from(
        { length: 40 },
        (_, i) =>
          `own-${i},2023-06,Test Police,Test Police,-0.1,51.5,On or near Here,E01000917,Camden 027C,Drugs,,`,
      )
      await writeFile(own, [POLICE_UK_STREET_COLUMNS.join(','), ...rows].join('\n'))
      await run('import', 'police-uk-street', own)
      const ownOnly = await run('incidents', 'stats', '--json')
      assert.equal(ownOnly.code, 0)
      assert.doesNotMatch(ownOnly.stderr, /demo/)
      await run('import', 'police-uk-street', APRIL)
      const withDemo = await run('incidents', 'stats', '--json')
      assert.match(withDemo.stderr, /Note: 738 of these incidents are the demo's sample files/)
      assert.equal((JSON.parse(withDemo.stdout) as { total: number }).total, 778)
    })

    test('a missing file or a folder is named before anything is imported', async () => {
      const missing = await run('import', 'auto', APRIL, path.join(cli.folder, 'nope.csv'))
      assert.equal(missing.code, 1)
      assert.match(missing.stderr, /nope\.csv: no such file/)
      const directory = await run('import', 'police-uk-street', cli.folder)
      assert.equal(directory.code, 1)
      assert.match(directory.stderr, /: not a file/)
      assert.equal((await stats()).total, 0)
    })

    test('an unknown kind is refused with the list of kinds, before anything is read', async () => {
      const result = await run('import', 'police-uk-streets', APRIL)
      assert.equal(result.code, 1)
      assert.match(result.stderr, /Unknown kind 'police-uk-streets': use one of police-uk-street, .*auto/)
    })

    test('an import killed mid-file and run again ends with exact counts and no duplicates', async () => {
      const rows = 50_000
      const file = path.join(cli.folder, 'large-street.csv')
      await largeFile(file, rows)
      const env = { ...process.env }
      delete env.NODE_TEST_CONTEXT
      const child = spawn(
        process.execPath,
        ['bin/upstream.js', 'import', 'police-uk-street', file, '--progress'],
        {
          cwd: ROOT,
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on('exit', (_code, signal) => resolve(signal)),
      )
      let stderr = ''
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString()
        if (/: ([4-9]\d)%/.test(stderr)) child.kill('SIGKILL')
      })
      assert.equal(await exited, 'SIGKILL', `the import finished before it was killed: ${stderr}`)

      const resumed = await run('import', 'police-uk-street', file, '--json')
      assert.equal(resumed.code, 0, resumed.stderr)
      const [result] = (JSON.parse(resumed.stdout) as { results: Record<string, unknown>[] }).results
      assert.equal(result!.resumed, true)
      assert.ok((result!.batchesSkipped as number) > 0, 'no batch had committed before the kill')
      assert.equal(result!.rowsRead, rows)
      assert.equal(result!.rowsInserted, rows)
      assert.equal(result!.rowsUpdated, 0)
      assert.equal((await stats()).total, rows)
    })
  })
}
