import assert from 'node:assert/strict'
import { test } from 'node:test'
import { areNicknames } from './nicknames.ts'
import {
  normaliseAddress,
  normaliseFirstName,
  normaliseLastName,
  normalisePostcode,
  parseDateOfBirth,
} from './normalise.ts'

test('names lose case, accents, titles and punctuation', () => {
  assert.equal(normaliseFirstName('  Mr  José-Luis '), 'JOSE')
  assert.equal(normaliseLastName("O'Brien"), 'OBRIEN')
  assert.equal(normaliseLastName('Smith-Jones'), 'SMITHJONES')
  assert.equal(normaliseFirstName('Dr'), '')
})

test('a UK postcode gives its sector and district; anything else only itself', () => {
  assert.deepEqual(normalisePostcode('sw1a 1aa'), { full: 'SW1A1AA', sector: 'SW1A 1', district: 'SW1A' })
  assert.deepEqual(normalisePostcode('LS1 4AP'), { full: 'LS14AP', sector: 'LS1 4', district: 'LS1' })
  assert.deepEqual(normalisePostcode('not known'), { full: 'NOTKNOWN', sector: '', district: '' })
})

test('street words are abbreviated the Royal Mail way and the house number found', () => {
  assert.deepEqual(normaliseAddress('12a, High Street'), { text: '12A HIGH ST', number: '12A' })
  assert.equal(normaliseAddress('12A HIGH ST').text, normaliseAddress('12a high street').text)
})

test('dates of birth are read as ISO or British dates, a transposed one kept, text refused', () => {
  assert.equal(parseDateOfBirth('1984-03-07'), 19840307)
  assert.equal(parseDateOfBirth('07/03/1984'), 19840307)
  assert.equal(parseDateOfBirth('1984-25-03'), 19842503)
  assert.equal(parseDateOfBirth(''), -1)
  assert.equal(parseDateOfBirth('March 1984'), null)
  assert.equal(parseDateOfBirth('1984-00-10'), null)
})

test('nicknames match their formal names and one another, in either direction', () => {
  assert.ok(areNicknames('WILLIAM', 'BILL'))
  assert.ok(areNicknames('BILLY', 'WILL'))
  assert.ok(areNicknames('KATE', 'CATHERINE'))
  assert.ok(areNicknames('PEGGY', 'MARGARET'))
  assert.ok(!areNicknames('WILLIAM', 'ROBERT'))
  assert.ok(!areNicknames('UNKNOWN', 'UNKNOWN'))
})
