import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import {
  addressFormatsFor,
  formatAddress,
  formatAddressAs,
  mistypePostcode,
  StreetCatalogue,
} from './addresses.ts'
import { SeededRandom } from './seeded-random.ts'
import { UK_POSTCODE } from './west-midlands-places.ts'

describe('addresses', () => {
  const catalogue = new StreetCatalogue(new SeededRandom(4), 20_000)
  const addresses = Array.from({ length: 20_000 }, () => catalogue.newAddress())

  test('every household gets its own address and postcode, and postcodes are well formed', () => {
    // Birmingham has a Church Road in several districts: the text alone may repeat, with its postcode never.
    assert.equal(
      new Set(addresses.map((address) => `${formatAddress(address)} ${address.postcode}`)).size,
      addresses.length,
    )
    for (const address of addresses) assert.match(address.postcode, UK_POSTCODE)
  })

  test("a postcode unit holds a street's neighbouring addresses, about 15 of them", () => {
    const perUnit = new Map<string, number>()
    for (const { postcode } of addresses) perUnit.set(postcode, (perUnit.get(postcode) ?? 0) + 1)
    const mean = addresses.length / perUnit.size
    assert.ok(mean > 4 && mean <= 15, `${mean} addresses per postcode`)
  })

  test('the UK postcode pattern accepts real postcodes and refuses malformed ones', () => {
    for (const good of ['B1 1BB', 'CV34 6AF', 'WS13 6HX', 'WV1 1RE', 'DY1 4QU', 'SW1A 1AA', 'M1 1AE'])
      assert.match(good, UK_POSTCODE)
    for (const bad of ['B11BB', 'B1 1CB', 'b1 1bb', 'CV34 6A', '1B 1BB', 'B1  1BB', 'B1 1BI'])
      assert.doesNotMatch(bad, UK_POSTCODE)
  })

  test('a mistyped postcode is still well formed, in the same district, and not the original', () => {
    const postcodes = addresses.map(({ postcode }) => postcode)
    fc.assert(
      fc.property(fc.constantFrom(...postcodes), fc.integer(), (postcode, seed) => {
        const typed = mistypePostcode(postcode, new SeededRandom(seed))
        assert.match(typed, UK_POSTCODE)
        assert.notEqual(typed, postcode)
        assert.equal(typed.split(' ')[0], postcode.split(' ')[0])
      }),
      { numRuns: 2_000 },
    )
  })

  test('every other format of an address reads differently from the standard one', () => {
    for (const address of addresses.slice(0, 2_000))
      for (const format of addressFormatsFor(address))
        assert.notEqual(formatAddressAs(address, format), formatAddress(address), format)
  })
})
