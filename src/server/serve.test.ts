import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import { sql } from 'kysely'
import { readConfig } from '../config.ts'
import { startServer } from './serve.ts'

test('a first start on an empty data folder loads the demo partnership and its data files, once', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'upstream-serve-'))
  const config = { ...readConfig({ UPSTREAM_DATA_DIR: dataDir, PORT: '0' }), demoData: true }
  const lines: string[] = []
  const first = await startServer(config, (line) => lines.push(line))
  const count = async (db: typeof first.database.db) =>
    Number((await sql<{ n: number }>`select count(*)::int as n from incident`.execute(db)).rows[0]!.n)
  // The two police.uk street files, then the generated calls, A&E attendances and missing episodes.
  const demoIncidents = 738 + 774 + 730 + 62 + 17
  try {
    assert.equal(await count(first.database.db), demoIncidents)
    assert.match(lines.join('\n'), /Loaded the demo partnership and .*1512 incidents and 431 outcomes from data\.police\.uk/)
    assert.match(lines.join('\n'), /admin@demo\.upstream\.local/)
  } finally {
    await first.stop()
  }
  const again = await startServer(config, () => undefined)
  try {
    assert.equal(await count(again.database.db), demoIncidents)
  } finally {
    await again.stop()
  }
})
