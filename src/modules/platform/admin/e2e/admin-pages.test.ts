import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import type { Browser } from 'playwright-core'
import { testApp } from '../../../../../test/app.ts'
import { backends, type TestDatabase } from '../../../../../test/backends.ts'
import { launchBrowser, WatchedBrowsing } from '../../../../../test/browser.ts'
import { createOrganisation, createTeam, createUser } from '../../../../../test/factories.ts'
import { createSession } from '../../auth/sessions.ts'

/**
 * Every administration page, and each form with its error summary, in Debian's Chromium:
 * axe finds no WCAG 2.2 A/AA violation, nothing breaks the CSP, with JavaScript on and off.
 * What is rendered does not depend on the driver (the page tests beside the code run on both),
 * so the browser, the slow part, runs over PGlite only.
 */
for (const backend of backends().slice(0, 1)) {
  for (const javaScriptEnabled of [true, false]) {
    describe(`the administration pages in a browser on ${backend.name}, JavaScript ${javaScriptEnabled ? 'on' : 'off'}`, () => {
      let database: TestDatabase
      let app: FastifyInstance
      let browser: Browser
      let watched: WatchedBrowsing
      const ids: Record<string, string> = {}

      before(async () => {
        database = await backend.create()
        let clock
        ;({ app, clock } = await testApp(database))
        await app.listen({ port: 0, host: '127.0.0.1' })
        const address = app.server.address()
        const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
        const police = await createOrganisation(database.db, { kind: 'police_force', name: 'Browser Police' })
        const council = await createOrganisation(database.db, { kind: 'council', name: 'Browser Council' })
        const administrator = await createUser(database.db, { role: 'administrator', organisationId: police.id })
        const officer = await createUser(database.db, { role: 'officer', organisationId: police.id, displayName: 'Olive Officer' })
        const team = await createTeam(database.db, police.id, { memberIds: [officer.id] })
        const agreement = await database.db
          .insertInto('sharing_agreement')
          .values({
            reference: 'ISA-BROWSER-1',
            title: 'Referrals',
            provider_organisation_id: police.id,
            recipient_organisation_id: council.id,
            data_classes: ['referral'],
            purposes: ['safeguarding'],
            status: 'active',
            starts_on: '2026-01-01',
            ends_on: null,
            requires_involvement: true,
            notes: '',
            updated_at: new Date(),
          })
          .returning('id')
          .executeTakeFirstOrThrow()
        Object.assign(ids, { police: police.id, council: council.id, officer: officer.id, team: team.id, agreement: agreement.id })
        const { token } = await createSession(database.db, clock, administrator.id)
        browser = await launchBrowser()
        watched = await WatchedBrowsing.open(browser, origin, { javaScriptEnabled })
        await watched.context.addCookies([{ name: 'upstream-session', value: token, url: origin }])
      })
      after(async () => {
        await watched?.close()
        await browser?.close()
        await app?.close()
        await database?.close()
      })

      test('every administration page passes axe with nothing blocked or broken', async () => {
        const pages = [
          '/admin',
          '/admin/organisations',
          '/admin/organisations/new',
          `/admin/organisations/${ids.police}`,
          '/admin/teams',
          '/admin/teams/new',
          `/admin/teams/${ids.team}`,
          '/admin/users',
          '/admin/users/new',
          `/admin/users/${ids.officer}`,
          '/admin/roles',
          '/admin/partnership',
          '/admin/sharing-agreements',
          '/admin/sharing-agreements/new',
          `/admin/sharing-agreements/${ids.agreement}`,
        ]
        for (const path of pages) {
          await watched.goto(path)
          await watched.checkPage()
        }
      })

      test('each form sent empty shows an accessible error summary', async () => {
        const forms = [
          ['/admin/organisations/new', 'Add organisation'],
          ['/admin/teams/new', 'Add team'],
          ['/admin/users/new', 'Add user'],
          ['/admin/sharing-agreements/new', 'Add agreement'],
        ] as const
        for (const [path, button] of forms) {
          await watched.goto(path)
          await watched.page.getByRole('button', { name: button }).click()
          await watched.page.waitForLoadState('load')
          await watched.checkPage({ status: 400 })
        }
      })

      test('an administrator adds a user with the form and sees the initial password page', async () => {
        await watched.goto('/admin/users/new')
        await watched.page.getByLabel('Email address').fill(`browser-${javaScriptEnabled}@example.test`)
        await watched.page.getByLabel('Full name').fill('Bea Browser')
        await watched.page.getByLabel('Role').selectOption('partner_practitioner')
        await watched.page.getByLabel('Organisation').selectOption(ids.council!)
        await watched.page.getByRole('button', { name: 'Add user' }).click()
        await watched.page.waitForLoadState('load')
        await watched.checkPage({ status: 201 })
        await watched.page.locator('#initial-password').waitFor()
      })
    })
  }
}
