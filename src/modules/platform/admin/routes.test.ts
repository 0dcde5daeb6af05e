import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { backends } from '../../../../test/backends.ts'
import { PERMISSIONS, ROLE_LABELS, ROLES } from '../roles.ts'
import { inputValue, useAdminApp } from './admin-test-setup.ts'

const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')

for (const backend of backends()) {
  describe(`the administration pages on ${backend.name}`, () => {
    const context = useAdminApp(backend)

    test('the administration index links to every admin area', async () => {
      const client = await context.signedIn()
      const response = await client.get('/admin')
      assert.equal(response.statusCode, 200)
      for (const href of ['/admin/users', '/admin/organisations', '/admin/teams', '/admin/sharing-agreements', '/admin/roles', '/admin/partnership']) {
        assert.match(response.body, new RegExp(`href="${href}"`))
      }
    })

    test('the roles page shows every role against every permission', async () => {
      const client = await context.signedIn()
      const response = await client.get('/admin/roles')
      assert.equal(response.statusCode, 200)
      for (const role of ROLES) assert.ok(response.body.includes(ROLE_LABELS[role].replace(/'/g, '&#39;')), role)
      for (const permission of Object.keys(PERMISSIONS)) assert.ok(response.body.includes(`<code>${permission}</code>`), permission)
      assert.match(textOf(response.body), /Manage user accounts and end their sessions admin:users Yes No No No No No No/)
    })

    test('saving the partnership settings changes the name in every page header', async () => {
      const client = await context.signedIn()
      const page = await client.get('/admin/partnership')
      const version = /name="version" value="(\d+)"/.exec(page.body)![1]!
      const response = await client.postForm('/admin/partnership', {
        name: 'Riverside Safer Partnership',
        forceName: 'Riverside Police',
        areasServed: 'North\r\n\r\nSouth\r\n  East  \r\n',
        version,
      })
      assert.equal(response.statusCode, 303)
      const after = await client.get('/admin/partnership?saved=updated')
      assert.match(after.body, /upstream-header__name[^>]*>Riverside Safer Partnership</)
      assert.match(after.body, /Partnership settings saved/)
      assert.match(after.body, /North\nSouth\nEast<\/textarea>/)
      const audit = (await context.auditEvents('UPDATE_PARTNERSHIP')).at(-1)!
      assert.deepEqual(audit.details, { fields: ['name', 'forceName', 'areasServed'] })
    })

    test('partnership settings need a name and a force, and a stale version is a 409', async () => {
      const client = await context.signedIn()
      const invalid = await client.postForm('/admin/partnership', { name: '', forceName: 'Kept force', areasServed: '', version: '0' })
      assert.equal(invalid.statusCode, 400)
      assert.match(invalid.body, /href="#name">Enter partnership name/)
      assert.equal(inputValue(invalid.body, 'forceName'), 'Kept force')
      const opened = /name="version" value="(\d+)"/.exec((await client.get('/admin/partnership')).body)![1]!
      const first = await client.postForm('/admin/partnership', { name: 'First', forceName: 'First Police', areasServed: '', version: opened })
      assert.equal(first.statusCode, 303)
      const stale = await client.postForm('/admin/partnership', { name: 'Late', forceName: 'Late Police', areasServed: '', version: opened })
      assert.equal(stale.statusCode, 409)
      assert.match(stale.body, /Someone else changed this/)
    })

    test('a strategic lead may not open the roles page or the partnership settings', async () => {
      const client = await context.signedIn('strategic_lead')
      assert.equal((await client.get('/admin/roles')).statusCode, 403)
      assert.equal((await client.get('/admin/partnership')).statusCode, 403)
    })
  })
}
