import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { checkPasswordPolicy, commonPasswordList, passwordContextWords } from './password-policy.ts'

const context = passwordContextWords('West Mercia Community Safety Partnership', 'West Mercia Police')

describe('the password policy', () => {
  test('a password of 7 characters is too short', () => {
    assert.equal(checkPasswordPolicy('kx8#qpz', context), 'Password must be 8 characters or more')
  })

  test('a password of 8 uncommon characters is accepted', () => {
    assert.equal(checkPasswordPolicy('kx8#qpzr', context), null)
  })

  test('length counts characters, not bytes or UTF-16 units', () => {
    assert.equal(checkPasswordPolicy('🦊🦊🐝🐝🌳🌳🦉', context), 'Password must be 8 characters or more')
    assert.equal(checkPasswordPolicy('🦊🦊🐝🐝🌳🌳🦉🦉', context), null)
  })

  test('a password of 64 characters is accepted, and so is one of 256', () => {
    assert.equal(checkPasswordPolicy('orchard lantern '.repeat(4), context), null)
    assert.equal(checkPasswordPolicy('orchard lantern '.repeat(16), context), null)
  })

  test('a password longer than 256 characters is refused', () => {
    assert.equal(checkPasswordPolicy('x'.repeat(100) + 'y'.repeat(157), context), 'Password must be 256 characters or fewer')
  })

  test('there are no composition rules: lower-case letters and spaces only are fine', () => {
    assert.equal(checkPasswordPolicy('purple elephants sing quietly', context), null)
  })

  test('an empty password is asked for', () => {
    assert.equal(checkPasswordPolicy('', context), 'Enter a password')
  })

  test('a common password is refused whatever its case', () => {
    assert.match(checkPasswordPolicy('Password1', context) ?? '', /list of common passwords/)
    assert.match(checkPasswordPolicy('BASEBALL', context) ?? '', /list of common passwords/)
  })

  test('the deny list holds at least the 3,000 most common passwords', () => {
    const list = commonPasswordList()
    assert.ok(list.size >= 3000, `only ${list.size}`)
    for (const common of ['123456', 'password', 'qwerty', 'letmein', 'iloveyou']) assert.ok(list.has(common), common)
  })

  test('the name of the product, the partnership or the force is refused, alone or run together with digits', () => {
    for (const password of ['upstream', 'Upstream2026!', 'WestMercia123', 'west mercia police', 'PARTNERSHIP']) {
      assert.match(checkPasswordPolicy(password, context) ?? '', /name of this service/, password)
    }
  })

  test('a context word inside a longer passphrase is fine', () => {
    assert.equal(checkPasswordPolicy('upstream salmon leap at dawn', context), null)
  })

  test('one character repeated is refused', () => {
    assert.match(checkPasswordPolicy('zzzzzzzzzzzz', context) ?? '', /one character repeated/)
  })

  test('context words come from every word of the names given, plus the product name', () => {
    assert.deepEqual(passwordContextWords('Gwent Safer Communities', null), ['gwent', 'safer', 'communities', 'upstream'])
  })
})
