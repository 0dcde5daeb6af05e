/**
 * Person records turned once into integer ids in typed arrays, so that comparing millions of pairs
 * compares numbers and reads characters from one packed table rather than handling strings.
 * First and last names share one table, so a first name can be compared with a last name by id
 * (swapped names).
 */
import { nicknameGroupsOf } from './nicknames.ts'
import {
  normaliseAddress,
  normaliseFirstName,
  normaliseLastName,
  normalisePostcode,
  parseDateOfBirth,
} from './normalise.ts'
import type { PersonRecord } from './person-record.ts'
import { nysiis } from './phonetic.ts'

/** Distinct strings, each with an id, their characters packed for Jaro-Winkler. */
export interface StringTable {
  readonly strings: readonly string[]
  readonly codes: Uint16Array
  /** Characters of string k are codes[offsets[k]] .. codes[offsets[k + 1]] − 1. */
  readonly offsets: Int32Array
}

export interface EncodedPeople {
  readonly size: number
  readonly names: StringTable
  readonly addresses: StringTable
  /** Per record: an id in `names`, or -1 when missing; likewise for every array below. */
  readonly firstName: Int32Array
  readonly lastName: Int32Array
  /** NYSIIS code of the first and last name (ids of distinct codes). */
  readonly firstCode: Int32Array
  readonly lastCode: Int32Array
  /** YYYYMMDD. */
  readonly dateOfBirth: Int32Array
  readonly postcode: Int32Array
  readonly sector: Int32Array
  readonly district: Int32Array
  /** An id in `addresses`. */
  readonly address: Int32Array
  readonly houseNumber: Int32Array
  /** Nickname groups of name id k: nicknameGroups[nicknameOffsets[k] .. nicknameOffsets[k + 1] − 1]. */
  readonly nicknameOffsets: Int32Array
  readonly nicknameGroups: Int32Array
  /** Share of records with name id k as their first name, and as their last name. */
  readonly firstNameFrequency: Float64Array
  readonly lastNameFrequency: Float64Array
}

class Interner {
  readonly ids = new Map<string, number>()
  readonly strings: string[] = []
  id(text: string): number {
    if (text === '') return -1
    let id = this.ids.get(text)
    if (id === undefined) {
      id = this.strings.length
      this.ids.set(text, id)
      this.strings.push(text)
    }
    return id
  }
}

function stringTable(strings: readonly string[]): StringTable {
  const offsets = new Int32Array(strings.length + 1)
  let total = 0
  strings.forEach((text, k) => {
    offsets[k] = total
    total += text.length
  })
  offsets[strings.length] = total
  const codes = new Uint16Array(total)
  strings.forEach((text, k) => {
    const start = offsets[k] ?? 0
    for (let c = 0; c < text.length; c++) codes[start + c] = text.charCodeAt(c)
  })
  return { strings, codes, offsets }
}

/**
 * Records must already be valid (link-file.ts checks a file's); a date of birth that is not a
 * date counts as missing here.
 */
export function encodePeople(records: readonly PersonRecord[]): EncodedPeople {
  const size = records.length
  const names = new Interner()
  const codes = new Interner()
  const postcodes = new Interner()
  const addresses = new Interner()
  const numbers = new Interner()
  const nysiisByName: number[] = []
  const arrays = {
    firstName: new Int32Array(size),
    lastName: new Int32Array(size),
    firstCode: new Int32Array(size),
    lastCode: new Int32Array(size),
    dateOfBirth: new Int32Array(size),
    postcode: new Int32Array(size),
    sector: new Int32Array(size),
    district: new Int32Array(size),
    address: new Int32Array(size),
    houseNumber: new Int32Array(size),
  }
  const codeOf = (nameId: number): number => {
    if (nameId < 0) return -1
    let code = nysiisByName[nameId]
    if (code === undefined) {
      code = codes.id(nysiis(names.strings[nameId] ?? ''))
      nysiisByName[nameId] = code
    }
    return code
  }
  // Raw values repeat (a name is written the same way in thousands of records), so each distinct
  // raw value is cleaned once and its ids remembered.
  const firstIds = new Map<string, number>()
  const lastIds = new Map<string, number>()
  const postcodeIds = new Map<string, [number, number, number]>()
  const addressIds = new Map<string, [number, number]>()
  for (let k = 0; k < size; k++) {
    const record = records[k] as PersonRecord
    let first = firstIds.get(record.firstName)
    if (first === undefined) {
      first = names.id(normaliseFirstName(record.firstName))
      firstIds.set(record.firstName, first)
    }
    let last = lastIds.get(record.lastName)
    if (last === undefined) {
      last = names.id(normaliseLastName(record.lastName))
      lastIds.set(record.lastName, last)
    }
    arrays.firstName[k] = first
    arrays.lastName[k] = last
    arrays.firstCode[k] = codeOf(first)
    arrays.lastCode[k] = codeOf(last)
    arrays.dateOfBirth[k] = parseDateOfBirth(record.dateOfBirth) ?? -1
    let postcode = postcodeIds.get(record.postcode)
    if (postcode === undefined) {
      const parts = normalisePostcode(record.postcode)
      postcode = [postcodes.id(parts.full), postcodes.id(parts.sector), postcodes.id(parts.district)]
      postcodeIds.set(record.postcode, postcode)
    }
    arrays.postcode[k] = postcode[0]
    arrays.sector[k] = postcode[1]
    arrays.district[k] = postcode[2]
    let address = addressIds.get(record.address)
    if (address === undefined) {
      const parts = normaliseAddress(record.address)
      address = [addresses.id(parts.text), numbers.id(parts.number)]
      addressIds.set(record.address, address)
    }
    arrays.address[k] = address[0]
    arrays.houseNumber[k] = address[1]
  }
  const nameCount = names.strings.length
  const nicknameOffsets = new Int32Array(nameCount + 1)
  const groups: number[] = []
  for (let id = 0; id < nameCount; id++) {
    nicknameOffsets[id] = groups.length
    groups.push(...nicknameGroupsOf(names.strings[id] ?? ''))
  }
  nicknameOffsets[nameCount] = groups.length
  const firstNameFrequency = new Float64Array(nameCount)
  const lastNameFrequency = new Float64Array(nameCount)
  countInto(arrays.firstName, firstNameFrequency)
  countInto(arrays.lastName, lastNameFrequency)
  return {
    size,
    names: stringTable(names.strings),
    addresses: stringTable(addresses.strings),
    ...arrays,
    nicknameOffsets,
    nicknameGroups: Int32Array.from(groups),
    firstNameFrequency,
    lastNameFrequency,
  }
}

/** Shares among the records that have a value (Splink's term frequencies leave out the missing). */
function countInto(ids: Int32Array, frequency: Float64Array): void {
  let present = 0
  for (const id of ids) {
    if (id < 0) continue
    frequency[id] = (frequency[id] ?? 0) + 1
    present++
  }
  for (let id = 0; id < frequency.length; id++) frequency[id] = (frequency[id] ?? 0) / present
}
