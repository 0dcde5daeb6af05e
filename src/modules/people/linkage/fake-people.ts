/**
 * Made-up person records with known identities, for this module's tests and for the figures in
 * docs/people/linkage.md: households of people with British names (drawn with a skew towards the
 * common ones), each person seen by one to five sources, every sighting copied with the errors
 * clerks make: misspellings, nicknames, swapped first and last names, day and month transposed,
 * a year off by one, missing values, a move of house, untidy postcodes. Households and twins put
 * different people with the same surname, address and (for twins) date of birth side by side, the
 * hard non-matches. Seeded: the same arguments give the same records.
 */
import { seededRandom } from './em.ts'
import type { PersonRecord } from './person-record.ts'

const FIRST_NAMES = (
  'OLIVER JACK HARRY GEORGE NOAH CHARLIE JACOB THOMAS OSCAR WILLIAM JAMES HENRY LEO JOSHUA ALFIE ' +
  'ARCHIE ETHAN JOSEPH FREDDIE SAMUEL ALEXANDER DANIEL LOGAN EDWARD LUCAS MAX MOHAMMED BENJAMIN ' +
  'MASON ISAAC DAVID JOHN PAUL MARK ANDREW RICHARD ROBERT MICHAEL STEPHEN PETER CHRISTOPHER ' +
  'MATTHEW ANTHONY KEVIN GARY IAN SIMON NEIL STUART KAREN SUSAN SARAH EMMA OLIVIA AMELIA ISLA AVA ' +
  'EMILY SOPHIA GRACE MIA POPPY ELLA LILY EVIE ISABELLA CHARLOTTE JESSICA DAISY PHOEBE CHLOE ' +
  'LUCY HOLLY ELIZABETH MARGARET CATHERINE KATHERINE REBECCA JENNIFER NICOLA LOUISE JOANNE ' +
  'RACHEL CLAIRE HELEN JULIE DEBORAH AMANDA PATRICIA VICTORIA SAMANTHA ZARA AISHA PRIYA ANYA NIAMH'
).split(' ')

const LAST_NAMES = (
  'SMITH JONES WILLIAMS TAYLOR BROWN DAVIES EVANS WILSON THOMAS JOHNSON ROBERTS ROBINSON THOMPSON ' +
  'WRIGHT WALKER WHITE EDWARDS HUGHES GREEN HALL LEWIS HARRIS CLARKE PATEL JACKSON WOOD TURNER ' +
  'MARTIN COOPER HILL WARD MORRIS MOORE CLARK LEE KING BAKER HARRISON MORGAN ALLEN JAMES SCOTT ' +
  'PHILLIPS WATSON DAVIS PARKER PRICE BENNETT YOUNG GRIFFITHS MITCHELL KELLY COOK CARTER ' +
  'RICHARDSON BAILEY COLLINS BELL SHAW MURPHY MILLER COX RICHARDS KHAN MARSHALL ANDERSON SIMPSON ' +
  'ELLIS ADAMS SINGH BEGUM WILKINSON FOSTER CHAPMAN POWELL WEBB ROGERS GRAY MASON ALI HUNT ' +
  'HUSSAIN CAMPBELL MATTHEWS OWEN PALMER HOLMES MILLS BARNES KNIGHT LLOYD BUTLER RUSSELL ' +
  "BARKER FISHER STEVENS JENKINS MURRAY DIXON HARVEY O'BRIEN MACDONALD FITZGERALD NOWAK KOWALSKI " +
  'OKONKWO ADEYEMI CHOWDHURY RAHMAN NGUYEN MCCARTHY ARMSTRONG WHITTAKER HARGREAVES'
).split(' ')

