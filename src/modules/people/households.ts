/**
 * Households: the people seen at the same address, over the period each was seen there.
 * A person is present at an address from the first to the last date a record of theirs with
 * that address is involved in an incident; children are the members under 18 at some date of
 * their presence. Sources give no moving-in or moving-out dates, so this is what the records
 * show; who lived with whom, and when, is read from it in timelines.ts.
 */

export interface AddressSighting {
  personId: number
  address: string
  postcode: string | null
  /** YYYY-MM-DD: a date of an incident the record is involved in. */
  date: string
  dateOfBirth: string | null
}

export interface HouseholdMembership {
  personId: number
  presentFrom: string
  presentTo: string
  /** The first date of presence while under 18, or null for an adult throughout. */
  childFrom: string | null
}

export interface Household {
  addressKey: string
  address: string
  postcode: string | null
  members: HouseholdMembership[]
}

const ABBREVIATIONS: Record<string, string> = {
  rd: 'road',
  st: 'street',
  ave: 'avenue',
  av: 'avenue',
  ln: 'lane',
  dr: 'drive',
  cl: 'close',
  ct: 'court',
  cres: 'crescent',
  gdns: 'gardens',
  pl: 'place',
  sq: 'square',
  tce: 'terrace',
  apt: 'flat',
  apartment: 'flat',
}

/**
 * The key two addresses share when they are the same dwelling. With a postcode: the postcode, the
 * address's numbers (house, flat) and its first word that is not a number or "flat"/"unit" (the
 * street or the house name), so "12 Oak Rd, Coventry" and "12 OAK ROAD" at one postcode agree.
 * Without one: all the address's words, abbreviations spelt out. An address too vague to place
 * (no number and a single word) has no key.
 */
export function addressKey(address: string, postcode: string | null): string | null {
  const code = postcode?.toUpperCase().replace(/\s+/g, '') ?? ''
  const words = address
    .toUpperCase()
    .replace(POSTCODE_IN_TEXT, ' ')
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean)
    .map((word) => ABBREVIATIONS[word] ?? word)
  const numbers = words.filter((word) => /\d/.test(word))
  if (numbers.length === 0 && words.length < 2) return null
  if (!code) return `|${words.join(' ')}`
  const name = words.find((word) => !/\d/.test(word) && !UNIT_WORDS.has(word)) ?? ''
  return `${code}|${numbers.join(' ')}|${name}`
}

const POSTCODE_IN_TEXT = /\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b/g
const UNIT_WORDS = new Set(['flat', 'unit', 'house', 'the', 'no', 'number'])

/** The day a person born on dateOfBirth turns 18 (29 February births turn 18 on 1 March). */
export function eighteenthBirthday(dateOfBirth: string): string {
  const [year, month, day] = dateOfBirth.split('-').map(Number) as [number, number, number]
  // Date.UTC rolls 29 February of a common year over to 1 March, the day the law takes.
  return new Date(Date.UTC(year + 18, month - 1, day)).toISOString().slice(0, 10)
}

export function buildHouseholds(sightings: Iterable<AddressSighting>): Household[] {
  const byKey = new Map<
    string,
    { address: string; postcode: string | null; members: Map<number, HouseholdMembership> }
  >()
  for (const sighting of sightings) {
    const key = addressKey(sighting.address, sighting.postcode)
    if (key === null) continue
    let household = byKey.get(key)
    if (!household) {
      household = { address: sighting.address, postcode: sighting.postcode, members: new Map() }
      byKey.set(key, household)
    }
    // The address as shown: the same whatever order the records come in.
    if (sighting.address < household.address) household.address = sighting.address
    const member = household.members.get(sighting.personId)
    const isChild = sighting.dateOfBirth !== null && sighting.date < eighteenthBirthday(sighting.dateOfBirth)
    if (!member) {
      household.members.set(sighting.personId, {
        personId: sighting.personId,
        presentFrom: sighting.date,
        presentTo: sighting.date,
        childFrom: isChild ? sighting.date : null,
      })
      continue
    }
    if (sighting.date < member.presentFrom) member.presentFrom = sighting.date
    if (sighting.date > member.presentTo) member.presentTo = sighting.date
    if (isChild && (member.childFrom === null || sighting.date < member.childFrom))
      member.childFrom = sighting.date
  }
  return [...byKey]
    .map(([addressKey, household]) => ({
      addressKey,
      address: household.address,
      postcode: household.postcode,
      members: [...household.members.values()].sort((a, b) => a.personId - b.personId),
    }))
    .sort((a, b) => (a.addressKey < b.addressKey ? -1 : a.addressKey > b.addressKey ? 1 : 0))
}
