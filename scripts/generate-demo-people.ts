import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'csv-parse/sync'
import { detectFormat } from '../src/modules/data-hub/formats/index.ts'
import {
  PEOPLE_INVOLVEMENTS_COLUMNS,
  parseInvolvementRow,
} from '../src/modules/data-hub/formats/people-involvements.ts'
import { POLICE_UK_STREET_KIND } from '../src/modules/data-hub/formats/police-uk-street.ts'
import type { InvolvementRole } from '../src/modules/data-hub/people/tables.ts'

/**
 * Writes samples/partner/people-involvements.csv: fictional people involved in the real crimes
 * of the bundled City of London police.uk files (by Crime ID), and the missing people of
 * samples/partner/missing-episodes.csv when that file is there. Deterministic: the same input
 * files always give the same output, byte for byte.
 *
 *   node --import tsx scripts/generate-demo-people.ts
 */

const SAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../samples')
const STREET_FILES = ['2023-04-city-of-london-street.csv', '2023-05-city-of-london-street.csv'].map((file) =>
  path.join(SAMPLES, 'police-uk', file),
)
const MISSING_FILE = path.join(SAMPLES, 'partner', 'missing-episodes.csv')
const OUTPUT = path.join(SAMPLES, 'partner', 'people-involvements.csv')
/** The force's records system in the demo; the missing-episode person references are its ids too. */
const SOURCE_SYSTEM = 'sv-police-demo'
const REFERENCE_YEAR = 2023

// A small seeded generator (mulberry32), so the file does not change between runs.
let seed = 20230401
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0
  let t = seed
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const chance = (p: number) => random() < p
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1))

const FEMALE = [
  'Olivia',
  'Amelia',
  'Emily',
  'Sophie',
  'Jessica',
  'Charlotte',
  'Grace',
  'Hannah',
  'Chloe',
  'Lucy',
  'Ellie',
  'Megan',
  'Priya',
  'Aisha',
  'Zara',
  'Fatima',
  'Sarah',
  'Rachel',
  'Claire',
  'Joanne',
  'Karen',
  'Susan',
  'Margaret',
  'Niamh',
]
const MALE = [
  'Oliver',
  'Harry',
  'Jack',
  'George',
  'Thomas',
  'James',
  'William',
  'Daniel',
  'Samuel',
  'Joshua',
  'Ryan',
  'Liam',
  'Connor',
  'Mohammed',
  'Arjun',
  'Kwame',
  'David',
  'Michael',
  'Paul',
  'Mark',
  'Stephen',
  'Gareth',
  'Callum',
  'Rhys',
]
const LAST = [
  'Smith',
  'Jones',
  'Taylor',
  'Brown',
  'Williams',
  'Wilson',
  'Johnson',
  'Davies',
  'Robinson',
  'Wright',
  'Thompson',
  'Evans',
  'Walker',
  'White',
  'Roberts',
  'Green',
  'Hall',
  'Wood',
  'Jackson',
  'Clarke',
  'Patel',
  'Khan',
  'Ahmed',
  'Okafor',
  'Murphy',
  "O'Brien",
  'Hughes',
  'Edwards',
  'Turner-Hill',
  'Begum',
]
const STREETS: readonly [string, string][] = [
  ['Golden Lane', 'EC1Y 0RJ'],
  ['Fann Street', 'EC2Y 8AF'],
  ['Whitecross Street', 'EC1Y 8JL'],
  ['Aldersgate Street', 'EC1A 4JA'],
  ['Long Lane', 'EC1A 9HF'],
  ['Charterhouse Square', 'EC1M 6EA'],
  ['Houndsditch', 'EC3A 7DB'],
  ['Crutched Friars', 'EC3N 2AE'],
  ['Fenchurch Street', 'EC3M 4BY'],
  ['Queen Victoria Street', 'EC4V 4BJ'],
  ['Fleet Street', 'EC4Y 1AA'],
  ['Carter Lane', 'EC4V 5EQ'],
  ['Wood Street', 'EC2V 7AN'],
  ['Moorgate', 'EC2R 6EL'],
  ['Chiswell Street', 'EC1Y 4TY'],
  ['Great Sutton Street', 'EC1V 0DS'],
  ['St John Street', 'EC1M 4AA'],
  ['Cheapside', 'EC2V 6AA'],
]

interface Person {
  id: string
  firstNames: string
  lastName: string
  dateOfBirth: string
  address: string
  postcode: string
}

let nextPersonNumber = 1001
function dateOfBirth(ageLow: number, ageHigh: number): string {
  const year = REFERENCE_YEAR - between(ageLow, ageHigh)
  return `${year}-${String(between(1, 12)).padStart(2, '0')}-${String(between(1, 28)).padStart(2, '0')}`
}
function home(): { address: string; postcode: string } {
  const [street, postcode] = pick(STREETS)
  const address = chance(0.6)
    ? `Flat ${between(1, 60)}, ${between(1, 120)} ${street}, London`
    : `${between(1, 120)} ${street}, London`
  return { address, postcode }
}
function newPerson(
  values: {
    ageLow?: number
    ageHigh?: number
    female?: boolean
    lastName?: string
    home?: { address: string; postcode: string }
  } = {},
  id = `SV-P-${nextPersonNumber++}`,
): Person {
  const female = values.female ?? chance(0.5)
  const where = values.home ?? home()
  const firstNames = chance(0.25)
    ? `${pick(female ? FEMALE : MALE)} ${pick(female ? FEMALE : MALE)}`
    : pick(female ? FEMALE : MALE)
  return {
    id,
    firstNames,
    lastName: values.lastName ?? pick(LAST),
    dateOfBirth: dateOfBirth(values.ageLow ?? 18, values.ageHigh ?? 75),
    ...where,
  }
}