const NICKNAMES: Readonly<Record<string, readonly string[]>> = {
  WILLIAM: ['BILL', 'WILL', 'BILLY'],
  JAMES: ['JIM', 'JIMMY', 'JAMIE'],
  ROBERT: ['BOB', 'ROB', 'ROBBIE'],
  THOMAS: ['TOM', 'TOMMY'],
  ALEXANDER: ['ALEX', 'SANDY'],
  MICHAEL: ['MIKE', 'MICK'],
  ELIZABETH: ['LIZ', 'BETH', 'LIZZIE'],
  MARGARET: ['MAGGIE', 'PEGGY'],
  CATHERINE: ['KATE', 'CATHY'],
  KATHERINE: ['KATE', 'KATIE'],
  REBECCA: ['BECKY'],
  SAMANTHA: ['SAM'],
  SAMUEL: ['SAM', 'SAMMY'],
  CHRISTOPHER: ['CHRIS'],
  DANIEL: ['DAN', 'DANNY'],
  EDWARD: ['ED', 'TED', 'EDDIE'],
  JOSEPH: ['JOE'],
  MATTHEW: ['MATT'],
  RICHARD: ['RICK', 'DICK', 'RICH'],
  ANTHONY: ['TONY'],
  PATRICIA: ['PAT', 'TRISH'],
  DEBORAH: ['DEBBIE'],
  VICTORIA: ['VICKY', 'TORI'],
  JENNIFER: ['JEN', 'JENNY'],
  BENJAMIN: ['BEN'],
  CHARLOTTE: ['LOTTIE', 'CHARLIE'],
  HENRY: ['HARRY'],
  JOSHUA: ['JOSH'],
  ANDREW: ['ANDY'],
  PETER: ['PETE'],
  STEPHEN: ['STEVE'],
  ISABELLA: ['BELLA', 'IZZY'],
  AMANDA: ['MANDY'],
}

const STREETS = (
  'HIGH STREET,STATION ROAD,CHURCH LANE,MILL LANE,VICTORIA ROAD,PARK AVENUE,QUEENS ROAD,' +
  'KINGS CRESCENT,THE GREEN,MANOR CLOSE,ALBERT STREET,CHAPEL STREET,NEW ROAD,SCHOOL LANE,' +
  'GROVE ROAD,WINDSOR DRIVE,OAK TREE CLOSE,BEECH AVENUE,ELM GROVE,MEADOW WAY,BRIDGE STREET,' +
  'MARKET PLACE,NORTH ROAD,SOUTH STREET,CASTLE HILL,ABBEY GARDENS,WESTFIELD TERRACE,YORK PLACE'
).split(',')

const AREAS = ['LS', 'BD', 'M', 'S', 'B', 'NG', 'LE', 'CV', 'WF', 'HX', 'HD', 'YO', 'DN', 'SK', 'OL', 'BL']
const SOURCES = ['police', 'health', 'education', 'social-care', 'housing']
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ'

export interface FakePerson extends PersonRecord {
  readonly trueId: string
}

export interface FakePeopleOptions {
  /** Records wanted (the last household may be cut short). */
  readonly records: number
  readonly seed?: number
  /** Scales every kind of error (1 = the default rates). */
  readonly errorRate?: number
}

