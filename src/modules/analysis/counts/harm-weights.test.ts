import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { DomainError } from '../../../errors.ts'
import { CRIME_TYPE_CODES } from '../../data-hub/index.ts'
import { pointSet } from '../method.ts'
import {
  DEFAULT_HARM_WEIGHTS,
  HARM_CATEGORIES,
  HARM_WEIGHT_TABLE,
  harmWeights,
  parseHarmWeights,
  pointHarm,
  unweightedCategories,
} from './harm-weights.ts'

describe('the default harm weights', () => {
  test('cover exactly the police.uk category slugs the street importer produces', () => {
    assert.deepEqual([...HARM_CATEGORIES].sort(), Object.values(CRIME_TYPE_CODES).sort())
  })

  test('every weight is a finite number of 0 or more, with its offence, rationale and check', () => {
    for (const category of HARM_CATEGORIES) {
      const entry = HARM_WEIGHT_TABLE.weights[category]!
      assert.ok(Number.isFinite(entry.weight) && entry.weight >= 0, category)
      assert.ok(entry.offence.length > 0 && entry.rationale.length > 0 && entry.check.length > 0, category)
    }
    assert.match(HARM_WEIGHT_TABLE.source.publisher!, /Office for National Statistics/)
  })

  test('rank robbery above burglary above theft from the person above shoplifting above drugs possession', () => {
    const w = DEFAULT_HARM_WEIGHTS
    assert.ok(w.robbery! > w.burglary! && w.burglary! > w['theft-from-the-person']!)
    assert.ok(w['theft-from-the-person']! > w.shoplifting! && w.shoplifting! > w.drugs!)
  })
})

describe('harm weight overrides', () => {
  test('replace only the categories named', () => {
    const weights = harmWeights({ burglary: 117, 'anti-social-behaviour': 0 })
    assert.equal(weights.burglary, 117)
    assert.equal(weights['anti-social-behaviour'], 0)
    assert.equal(weights.robbery, DEFAULT_HARM_WEIGHTS.robbery)
  })

  test('read from category=weight text', () => {
    assert.equal(parseHarmWeights(' burglary = 117 , robbery=700 ').robbery, 700)
    assert.deepEqual(parseHarmWeights(''), { ...DEFAULT_HARM_WEIGHTS })
  })

  test('an unknown category is refused, naming it and the known ones', () => {
    assert.throws(
      () => harmWeights({ burgalry: 10 }),
      (error: DomainError) =>
        error.code === 'invalid' &&
        /'burgalry' is not a police.uk category/.test(error.fields['harmWeights.burgalry']!),
    )
  })

  test('any negative, infinite or non-numeric weight is refused with the category named', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...HARM_CATEGORIES),
        fc.oneof(
          fc.double({ max: -Number.MIN_VALUE, noNaN: true }),
          fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, '12', null),
        ),
        (category, value) => {
          assert.throws(
            () => harmWeights({ [category]: value }),
            (error: DomainError) => error.fields[`harmWeights.${category}`]?.includes(category) === true,
          )
        },
      ),
    )
    assert.throws(() => parseHarmWeights('burglary=lots'), /must be a number of 0 or more/)
    assert.throws(() => parseHarmWeights('burglary'), /category=weight/)
  })
})

describe('harm per point', () => {
  test("uses the table for known categories and the point's own weight otherwise", () => {
    const points = pointSet({
      longitude: [0, 0, 0],
      latitude: [51, 51, 51],
      day: [0, 0, 0],
      category: ['robbery', 'fly-tipping', ''],
      weight: [1, 4, 1],
    })
    assert.deepEqual([...pointHarm(points, DEFAULT_HARM_WEIGHTS)], [DEFAULT_HARM_WEIGHTS.robbery, 4, 1])
    assert.deepEqual(unweightedCategories(points, DEFAULT_HARM_WEIGHTS), ['', 'fly-tipping'])
  })
})
