import type { Address, StreetCatalogue } from './addresses.ts'
import { givenNameChoice, type NamingTradition } from './given-names.ts'
import { SeededRandom, WeightedChoice } from './seeded-random.ts'
import { FAMILY_SURNAME_CHOICE, MUSLIM_WOMEN_SURNAMES, SIKH_SURNAME_BY_SEX, SURNAMES } from './surnames.ts'

export type Sex = 'F' | 'M'

/** One true person: what a perfect record of them would say. */
export interface Person {
  readonly id: string
  readonly householdId: number
  readonly sex: Sex
  readonly firstName: string
  /** The surname now. */
  readonly surname: string
  /** The surname before marriage, when it changed. */
  readonly birthSurname: string | null
  /** YYYY-MM-DD. */
  readonly dateOfBirth: string
  readonly address: Address
  /** The address before the household moved, if it did. */
  readonly previousAddress: Address | null
  /** The other twin, if this person is one. */
  twinId: string | null
  /** The father whose first name (and surname, and address) this son shares: the "Sr" to this "Jr". */
  readonly namesakeOfId: string | null
}

/** The year the population is observed in; ages and birth years are relative to it. */
export const REFERENCE_YEAR = 2025

/**
 * Household shapes, roughly as in ONS "Families and households in the UK" (about three households
 * in ten are one person; couples with and without children about a quarter each; lone parents
 * about one in ten; the rest shared).
 */
type HouseholdShape = 'one-person' | 'couple' | 'couple-with-children' | 'lone-parent' | 'shared'
const HOUSEHOLD_SHAPES = new WeightedChoice<HouseholdShape>([
  ['one-person', 0.3],
  ['couple', 0.26],
  ['couple-with-children', 0.27],
  ['lone-parent', 0.11],
  ['shared', 0.06],
])
const CHILDREN = new WeightedChoice([
  [1, 0.42],
  [2, 0.4],
  [3, 0.13],
  [4, 0.05],
])

/** Twin births: about 15 in 1,000 maternities in England and Wales (ONS "Birth characteristics"). */
export const TWIN_MATERNITY_RATE = 0.015
/** A son given his father's first name. Our assumption; rarer in England than "Junior" naming in the US. */
export const SON_NAMED_AFTER_FATHER = 0.05
/** A married couple sharing one surname, the wife having taken the husband's. Our assumption. */
const WIFE_TOOK_SURNAME = 0.7
const SOUTH_ASIAN_HOUSEHOLDS = 0.12
/** South Asian heritage households by naming tradition (Pakistani and Bangladeshi heritage the larger part in the region). */
const SOUTH_ASIAN_TRADITIONS = new WeightedChoice<NamingTradition>([
  ['muslim', 0.55],
  ['sikh', 0.25],
  ['hindu', 0.2],
])
/** Sikh families in which men carry Singh and women Kaur as their surname. Our assumption. */
const SIKH_NAMING = 0.45
const MUSLIM_WIFE_BEGUM = 0.35
/** Children of unmarried parents given both surnames, double-barrelled. Our assumption. */
const DOUBLE_BARRELLED_CHILD = 0.1
const DOUBLE_BARRELLED_ADULT = 0.01
/** Households that moved within the years the records cover (the English Housing Survey finds about one household in ten moved in the last year). */
export const HOUSEHOLD_MOVED = 0.2

/** Makes households one at a time, each with its people, from one random stream. */
export class PopulationGenerator {
  private nextPersonNumber = 1
  private nextHouseholdId = 1

  constructor(
    private readonly random: SeededRandom,
    private readonly streets: StreetCatalogue,
  ) {}

