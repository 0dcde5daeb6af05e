import { mkdtemp, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Kysely } from 'kysely'
import type { Clock } from '../../../clock.ts'
import type { Database } from '../../../db/schema.ts'
import {
  PEOPLE_INVOLVEMENTS_COLUMNS,
  peopleInvolvementsFormatOn,
} from '../../data-hub/formats/people-involvements.ts'
import { POLICE_UK_STREET_COLUMNS, policeUkStreetFormat } from '../../data-hub/formats/police-uk-street.ts'
import { importFile } from '../../data-hub/import-run.ts'
import { resolveInvolvements } from '../../data-hub/people/index.ts'

/** Crimes and people for the retention and erasure tests, imported through the real importers. */

export const crimeId = (n: number) => n.toString(16).padStart(64, '0')

export function streetFile(crimes: { n: number; month: string; type: string; outcome: string }[]): string {
  const rows = crimes.map(
    (c) =>
      `${crimeId(c.n)},${c.month},City of London Police,City of London Police,-0.110350,51.518090,On or near Holborn,E01000917,City of London 001A,${c.type},${c.outcome},`,
  )
  return `${POLICE_UK_STREET_COLUMNS.join(',')}\n${rows.join('\n')}\n`
}

/** [source, id, first, last, dob, address, postcode, crime number, role] */
export function peopleFile(rows: string[][]): string {
  const lines = rows.map(
    ([source, id, first, last, dob, address, postcode, crime, role]) =>
      `${source},${id},${first},${last},${dob},"${address}",${postcode},police-uk-street,${crimeId(Number(crime))},${role}`,
  )
  return `${PEOPLE_INVOLVEMENTS_COLUMNS.join(',')}\n${lines.join('\n')}\n`
}

export async function importWorld(
  db: Kysely<Database>,
  clock: Clock,
  files: { street: string; people: string },
  folder?: string,
): Promise<string> {
  const dir = folder ?? (await mkdtemp(path.join(os.tmpdir(), 'upstream-retention-')))
  const street = path.join(dir, `street-${Date.now()}-${Math.random()}.csv`)
  const people = path.join(dir, `people-${Date.now()}-${Math.random()}.csv`)
  await writeFile(street, files.street)
  await writeFile(people, files.people)
  await importFile(db, policeUkStreetFormat, { file: street, clock })
  await importFile(db, peopleInvolvementsFormatOn(clock), { file: people, clock })
  await resolveInvolvements(db)
  return dir
}

export async function importPeople(
  db: Kysely<Database>,
  clock: Clock,
  folder: string,
  content: string,
): Promise<void> {
  const file = path.join(folder, `people-${Date.now()}-${Math.random()}.csv`)
  await writeFile(file, content)
  await importFile(db, peopleInvolvementsFormatOn(clock), { file, clock })
}
