import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Kysely } from 'kysely'
import type { Clock } from '../../../clock.ts'
import type { Database } from '../../../db/schema.ts'
import { importFile } from '../../data-hub/import-run.ts'
import {
  PEOPLE_INVOLVEMENTS_COLUMNS,
  peopleInvolvementsFormatOn,
} from '../../data-hub/formats/people-involvements.ts'
import { POLICE_UK_STREET_COLUMNS, policeUkStreetFormat } from '../../data-hub/formats/police-uk-street.ts'
import { resolveInvolvements } from '../../data-hub/people/index.ts'

/**
 * A small world for people tests, imported through the real importers: crimes in two months and
 * people from two source systems, some of them the same people written differently.
 */

export const crimeId = (n: number) => n.toString(16).padStart(64, '0')

const crimes = Array.from({ length: 24 }, (_, i) => {
  const month = i < 12 ? '2023-04' : '2023-05'
  return `${crimeId(i + 1)},${month},City of London Police,City of London Police,-0.1103${i % 10},51.5180${i % 10},On or near Holborn,E01000917,City of London 001A,Burglary,Under investigation,`
})
export const STREET = `${POLICE_UK_STREET_COLUMNS.join(',')}\n${crimes.join('\n')}\n`

/** [source, id, first, last, dob, address, postcode, crime, role] */
export const PEOPLE_ROWS: string[][] = [
  ['col-police', 'P1', 'Anna', 'Clarke', '1980-05-02', '1 Moor Lane, London', 'EC2Y 9AD', '1', 'victim'],
  ['city-council', 'C77', 'Ann', 'Clarke', '1980-05-02', '1 Moor Ln', 'EC2Y 9AD', '13', 'victim'],
  [
    'col-police',
    'P2',
    'Benjamin',
    'Hughes',
    '1979-11-30',
    '3 Wood Street, London',
    'EC2V 7AN',
    '2',
    'suspect',
  ],
  ['city-council', 'C78', 'Ben', 'Hughes', '1979-11-30', '3 Wood St', 'EC2V 7AN', '14', 'offender'],
  [
    'col-police',
    'P3',
    'Chloe',
    'Hughes',
    '2012-06-01',
    '3 Wood Street, London',
    'EC2V 7AN',
    '2',
    'child-present',
  ],
  ['col-police', 'P4', 'Anna', 'Clarke', '1951-09-17', '9 Gresham Street', 'EC2V 7BX', '3', 'witness'],
  ['col-police', 'P5', 'Mohammed', 'Khan', '1990-02-11', '12 Fore Street', 'EC2Y 5EJ', '4', 'victim'],
  ['city-council', 'C80', 'Mohammed', 'Khan', '1990-11-02', '12 Fore St', 'EC2Y 5EJ', '15', 'victim'],
  ['col-police', 'P6', 'Olivia', 'Smith', '2001-07-23', '44 London Wall', 'EC2M 5TQ', '5', 'victim'],
  ['col-police', 'P7', 'George', 'Taylor', '1965-03-09', '8 Milk Street', 'EC2V 8BR', '6', 'suspect'],
  ['city-council', 'C81', 'Sophie', 'Brown', '1988-12-01', '2 Aldermanbury', 'EC2V 7HR', '16', 'victim'],
  ['col-police', 'P8', 'Jack', 'Wilson', '1999-08-30', '5 Cheapside', 'EC2V 6AA', '7', 'offender'],
  ['col-police', 'P9', 'Amelia', 'Davies', '1975-04-04', '17 Basinghall Street', 'EC2V 5BR', '8', 'witness'],
  ['city-council', 'C82', 'Harry', 'Evans', '1983-10-10', '30 Coleman Street', 'EC2R 5AL', '17', 'victim'],
  ['col-police', 'P10', 'Emily', 'Thomas', '1992-01-19', '6 Wood Street', 'EC2V 7AS', '9', 'victim'],
  ['city-council', 'C83', 'Emily', 'Thomas', '1992-01-19', '6 Wood Street', 'EC2V 7AS', '18', 'victim'],
  ['col-police', 'P11', 'Noah', 'Roberts', '2008-05-05', '21 Moorgate', 'EC2R 6AR', '10', 'suspect'],
  ['col-police', 'P12', 'Isla', 'Walker', '1970-06-16', '4 Ironmonger Lane', 'EC2V 8EY', '11', 'victim'],
  ['city-council', 'C84', 'Leo', 'Wright', '1996-09-09', '10 Old Jewry', 'EC2R 8DN', '19', 'victim'],
  ['col-police', 'P13', 'Grace', 'Hall', '1985-11-11', '15 Lothbury', 'EC2R 7HH', '12', 'witness'],
]

/** Index of the record rows that are the same person. */
export const SAME_PEOPLE: [string, string][] = [
  ['P1', 'C77'],
  ['P2', 'C78'],
  ['P5', 'C80'],
  ['P10', 'C83'],
]

/** The street file and the people file of the world, written into a folder. */
export async function writeLinkablePeopleFiles(
  folder: string,
  rows = PEOPLE_ROWS,
): Promise<{ street: string; people: string }> {
  const street = path.join(folder, 'street.csv')
  const people = path.join(folder, 'people.csv')
  await writeFile(street, STREET)
  const lines = rows.map(([source, id, first, last, dob, address, postcode, crime, role]) =>
    [source, id, first, last, dob, `"${address}"`, postcode, 'police-uk-street', crimeId(Number(crime)), role].join(
      ',',
    ),
  )
  await writeFile(people, `${PEOPLE_INVOLVEMENTS_COLUMNS.join(',')}\n${lines.join('\n')}\n`)
  return { street, people }
}

export async function importLinkablePeople(
  db: Kysely<Database>,
  clock: Clock,
  rows = PEOPLE_ROWS,
): Promise<void> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'upstream-people-'))
  try {
    const { street, people } = await writeLinkablePeopleFiles(folder, rows)
    await importFile(db, policeUkStreetFormat, { file: street, clock })
    await importFile(db, peopleInvolvementsFormatOn(clock), { file: people, clock })
    await resolveInvolvements(db, { occurredAt: clock.now() })
  } finally {
    await rm(folder, { recursive: true, force: true })
  }
}

/** The person each source record is linked to, by source person id. */
export async function personOfRecords(db: Kysely<Database>): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('person_record as r')
    .innerJoin('person_record_link as l', 'l.person_record_id', 'r.id')
    .select(['r.source_person_id', 'l.person_id'])
    .execute()
  return new Map(rows.map((row) => [row.source_person_id, row.person_id]))
}

export async function recordIdOf(db: Kysely<Database>, sourcePersonId: string): Promise<number> {
  const row = await db
    .selectFrom('person_record')
    .select('id')
    .where('source_person_id', '=', sourcePersonId)
    .executeTakeFirstOrThrow()
  return row.id
}
