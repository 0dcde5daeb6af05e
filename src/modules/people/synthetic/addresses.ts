import { SeededRandom, WeightedChoice } from './seeded-random.ts'
import { INWARD_LETTERS, STREET_STEMS, STREET_TYPES, TOWNS, type Town } from './west-midlands-places.ts'

export interface Street {
  readonly stem: string
  readonly type: (typeof STREET_TYPES)[number]
  readonly town: string
  readonly district: string
  readonly sector: number
  /** Postcode units in the order the street's addresses were handed out, one per UNIT_SIZE addresses. */
  readonly units: string[]
  addressesGiven: number
  nextHouseNumber: number
  block: { houseNumber: number; postcode: string; nextFlat: number; lastFlat: number } | null
}

export interface Address {
  readonly flat: number | null
  readonly houseNumber: number
  readonly street: Street
  readonly postcode: string
}

/** About 15 delivery points share a postcode unit (Royal Mail's average). */
const UNIT_SIZE = 15
/** The share of households living in a flat (English Housing Survey: about one in five; fewer outside cities). */
const FLAT_SHARE = 0.15
const HOUSEHOLDS_PER_STREET = 30

/**
 * The region's streets, made once per file from the seed: enough for the households the file
 * will need, spread over the towns by weight; within a district no two streets share a name, but
 * a big town has its "Church Road" in several districts, as Birmingham has.
 */
export class StreetCatalogue {
  private readonly streetsByTown = new Map<string, Street[]>()
  private readonly townChoice = new WeightedChoice(TOWNS.map((town) => [town, town.weight] as const))
  private readonly typeChoice = new WeightedChoice(STREET_TYPES.map((type) => [type, type.weight] as const))
  private readonly unitsInUse = new Set<string>()

  constructor(
    private readonly random: SeededRandom,
    expectedHouseholds: number,
  ) {
    const streetCount = Math.max(200, Math.ceil(expectedHouseholds / HOUSEHOLDS_PER_STREET))
    const namesInDistrict = new Set<string>()
    for (let i = 0; i < streetCount; i++) {
      const town = this.townChoice.draw(random)
      let street: Street | null = null
      for (let attempt = 0; attempt < 20 && street === null; attempt++) {
        const candidate = this.newStreet(town)
        const key = `${candidate.district}|${candidate.stem}|${candidate.type.name}`
        if (!namesInDistrict.has(key)) {
          namesInDistrict.add(key)
          street = candidate
        }
      }
      if (street === null) continue
      const streets = this.streetsByTown.get(town.name) ?? []
      streets.push(street)
      this.streetsByTown.set(town.name, streets)
    }
  }

  private newStreet(town: Town): Street {
    return {
      stem: this.random.pick(STREET_STEMS),
      type: this.typeChoice.draw(this.random),
      town: town.name,
      district: this.random.pick(town.districts),
      sector: this.random.below(10),
      units: [],
      addressesGiven: 0,
      nextHouseNumber: 1,
      block: null,
    }
  }

  /** A new address for a household: the next house number of a street, or a flat in a block. */
  newAddress(): Address {
    let streets: Street[] | undefined
    while (streets === undefined) streets = this.streetsByTown.get(this.townChoice.draw(this.random).name)
    const street = this.random.pick(streets)
    if (this.random.chance(FLAT_SHARE)) {
      if (street.block === null || street.block.nextFlat > street.block.lastFlat) {
        street.block = {
          houseNumber: street.nextHouseNumber++,
          postcode: this.postcodeFor(street),
          nextFlat: 1,
          lastFlat: this.random.between(4, 24),
        }
      }
      const block = street.block
      return { flat: block.nextFlat++, houseNumber: block.houseNumber, street, postcode: block.postcode }
    }
    const postcode = this.postcodeFor(street)
    return { flat: null, houseNumber: street.nextHouseNumber++, street, postcode }
  }

  private postcodeFor(street: Street): string {
    const unitIndex = Math.floor(street.addressesGiven++ / UNIT_SIZE)
    while (street.units.length <= unitIndex) street.units.push(this.newUnit(street))
    return street.units[unitIndex]!
  }

  private newUnit(street: Street): string {
    let postcode = ''
    // A sector has 400 units; a free one is almost always found at once.
    for (let attempt = 0; attempt < 50; attempt++) {
      postcode = `${street.district} ${street.sector}${this.random.pick([...INWARD_LETTERS])}${this.random.pick([...INWARD_LETTERS])}`
      if (!this.unitsInUse.has(postcode)) break
    }
    this.unitsInUse.add(postcode)
    return postcode
  }
}

export function streetName(street: Street): string {
  return `${street.stem} ${street.type.name}`
}

/** The address as a careful clerk writes it: "Flat 3, 12 Church Road, Walsall". */
export function formatAddress(address: Address): string {
  const flat = address.flat === null ? '' : `Flat ${address.flat}, `
  return `${flat}${address.houseNumber} ${streetName(address.street)}, ${address.street.town}`
}

export const ADDRESS_FORMATS = [
  'abbreviated-street-type',
  'upper-case',
  'no-town',
  'no-commas',
  'comma-after-number',
  'flat-as-fraction',
] as const
export type AddressFormat = (typeof ADDRESS_FORMATS)[number]

/** The same address written another way, as records from other systems and hands do. */
export function formatAddressAs(address: Address, format: AddressFormat): string {
  const { street } = address
  const flat = address.flat === null ? '' : `Flat ${address.flat}, `
  switch (format) {
    case 'abbreviated-street-type':
      return `${flat}${address.houseNumber} ${street.stem} ${street.type.short}, ${street.town}`
    case 'upper-case':
      return formatAddress(address).toUpperCase()
    case 'no-town':
      return `${flat}${address.houseNumber} ${streetName(street)}`
    case 'no-commas':
      return formatAddress(address).replaceAll(',', '')
    case 'comma-after-number':
      return `${flat}${address.houseNumber}, ${streetName(street)}, ${street.town}`
    case 'flat-as-fraction':
      return `${address.flat ?? ''}/${address.houseNumber} ${streetName(street)}, ${street.town}`
  }
}

/** The formats that change how this address reads (a house has no flat to write as a fraction). */
export function addressFormatsFor(address: Address): readonly AddressFormat[] {
  return address.flat === null
    ? ADDRESS_FORMATS.filter((format) => format !== 'flat-as-fraction')
    : ADDRESS_FORMATS
}

/**
 * A postcode mistyped in its inward code (the part after the space), so that the result is still a
 * well-formed postcode, as a typo that a form's format check lets through: the two letters swapped,
 * the sector digit changed, or one letter changed.
 */
export function mistypePostcode(postcode: string, random: SeededRandom): string {
  const space = postcode.indexOf(' ')
  const outward = postcode.slice(0, space)
  const [digit, first, second] = [...postcode.slice(space + 1)] as [string, string, string]
  for (;;) {
    let typed: string
    switch (random.below(3)) {
      case 0:
        typed = `${digit}${second}${first}`
        break
      case 1:
        typed = `${random.below(10)}${first}${second}`
        break
      default:
        typed = random.chance(0.5)
          ? `${digit}${random.pick([...INWARD_LETTERS])}${second}`
          : `${digit}${first}${random.pick([...INWARD_LETTERS])}`
    }
    if (typed !== postcode.slice(space + 1)) return `${outward} ${typed}`
  }
}
