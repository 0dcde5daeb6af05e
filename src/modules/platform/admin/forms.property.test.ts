import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import fc from 'fast-check'
import { backends } from '../../../../test/backends.ts'
import { createTeam } from '../../../../test/factories.ts'
import type { TestClient } from '../../../../test/http-client.ts'
import { ORGANISATION_KINDS } from '../organisation-kinds.ts'
import { ROLES } from '../roles.ts'
import { countRows, useAdminApp } from './admin-test-setup.ts'

/** Any text a browser or a script could send: control characters, lone surrogates, very long, or a plausible value. */
const anyText = (...plausible: string[]) =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.string({ maxLength: 20 }),
    fc.string({ minLength: 190, maxLength: 600 }),
    fc.constantFrom('', ' ', '\u0000', 'a\nb', '\u202e', "'; drop table organisation; --", '<script>x</script>', '%'),
    // Plausible values three times in four, so that some whole forms are valid and the property covers acceptance too.
    ...(plausible.length ? [{ arbitrary: fc.constantFrom(...plausible), weight: 12 }] : []),
  )

for (const backend of backends()) {
  describe(`admin forms under random input on ${backend.name}`, () => {
    const context = useAdminApp(backend)
    let client: TestClient
    let teamId: string

    before(async () => {
      client = await context.signedIn()
      teamId = (await createTeam(context.database.db, context.police.id)).id
    })

    /** Posts a form and checks the answer: never 5xx, and a row is written exactly when the form was accepted. */
    async function submitChecked(table: 'organisation' | 'app_user', url: string, form: Record<string, string | string[]>, creates: boolean) {
      const before = await countRows(context.database, table)
      const response = await client.postForm(url, form)
      assert.ok(response.statusCode < 500, `${response.statusCode} for ${JSON.stringify(form)}`)
      const accepted = response.statusCode === 303 || response.statusCode === 201
      assert.ok(accepted || response.statusCode === 400 || response.statusCode === 409, `${response.statusCode}`)
      assert.equal(await countRows(context.database, table), before + (accepted && creates ? 1 : 0))
      return accepted
    }

    const organisationForm = fc.record({
      name: anyText('Random Council'),
      kind: anyText(...ORGANISATION_KINDS),
      oidcIssuer: anyText('https://login.example.test', 'javascript:alert(1)'),
      oidcClientId: anyText('upstream'),
      oidcClientSecret: anyText('secret'),
      oidcRequireMfa: fc.constantFrom('', 'yes'),
    })

    test('random text in every field of the organisation form never gives a 5xx nor writes a row when refused', async () => {
      let accepted = 0
      await fc.assert(
        fc.asyncProperty(organisationForm, async (form) => {
          if (await submitChecked('organisation', '/admin/organisations', form, true)) accepted += 1
        }),
        { numRuns: 60 },
      )
      assert.ok(accepted > 0, 'no random organisation form was accepted: the property only tested refusals')
    })

    test('random text in the organisation edit form never gives a 5xx and changes nothing when refused', async () => {
      const organisation = await context.database.db
        .insertInto('organisation')
        .values({ name: 'Edited at random', kind: 'council', oidc_issuer: null, oidc_client_id: null, oidc_client_secret: null, updated_at: new Date() })
        .returning('id')
        .executeTakeFirstOrThrow()
      await fc.assert(
        fc.asyncProperty(organisationForm, anyText('1', '-1', '99999999999'), async (form, version) => {
          const before = await context.database.db.selectFrom('organisation').selectAll().where('id', '=', organisation.id).executeTakeFirstOrThrow()
          const accepted = await submitChecked('organisation', `/admin/organisations/${organisation.id}`, { ...form, version }, false)
          const after = await context.database.db.selectFrom('organisation').selectAll().where('id', '=', organisation.id).executeTakeFirstOrThrow()
          if (!accepted) assert.deepEqual(after, before)
        }),
        { numRuns: 40 },
      )
    })

    test('random text in every field of the user form never gives a 5xx nor writes a row when refused', async () => {
      let accepted = 0
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            email: fc.oneof({ arbitrary: anyText(), weight: 1 }, { arbitrary: fc.emailAddress(), weight: 3 }),
            displayName: anyText('Random Person'),
            role: anyText(...ROLES),
            organisationId: anyText(context.police.id, '00000000-0000-4000-8000-000000000000'),
            teamIds: fc.array(anyText(teamId), { maxLength: 3 }),
          }),
          async (form) => {
            if (await submitChecked('app_user', '/admin/users', form, true)) accepted += 1
          },
        ),
        { numRuns: 60 },
      )
      assert.ok(accepted > 0, 'no random user form was accepted: the property only tested refusals')
    })

    test('random text in the user edit form never gives a 5xx and changes nothing when refused', async () => {
      const user = await context.database.db
        .insertInto('app_user')
        .values({ email: 'edited-at-random@example.test', display_name: 'Edited', role: 'officer', organisation_id: context.police.id, password_hash: null, oidc_issuer: null, oidc_subject: null, updated_at: new Date() })
        .returning('id')
        .executeTakeFirstOrThrow()
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            displayName: anyText('Renamed Person'),
            role: anyText(...ROLES),
            organisationId: anyText(context.police.id),
            teamIds: fc.array(anyText(teamId), { maxLength: 3 }),
            version: anyText('1', '2', 'x'),
          }),
          async (form) => {
            const before = await context.database.db.selectFrom('app_user').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow()
            const accepted = await submitChecked('app_user', `/admin/users/${user.id}`, form, false)
            const after = await context.database.db.selectFrom('app_user').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow()
            if (!accepted) assert.deepEqual(after, before)
          },
        ),
        { numRuns: 40 },
      )
    })

    test('random filters and page numbers on the user list never give a 5xx', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            organisation: anyText(context.police.id),
            role: anyText(...ROLES),
            q: anyText('a'),
            disabled: anyText('yes', 'no'),
            page: anyText('1', '2', '0', '-1', '1e9', '99999999999999999999'),
          }),
          async (filters) => {
            const response = await client.get(`/admin/users?${new URLSearchParams(filters).toString()}`)
            assert.equal(response.statusCode, 200, JSON.stringify(filters))
          },
        ),
        { numRuns: 40 },
      )
    })
  })
}