export function fakePeople({ records, seed = 7, errorRate = 1 }: FakePeopleOptions): FakePerson[] {
  const random = seededRandom(seed)
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T
  // A power law over the list: the first names on it are much commoner than the last.
  const skewed = <T>(values: readonly T[]): T => values[Math.floor(values.length * random() ** 2.2)] as T
  const chance = (p: number) => random() < p * errorRate
  const out: FakePerson[] = []
  // Postcode districts scale with the data so that blocks keep a realistic size.
  const districts = Math.max(20, Math.round(records / 400))
  const newAddress = () => {
    const district = Math.floor(random() * districts)
    const outward = `${AREAS[district % AREAS.length]}${1 + Math.floor(district / AREAS.length)}`
    const inward = `${Math.floor(random() * 10)}${pick([...INWARD_LETTERS])}${pick([...INWARD_LETTERS])}`
    return { street: `${1 + Math.floor(random() * 180)} ${pick(STREETS)}`, postcode: `${outward} ${inward}` }
  }
  let person = 0
  while (out.length < records) {
    const home = newAddress()
    const surname = skewed(LAST_NAMES)
    const members = 1 + Math.floor(random() ** 1.5 * 5)
    const twinsAt = members >= 2 && random() < 0.03 ? 1 : -1
    let previousBirth = 0
    const namesTaken = new Set<string>()
    for (let member = 0; member < members && out.length < records; member++) {
      const id = `P${String(++person).padStart(7, '0')}`
      // Brothers and sisters (twins too) have names of their own.
      let first = skewed(FIRST_NAMES)
      while (namesTaken.has(first)) first = pick(FIRST_NAMES)
      namesTaken.add(first)
      const birth =
        member === twinsAt
          ? previousBirth
          : Date.UTC(1935, 0, 1) + Math.floor(random() * 75 * 365.25) * 86_400_000
      previousBirth = birth
      const sightings = 1 + Math.floor(random() ** 1.8 * 5)
      let address = home
      for (let s = 0; s < sightings && out.length < records; s++) {
        if (s > 0 && chance(0.15)) address = newAddress()
        out.push(sighting(id, first, surname, birth, address))
      }
    }
  }
  return out

  function sighting(
    trueId: string,
    first: string,
    last: string,
    birth: number,
    address: { street: string; postcode: string },
  ): FakePerson {
    let firstName = first
    let lastName = last
    const nicknames = NICKNAMES[first]
    if (nicknames && chance(0.25)) firstName = pick(nicknames)
    if (chance(0.08)) firstName = misspell(firstName)
    if (chance(0.08)) lastName = misspell(lastName)
    if (chance(0.03)) [firstName, lastName] = [lastName, firstName]
    const date = new Date(birth)
    let year = date.getUTCFullYear()
    let month = date.getUTCMonth() + 1
    let day = date.getUTCDate()
    // One error at most in a date: day and month swapped (where both can be months), a year out, a day out.
    const dateError = random() / errorRate
    if (dateError < 0.04 && day <= 12 && day !== month) [day, month] = [month, day]
    else if (dateError >= 0.04 && dateError < 0.07) year += pick([-1, 1])
    else if (dateError >= 0.07 && dateError < 0.1)
      day = Math.min(28, Math.max(1, day + pick([-1, 1, 10, -10])))
    const british = random() < 0.3
    const pad = (value: number) => String(value).padStart(2, '0')
    let dateOfBirth = british ? `${pad(day)}/${pad(month)}/${year}` : `${year}-${pad(month)}-${pad(day)}`
    let street = address.street
    if (chance(0.3))
      street = street
        .replace(/ROAD$/, 'RD')
        .replace(/STREET$/, 'ST')
        .replace(/AVENUE$/, 'AVE')
    if (chance(0.05)) street = misspell(street)
    let postcode = address.postcode
    if (chance(0.2)) postcode = postcode.replace(' ', '')
    if (chance(0.03)) postcode = postcode.slice(0, -1) + pick([...INWARD_LETTERS])
    if (chance(0.05)) dateOfBirth = ''
    if (chance(0.05)) street = ''
    if (chance(0.05)) postcode = ''
    if (chance(0.02)) firstName = ''
    const display = (name: string) => (random() < 0.5 ? name : name.charAt(0) + name.slice(1).toLowerCase())
    return {
      source: pick(SOURCES),
      recordId: `R${out.length + 1}`,
      firstName: display(firstName),
      lastName: display(lastName),
      dateOfBirth,
      address: random() < 0.5 ? street : street.toLowerCase(),
      postcode: random() < 0.2 ? postcode.toLowerCase() : postcode,
      trueId,
    }
  }

  function misspell(text: string): string {
    if (text.length < 3) return text
    const at = 1 + Math.floor(random() * (text.length - 2))
    switch (Math.floor(random() * 4)) {
      case 0:
        return text.slice(0, at) + pick([...LETTERS]) + text.slice(at + 1)
      case 1:
        return text.slice(0, at) + text.slice(at + 1)
      case 2:
        return text.slice(0, at) + pick([...LETTERS]) + text.slice(at)
      default:
        return text.slice(0, at - 1) + text.charAt(at) + text.charAt(at - 1) + text.slice(at + 1)
    }
  }
}

const CSV_HEADER = 'source,record_id,first_name,last_name,date_of_birth,address,postcode,true_id'

function csvValue(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

/** The records as the CSV `upstream link evaluate` reads. */
export function fakePeopleCsv(people: readonly FakePerson[]): string {
  const lines = [CSV_HEADER]
  for (const p of people) {
    lines.push(
      [p.source, p.recordId, p.firstName, p.lastName, p.dateOfBirth, p.address, p.postcode, p.trueId]
        .map(csvValue)
        .join(','),
    )
  }
  return lines.join('\n') + '\n'
}