  nextHousehold(): Person[] {
    const random = this.random
    const householdId = this.nextHouseholdId++
    const address = this.streets.newAddress()
    const previousAddress = random.chance(HOUSEHOLD_MOVED) ? this.streets.newAddress() : null
    const tradition: NamingTradition = random.chance(SOUTH_ASIAN_HOUSEHOLDS)
      ? SOUTH_ASIAN_TRADITIONS.draw(random)
      : 'english'
    const sikh = tradition === 'sikh' && random.chance(SIKH_NAMING)
    const place = { householdId, address, previousAddress }
    const people: Person[] = []
    const add = (person: Omit<Person, 'id' | keyof typeof place>) => {
      const made: Person = { id: `P${String(this.nextPersonNumber++).padStart(7, '0')}`, ...place, ...person }
      people.push(made)
      return made
    }
    const familySurname = () => this.surname(tradition)
    const surnameFor = (sex: Sex, family: string) => (sikh ? SIKH_SURNAME_BY_SEX[sex] : family)

    const shape = HOUSEHOLD_SHAPES.draw(random)
    if (shape === 'one-person' || shape === 'shared') {
      const adults = shape === 'one-person' ? 1 : random.between(2, 4)
      for (let i = 0; i < adults; i++) {
        const sex: Sex = random.chance(0.5) ? 'F' : 'M'
        const year = shape === 'one-person' ? random.between(1935, 2006) : random.between(1985, 2006)
        add({
          sex,
          ...this.named(sex, year, tradition),
          surname: surnameFor(sex, familySurname()),
          birthSurname: null,
          twinId: null,
          namesakeOfId: null,
          dateOfBirth: this.dateIn(year),
        })
      }
      return people
    }

    const motherYear = shape === 'couple' ? random.between(1940, 2004) : random.between(1965, 2000)
    const fatherYear = motherYear + random.between(-3, 6)
    const fatherSurname = familySurname()
    let mother: Person
    let father: Person | null = null
    let married = false
    if (shape === 'lone-parent') {
      mother = add({
        sex: 'F',
        ...this.named('F', motherYear, tradition),
        surname: surnameFor('F', familySurname()),
        birthSurname: null,
        twinId: null,
        namesakeOfId: null,
        dateOfBirth: this.dateIn(motherYear),
      })
    } else {
      father = add({
        sex: 'M',
        ...this.named('M', fatherYear, tradition),
        surname: surnameFor('M', fatherSurname),
        birthSurname: null,
        twinId: null,
        namesakeOfId: null,
        dateOfBirth: this.dateIn(fatherYear),
      })
      const ownSurname = familySurname()
      married = !sikh && random.chance(WIFE_TOOK_SURNAME)
      const wifeSurname =
        tradition === 'muslim' && random.chance(MUSLIM_WIFE_BEGUM)
          ? random.pick(MUSLIM_WOMEN_SURNAMES)
          : ownSurname
      mother = add({
        sex: 'F',
        ...this.named('F', motherYear, tradition),
        surname: married ? fatherSurname : surnameFor('F', wifeSurname),
        birthSurname: married && wifeSurname !== fatherSurname ? wifeSurname : null,
        twinId: null,
        namesakeOfId: null,
        dateOfBirth: this.dateIn(motherYear),
      })
    }
    if (shape === 'couple') return people

    const childSurname =
      father === null
        ? mother.surname
        : !married &&
            tradition === 'english' &&
            random.chance(DOUBLE_BARRELLED_CHILD) &&
            mother.surname !== father.surname
          ? `${father.surname}-${mother.surname}`
          : father.surname
    const births = CHILDREN.draw(random)
    const firstNames = new Set(people.map((person) => person.firstName))
    for (let i = 0; i < births; i++) {
      const year = motherYear + random.between(18, Math.min(42, REFERENCE_YEAR - motherYear))
      const dateOfBirth = this.dateIn(year)
      const twins = random.chance(TWIN_MATERNITY_RATE) ? 2 : 1
      const born: Person[] = []
      for (let t = 0; t < twins; t++) {
        const sex: Sex = random.chance(0.5) ? 'F' : 'M'
        const namesake =
          father !== null &&
          sex === 'M' &&
          twins === 1 &&
          (sikh || childSurname === father.surname) &&
          random.chance(SON_NAMED_AFTER_FATHER)
        let firstName = namesake ? father!.firstName : this.named(sex, year, tradition).firstName
        // Siblings, twins above all, never share a first name (apart from a son named after his father).
        while (!namesake && firstNames.has(firstName)) firstName = this.named(sex, year, tradition).firstName
        firstNames.add(firstName)
        born.push(
          add({
            sex,
            firstName,
            surname: sikh ? SIKH_SURNAME_BY_SEX[sex] : childSurname,
            birthSurname: null,
            twinId: null,
            namesakeOfId: namesake ? father!.id : null,
            dateOfBirth,
          }),
        )
      }
      if (born.length === 2) {
        born[0]!.twinId = born[1]!.id
        born[1]!.twinId = born[0]!.id
      }
    }
    return people
  }

  private named(sex: Sex, birthYear: number, tradition: NamingTradition): { firstName: string } {
    return { firstName: givenNameChoice(sex, birthYear, tradition).draw(this.random) }
  }

  private surname(tradition: NamingTradition): string {
    if (tradition !== 'english') return FAMILY_SURNAME_CHOICE[tradition].draw(this.random)
    const first = SURNAMES.draw(this.random)
    if (!this.random.chance(DOUBLE_BARRELLED_ADULT)) return first
    const second = SURNAMES.draw(this.random)
    return second === first ? first : `${first}-${second}`
  }

  /** A day of the year, uniformly (births vary by season by only a few per cent). */
  private dateIn(year: number): string {
    const days = isLeapYear(year) ? 366 : 365
    const date = new Date(Date.UTC(year, 0, 1 + this.random.below(days)))
    return date.toISOString().slice(0, 10)
  }
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}
