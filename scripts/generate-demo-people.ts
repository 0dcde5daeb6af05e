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
 * samples/partner/missing-episodes.csv when that file is there; and, when the calls and A&E
 * samples are there, the council's and the emergency department's extracts of the same kind
 * (people-council.csv, people-ed.csv), which record some of those people again. Deterministic:
 * the same input files always give the same output, byte for byte.
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

/*
 * The second and third sources: the council's children's services and housing, and the
 * emergency department. They re-record about a quarter of the force's people, as other
 * systems do: nicknames, a dropped middle name, a typo, no postcode, an abbreviated street,
 * now and then day and month of birth swapped. Record linkage has to find them again.
 */
const COUNCIL_SYSTEM = 'sv-council-demo'
const ED_SYSTEM = 'sv-nhs-ed-demo'
const COUNCIL_OUTPUT = path.join(SAMPLES, 'partner', 'people-council.csv')
const ED_OUTPUT = path.join(SAMPLES, 'partner', 'people-ed.csv')
const CALLS_FILE = path.join(SAMPLES, 'partner', 'calls-for-service.csv')
const AE_FILE = path.join(SAMPLES, 'partner', 'ae-assaults.csv')

/** Short forms a clerk writes for the names above (all in src/modules/people/linkage/nicknames.ts). */
const NICKNAMES: Record<string, string> = {
  Thomas: 'Tom',
  James: 'Jim',
  William: 'Bill',
  Daniel: 'Dan',
  Samuel: 'Sam',
  Joshua: 'Josh',
  Michael: 'Mike',
  Stephen: 'Steve',
  Oliver: 'Ollie',
  David: 'Dave',
  Margaret: 'Maggie',
  Susan: 'Sue',
  Jessica: 'Jess',
  Charlotte: 'Charlie',
  Rebecca: 'Becky',
  Joanne: 'Jo',
}
const STREET_ABBREVIATIONS: readonly [RegExp, string][] = [
  [/ Street,/, ' St,'],
  [/ Lane,/, ' Ln,'],
  [/ Square,/, ' Sq,'],
  [/ Road,/, ' Rd,'],
]

type Variation = (person: Person) => Person | undefined
const VARIATIONS: readonly Variation[] = [
  (p) => {
    const [first, ...middle] = p.firstNames.split(' ')
    const short = NICKNAMES[first!]
    return short ? { ...p, firstNames: [short, ...middle].join(' ') } : undefined
  },
  (p) => (p.firstNames.includes(' ') ? { ...p, firstNames: p.firstNames.split(' ')[0]! } : undefined),
  (p) => {
    // Two letters typed the wrong way round, inside the name.
    const name = p.lastName
    const at = between(1, name.length - 3)
    if (name.length < 5 || !/^[a-z]{2}$/.test(name.slice(at, at + 2)) || name[at] === name[at + 1])
      return undefined
    return { ...p, lastName: name.slice(0, at) + name[at + 1] + name[at] + name.slice(at + 2) }
  },
  (p) => (p.postcode ? { ...p, postcode: '' } : undefined),
  (p) => {
    const rule = STREET_ABBREVIATIONS.find(([long]) => long.test(p.address))
    return rule ? { ...p, address: p.address.replace(rule[0], rule[1]) } : undefined
  },
  (p) => {
    const [year, month, day] = p.dateOfBirth.split('-')
    return Number(day) <= 12 && day !== month ? { ...p, dateOfBirth: `${year}-${day}-${month}` } : undefined
  },
]

/** The person as another system holds them: usually one difference, sometimes two, sometimes none. */
function reRecorded(person: Person, id: string): Person {
  let copy: Person = { ...person, id }
  const differences = chance(0.2) ? 0 : chance(0.75) ? 1 : 2
  for (let tries = 0, made = 0; made < differences && tries < 10; tries++) {
    const varied = pick(VARIATIONS)(copy)
    if (varied) {
      copy = varied
      made++
    }
  }
  return copy
}

