import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { addressKey, buildHouseholds, eighteenthBirthday, type AddressSighting } from './households.ts'

test('the same dwelling written two ways has one key; another number or postcode does not', () => {
  assert.equal(
    addressKey('12 Oak Rd, Coventry', 'CV1 2AB'),
    addressKey('12, OAK ROAD Coventry CV1 2AB', 'cv12ab'),
  )
  assert.notEqual(addressKey('12 Oak Road', 'CV1 2AB'), addressKey('14 Oak Road', 'CV1 2AB'))
  assert.notEqual(addressKey('12 Oak Road', 'CV1 2AB'), addressKey('12 Oak Road', 'CV1 2AD'))
  assert.equal(addressKey('Coventry', null), null)
})

test('18th birthdays, 29 February included', () => {
  assert.equal(eighteenthBirthday('2005-06-30'), '2023-06-30')
  assert.equal(eighteenthBirthday('2004-02-29'), '2022-03-01')
  assert.equal(eighteenthBirthday('2004-02-28'), '2022-02-28')
})

const home = { address: '3 Elm Close', postcode: 'B1 1AA' }
const sighting = (personId: number, date: string, dateOfBirth: string | null): AddressSighting => ({
  personId,
  date,
  dateOfBirth,
  ...home,
})

test('each member is present from their first to their last sighting; a child from their first sighting under 18', () => {
  const [household] = buildHouseholds([
    sighting(1, '2022-04-01', '2010-01-01'),
    sighting(1, '2023-02-01', '2010-01-01'),
    sighting(2, '2022-06-01', '1980-05-05'),
    sighting(5, '2027-06-01', '2010-01-01'),
    sighting(5, '2028-06-01', '2010-01-01'),
  ])
  assert.ok(household)
  assert.deepEqual(
    household.members.map((m) => [m.personId, m.presentFrom, m.presentTo, m.childFrom]),
    [
      [1, '2022-04-01', '2023-02-01', '2022-04-01'],
      [2, '2022-06-01', '2022-06-01', null],
      [5, '2027-06-01', '2028-06-01', '2027-06-01'],
    ],
  )
})

test('households do not depend on the order of the sightings, and every sighting with a key is in one', () => {
  const sightingArb = fc.record({
    personId: fc.integer({ min: 1, max: 6 }),
    address: fc.constantFrom('1 Ash Road', '1 ash rd', '2 Ash Road', 'Flat 3, 9 High Street'),
    postcode: fc.constantFrom('B1 1AA', 'B2 2BB', null),
    date: fc
      .date({ min: new Date('2015-01-01'), max: new Date('2025-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10)),
    dateOfBirth: fc.constantFrom('2008-07-15', '1970-01-01', null),
  })
  fc.assert(
    fc.property(
      fc.array(sightingArb, { maxLength: 40 }),
      fc.infiniteStream(fc.double()),
      (sightings, noise) => {
        const shuffled = [...sightings]
          .map((s) => ({ s, k: noise.next().value }))
          .sort((a, b) => a.k - b.k)
          .map((x) => x.s)
        assert.deepEqual(buildHouseholds(shuffled), buildHouseholds(sightings))
        const households = buildHouseholds(sightings)
        for (const s of sightings) {
          const household = households.find((h) => h.addressKey === addressKey(s.address, s.postcode))
          const member = household?.members.find((m) => m.personId === s.personId)
          assert.ok(member && member.presentFrom <= s.date && s.date <= member.presentTo)
        }
      },
    ),
  )
})
