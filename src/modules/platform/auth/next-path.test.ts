import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { safeNextPath } from './next-path.ts'

describe('the page to go to after signing in', () => {
  test('a local path with a query is kept', () => {
    assert.equal(safeNextPath('/admin/users?page=2'), '/admin/users?page=2')
  })

  test('anything that could lead off the site is dropped', () => {
    for (const value of ['//evil.example', '/\\evil.example', 'https://evil.example/', 'evil', '/%0a//evil', '/\t/evil.example', 'javascript:alert(1)']) {
      const safe = safeNextPath(value)
      assert.ok(safe === null || (safe.startsWith('/') && !safe.startsWith('//')), `${value} gave ${safe}`)
    }
    assert.equal(safeNextPath('//evil.example'), null)
    assert.equal(safeNextPath('https://evil.example/'), null)
  })

  test('the sign-in page itself, arrays and very long values are dropped', () => {
    assert.equal(safeNextPath('/sign-in?next=/home'), null)
    assert.equal(safeNextPath(['/home']), null)
    assert.equal(safeNextPath('/' + 'a'.repeat(2000)), null)
  })
})