interface Involvement {
  person: Person
  source: string
  reference: string
  role: InvolvementRole
}
const rows: Involvement[] = []
const involve = (person: Person, source: string, reference: string, role: InvolvementRole) =>
  rows.push({ person, source, reference, role })

interface Crime {
  id: string
  type: string
  outcome: string
}
function crimesOf(file: string): Crime[] {
  const records = parse(readFileSync(file), { columns: true, bom: true }) as Record<string, string>[]
  return records
    .filter((record) => record['Crime ID'] !== '')
    .map((record) => ({
      id: record['Crime ID']!,
      type: record['Crime type']!,
      outcome: record['Last outcome category']!,
    }))
}

const CHARGED = /court|charged|cautioned|penalty|offender|prosecution|suspect identified/i
const suspectRole = (crime: Crime): InvolvementRole =>
  CHARGED.test(crime.outcome) && !/no suspect/i.test(crime.outcome) ? 'offender' : 'suspect'

// People who come back: victims of more than one crime across the two months.
const repeatVictims = Array.from({ length: 8 }, () => newPerson({ ageLow: 20, ageHigh: 70 }))
const seenIds = new Set<string>()
const households: { victim: Person; partner: Person; children: Person[] }[] = []
function household() {
  const where = home()
  const lastName = pick(LAST)
  const victim = newPerson({ female: true, ageLow: 22, ageHigh: 45, lastName, home: where })
  const partner = newPerson({ female: false, ageLow: 24, ageHigh: 50, home: where })
  const children = Array.from({ length: between(1, 2) }, () =>
    newPerson({ ageLow: 1, ageHigh: 14, lastName, home: where }),
  )
  return { victim, partner, children }
}

for (const file of STREET_FILES) {
  for (const crime of crimesOf(file)) {
    // Same Crime ID on two rows is the same crime for its people.
    if (seenIds.has(crime.id)) continue
    seenIds.add(crime.id)
    const at = (person: Person, role: InvolvementRole) =>
      involve(person, POLICE_UK_STREET_KIND, crime.id, role)
    const witnesses = () => {
      if (chance(0.3)) at(newPerson(), 'witness')
    }
    switch (crime.type) {
      case 'Violence and sexual offences': {
        if (chance(0.12)) {
          // Domestic: the same households come back in May, with the children present.
          let family = households.length >= 4 && !chance(0.3) ? pick(households) : undefined
          if (!family) households.push((family = household()))
          at(family.victim, 'victim')
          at(family.partner, suspectRole(crime))
          for (const child of family.children) at(child, 'child-present')
          break
        }
        at(chance(0.04) ? pick(repeatVictims) : newPerson(), 'victim')
        if (chance(0.6)) at(newPerson({ ageLow: 16, ageHigh: 45 }), suspectRole(crime))
        witnesses()
        if (chance(0.2)) at(newPerson(), 'reporting-person')
        break
      }
      case 'Robbery':
      case 'Theft from the person':
      case 'Bicycle theft':
      case 'Burglary': {
        if (!chance(0.35)) break
        at(chance(0.04) ? pick(repeatVictims) : newPerson(), 'victim')
        if (chance(0.25)) at(newPerson({ ageLow: 16, ageHigh: 40 }), suspectRole(crime))
        witnesses()
        break
      }
      case 'Shoplifting': {
        if (!chance(0.4)) break
        at(newPerson({ ageLow: 16, ageHigh: 60 }), suspectRole(crime))
        if (chance(0.5)) at(newPerson(), 'reporting-person')
        break
      }
      case 'Public order': {
        if (!chance(0.25)) break
        at(newPerson({ ageLow: 16, ageHigh: 45 }), suspectRole(crime))
        witnesses()
        break
      }
      default:
        break
    }
  }
}

async function addMissingPeople(): Promise<string> {
  if (!existsSync(MISSING_FILE)) return 'no missing-episodes.csv: no missing people'
  const format = await detectFormat(MISSING_FILE)
  if (!format) throw new Error(`${MISSING_FILE} is not in any known format`)
  const records = parse(readFileSync(MISSING_FILE), { columns: true, bom: true }) as Record<string, string>[]
  const people = new Map<string, Person>()
  for (const record of records) {
    const reference = record['Person reference']!
    const episode = record['Episode reference']!
    let person = people.get(reference)
    if (!person) {
      const where = record['Missing from type'] ?? ''
      const [ageLow, ageHigh] = /children|foster|school/.test(where)
        ? [12, 16]
        : /care-home|hospital/.test(where)
          ? [70, 88]
          : [17, 60]
      person = newPerson({ ageLow, ageHigh }, reference)
      people.set(reference, person)
    }
    involve(person, format.kind, episode, 'missing-person')
  }
  return `${people.size} missing people on ${records.length} episodes (${format.kind})`
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}

const missing = await addMissingPeople()
const lines = [PEOPLE_INVOLVEMENTS_COLUMNS.join(',')]
for (const { person, source, reference, role } of rows) {
  const fields = [
    SOURCE_SYSTEM,
    person.id,
    person.firstNames,
    person.lastName,
    person.dateOfBirth,
    person.address,
    person.postcode,
    source,
    reference,
    role,
  ]
  // The demo must import without a single rejection.
  const parsed = parseInvolvementRow(fields, '2026-01-01')
  if (!parsed.ok)
    throw new Error(`generated a bad row: ${parsed.rejection.column}: ${parsed.rejection.reason}`)
  lines.push(fields.map(csvField).join(','))
}
writeFileSync(OUTPUT, `${lines.join('\n')}\n`)
const people = new Set(rows.map((row) => row.person.id))
console.log(
  `${path.relative(process.cwd(), OUTPUT)}: ${rows.length} involvements of ${people.size} people; ${missing}`,
)
