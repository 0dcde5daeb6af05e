import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import type { FastifyInstance } from 'fastify'
import type { Backend, TestDatabase } from '../../../../test/backends.ts'
import { testApp } from '../../../../test/app.ts'
import { createOrganisation, createUser, type TestUser } from '../../../../test/factories.ts'
import { clientSignedInAs, type TestClient } from '../../../../test/http-client.ts'
import type { ManualClock } from '../../../clock.ts'
import { POLICE_UK_STREET_COLUMNS } from '../formats/police-uk-street.ts'
import { DEMO_STREET_FILES, importPoliceUkStreetFile, type ImportResult } from '../index.ts'

/**
 * The data pages' tests share one scene per driver: the demo's two real police.uk files and a
 * small broken file imported, and a user of each role that matters to the data pages.
 */
export interface DataScene {
  database: TestDatabase
  app: FastifyInstance
  clock: ManualClock
  users: Record<'analyst' | 'officer' | 'supervisor' | 'partner', TestUser>
  client: Record<'analyst' | 'officer' | 'supervisor' | 'partner', TestClient>
  runs: { demo: ImportResult[]; broken: ImportResult }
  /** From the files themselves: rows in total, and by 'Crime type' and by month. */
  expected: { total: number; byCrimeType: Record<string, number>; byMonth: Record<string, number> }
  close(): Promise<void>
}

const GOOD_ROW = [
  'scene-good-1',
  '2023-04',
  'City of London Police',
  'City of London Police',
  '-0.110350',
  '51.518090',
  'On or near Holborn',
  'E01000917',
  'Camden 027C',
  'Other theft',
  'Local resolution',
  '',
]

/** Three bad rows (a bad month, a longitude out of range, a formula in the month) and one good one. */
export const BROKEN_FILE = [
  POLICE_UK_STREET_COLUMNS.join(','),
  GOOD_ROW.join(','),
  GOOD_ROW.map((cell, i) => (i === 0 ? 'scene-bad-1' : i === 1 ? '2023-13' : cell)).join(','),
  GOOD_ROW.map((cell, i) => (i === 0 ? 'scene-bad-2' : i === 4 ? '-190.5' : cell)).join(','),
  GOOD_ROW.map((cell, i) => (i === 0 ? 'scene-bad-3' : i === 1 ? '=HYPERLINK("x")' : cell)).join(','),
].join('\r\n')

async function countsOfFiles(files: string[]): Promise<DataScene['expected']> {
  const expected: DataScene['expected'] = { total: 0, byCrimeType: {}, byMonth: {} }
  for (const file of files) {
    const rows = parse(await readFile(file), { columns: true, bom: true }) as Record<string, string>[]
    for (const row of rows) {
      expected.total += 1
      expected.byCrimeType[row['Crime type']!] = (expected.byCrimeType[row['Crime type']!] ?? 0) + 1
      expected.byMonth[row.Month!] = (expected.byMonth[row.Month!] ?? 0) + 1
    }
  }
  return expected
}

export async function dataScene(backend: Backend): Promise<DataScene> {
  const database = await backend.create()
  const folder = await mkdtemp(path.join(os.tmpdir(), 'upstream-data-pages-'))
  const { app, clock } = await testApp(database, { config: { auditCheckpointDir: folder } })
  const police = await createOrganisation(database.db, { name: 'Test Police' })
  const charity = await createOrganisation(database.db, { name: 'Test Charity', kind: 'charity' })
  const users = {
    analyst: await createUser(database.db, {
      role: 'analyst',
      organisationId: police.id,
      displayName: 'Ada Analyst',
    }),
    officer: await createUser(database.db, { role: 'officer', organisationId: police.id }),
    supervisor: await createUser(database.db, { role: 'supervisor', organisationId: police.id }),
    partner: await createUser(database.db, { role: 'partner_practitioner', organisationId: charity.id }),
  }
  const demo: ImportResult[] = []
  for (const file of DEMO_STREET_FILES)
    demo.push(await importPoliceUkStreetFile(database.db, { file, clock }))
  const brokenFile = path.join(folder, 'broken street file.csv')
  await writeFile(brokenFile, BROKEN_FILE)
  const broken = await importPoliceUkStreetFile(database.db, {
    file: brokenFile,
    clock,
    importedBy: users.analyst.id,
  })
  const client = {
    analyst: await clientSignedInAs(app, database.db, clock, users.analyst.id),
    officer: await clientSignedInAs(app, database.db, clock, users.officer.id),
    supervisor: await clientSignedInAs(app, database.db, clock, users.supervisor.id),
    partner: await clientSignedInAs(app, database.db, clock, users.partner.id),
  }
  return {
    database,
    app,
    clock,
    users,
    client,
    runs: { demo, broken },
    expected: await countsOfFiles(DEMO_STREET_FILES),
    async close() {
      await app.close()
      await database.close()
      await rm(folder, { recursive: true, force: true })
    },
  }
}