function recordsOf(file: string): Record<string, string>[] {
  return parse(readFileSync(file), { columns: true, bom: true }) as Record<string, string>[]
}

interface PartnerExtract {
  file: string
  sourceSystem: string
  rows: Involvement[]
  /** How many of the force's people this extract records again. */
  ofTheForce: number
}

async function partnerExtracts(): Promise<PartnerExtract[]> {
  if (!existsSync(CALLS_FILE) || !existsSync(AE_FILE)) return []
  // Its own seed: the force's rows above stay as they were.
  seed = 20230601
  const callKind = (await detectFormat(CALLS_FILE))?.kind
  const aeKind = (await detectFormat(AE_FILE))?.kind
  if (!callKind || !aeKind) throw new Error('the calls or A&E sample is not in a known format')

  const council: Involvement[] = []
  const councilIds = new Map<string, Person>()
  let councilNumber = 400001
  const councilPerson = (person: Person) => {
    let record = councilIds.get(person.id)
    if (!record) councilIds.set(person.id, (record = reRecorded(person, `SVC-${councilNumber++}`)))
    return record
  }
  const newCouncilPerson = (values: Parameters<typeof newPerson>[0]) =>
    newPerson(values, `SVC-${councilNumber++}`)
  const toCouncil = (person: Person, source: string, reference: string, role: InvolvementRole) =>
    council.push({ person, source, reference, role })

  // Children's services: the looked-after children who go missing, under the council's ids.
  for (const row of rows) {
    if (row.source !== 'missing-episode' || Number(row.person.dateOfBirth.slice(0, 4)) < REFERENCE_YEAR - 17)
      continue
    toCouncil(councilPerson(row.person), row.source, row.reference, row.role)
  }

  // Domestic abuse notifications: the police tell children's services of each domestic call.
  // The force's recurring households come first: the mother as victim, the partner as suspect;
  // the first household's children are on no call, so only living with her brings them in.
  const domesticCalls = recordsOf(CALLS_FILE).filter(
    (call) =>
      (call['Final category'] || call['Initial category']) === 'domestic-incident' ||
      (call['Vulnerability flags'] ?? '').split(';').includes('domestic-abuse'),
  )
  const KNOWN_FAMILY_CALLS = 8
  domesticCalls.forEach((call, index) => {
    const reference = call['Call reference']!
    const family = index < KNOWN_FAMILY_CALLS ? households[index] : undefined
    if (family) {
      toCouncil(councilPerson(family.victim), callKind, reference, 'victim')
      toCouncil(councilPerson(family.partner), callKind, reference, 'suspect')
      if (index > 0)
        for (const child of family.children)
          toCouncil(councilPerson(child), callKind, reference, 'child-present')
      return
    }
    // A family the police had not met before: known to the council's housing team at one address.
    const where = home()
    const lastName = pick(LAST)
    toCouncil(
      newCouncilPerson({ female: true, ageLow: 21, ageHigh: 44, lastName, home: where }),
      callKind,
      reference,
      'victim',
    )
    toCouncil(
      newCouncilPerson({ female: false, ageLow: 23, ageHigh: 52, home: where }),
      callKind,
      reference,
      'suspect',
    )
    const names = new Set<string>()
    for (let child = between(1, 3); child > 0; child--) {
      let person = newCouncilPerson({ ageLow: 0, ageHigh: 16, lastName, home: where })
      // Parents do not give two children one name.
      while (names.has(person.firstNames.split(' ')[0]!))
        person = newPerson({ ageLow: 0, ageHigh: 16, lastName, home: where }, person.id)
      names.add(person.firstNames.split(' ')[0]!)
      toCouncil(person, callKind, reference, 'child-present')
    }
  })

  // Housing and children's services also hear of some crimes against or by the people they know.
  const crimeRows = rows.filter((row) => row.source === POLICE_UK_STREET_KIND)
  const known = new Set<string>(councilIds.keys())
  for (const row of crimeRows) {
    if (known.has(row.person.id)) continue
    known.add(row.person.id)
    if (chance(0.14)) toCouncil(councilPerson(row.person), row.source, row.reference, row.role)
  }

  // Two tenants of the same name, born years apart, at different addresses: two people.
  const burglaries = crimesOf(STREET_FILES[0]!).filter((crime) => crime.type === 'Burglary')
  const namesake = (dateOfBirth: string, address: string, postcode: string, crime: Crime) =>
    toCouncil(
      {
        id: `SVC-${councilNumber++}`,
        firstNames: 'Patrick',
        lastName: 'Doherty',
        dateOfBirth,
        address,
        postcode,
      },
      POLICE_UK_STREET_KIND,
      crime.id,
      'victim',
    )
  namesake('1958-07-19', '14 Golden Lane, London', 'EC1Y 0RJ', burglaries[0]!)
  namesake('1991-02-03', 'Flat 8, 31 Crutched Friars, London', 'EC3N 2AE', burglaries[1] ?? burglaries[0]!)

  // The emergency department: the patient of each assault attendance, who is often the victim
  // of a violent crime the force recorded at the same place in the same month.
  const victimsAt = new Map<string, Person[]>()
  for (const file of STREET_FILES) {
    for (const crime of recordsOf(file)) {
      if (crime['Crime type'] !== 'Violence and sexual offences' || !crime['Crime ID']) continue
      const place = `${crime['Month']}|${crime['Location']!.replace(/^On or near\s*/, '')}`
      for (const row of crimeRows)
        if (row.reference === crime['Crime ID'] && row.role === 'victim') {
          let list = victimsAt.get(place)
          if (!list) victimsAt.set(place, (list = []))
          list.push(row.person)
        }
    }
  }
  const ed: Involvement[] = []
  const patients = new Map<string, Person>()
  let patientNumber = 7100001
  for (const attendance of recordsOf(AE_FILE)) {
    const month = (attendance['Assault at'] || attendance['Arrival at'])!.slice(0, 7)
    const place = `${month}|${attendance['Assault location description']!.replace(/^Near\s*/, '')}`
    const victim = (victimsAt.get(place) ?? []).find((person) => !patients.has(person.id))
    let patient: Person
    if (victim && chance(0.8)) {
      patient = reRecorded(victim, `SVH-${patientNumber++}`)
      patients.set(victim.id, patient)
    } else {
      patient = newPerson({ ageLow: 16, ageHigh: 55 }, `SVH-${patientNumber++}`)
      // Some patients give no address.
      if (chance(0.1)) patient = { ...patient, address: '', postcode: '' }
    }
    ed.push({
      person: patient,
      source: aeKind,
      reference: attendance['Attendance reference']!,
      role: 'victim',
    })
  }
  return [
    { file: COUNCIL_OUTPUT, sourceSystem: COUNCIL_SYSTEM, rows: council, ofTheForce: councilIds.size },
    { file: ED_OUTPUT, sourceSystem: ED_SYSTEM, rows: ed, ofTheForce: patients.size },
  ]
}

const missing = await addMissingPeople()
writeExtract(OUTPUT, SOURCE_SYSTEM, rows)
const people = new Set(rows.map((row) => row.person.id))
console.log(
  `${path.relative(process.cwd(), OUTPUT)}: ${rows.length} involvements of ${people.size} people; ${missing}`,
)
const partners = await partnerExtracts()
for (const extract of partners) {
  writeExtract(extract.file, extract.sourceSystem, extract.rows)
  const count = new Set(extract.rows.map((row) => row.person.id)).size
  console.log(
    `${path.relative(process.cwd(), extract.file)}: ${extract.rows.length} involvements of ${count} people (${extract.sourceSystem}), ${extract.ofTheForce} of them the force's people again`,
  )
}

function writeExtract(file: string, sourceSystem: string, involvements: readonly Involvement[]) {
  const lines = [PEOPLE_INVOLVEMENTS_COLUMNS.join(',')]
  for (const { person, source, reference, role } of involvements) {
    const fields = [
      sourceSystem,
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
  writeFileSync(file, `${lines.join('\n')}\n`)
}
