import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Browser } from 'playwright-core'
import { launchBrowser, WatchedBrowsing } from '../browser.ts'
import { startServerProcess, type ServerProcess } from '../server-process.ts'
import { JOURNEYS_TIMEOUT_MS, START_TIMEOUT, expectHomePageOf, signIn, signOut } from './journeys.ts'

/** An administrator creates an account; its new owner signs in with the one-time password. */
let server: ServerProcess
let browser: Browser

before(async () => {
  ;[server, browser] = await Promise.all([startServerProcess(), launchBrowser()])
}, START_TIMEOUT)

after(async () => {
  await browser?.close()
  await server?.stop()
})

describe('an administrator creates a user', { concurrency: 2, timeout: JOURNEYS_TIMEOUT_MS }, () => {
  for (const javaScriptEnabled of [true, false]) {
    const mode = javaScriptEnabled ? 'on' : 'off'
    test(`with JavaScript ${mode}, the new user signs in with the one-time password and sees their home page`, () =>
      WatchedBrowsing.during(browser, server.url, { javaScriptEnabled }, async (browsing) => {
        const { page } = browsing
        const newUser = {
          email: `casey.caseworker.js-${mode}@council.example`,
          displayName: `Casey Caseworker (JavaScript ${mode})`,
        }
        const admin = server.demoUser('administrator')

        await signIn(browsing, admin.email, admin.password)
        await expectHomePageOf(browsing, 'Alex Administrator')
        await browsing.goto('/admin/users/new')
        await browsing.checkPage()
        await page.locator('input[name="email"]').fill(newUser.email)
        await page.locator('input[name="displayName"]').fill(newUser.displayName)
        await page.locator('select[name="role"]').selectOption('partner_practitioner')
        await page.locator('select[name="organisationId"]').selectOption({ label: 'Severnvale Council' })
        await Promise.all([
          page.waitForNavigation(),
          page.getByRole('button', { name: 'Add user', exact: true }).click(),
        ])
        // The password is in the answer to the form itself (201), so it is never fetched again.
        await browsing.checkPage({ status: 201 })
        const initialPassword = (await page.locator('#initial-password').innerText()).trim()
        assert.ok(initialPassword.length >= 12, `a one-time password is shown (got '${initialPassword}')`)
        await signOut(browsing)

        await signIn(browsing, newUser.email, initialPassword)
        await expectHomePageOf(browsing, newUser.displayName)
        assert.match(await page.locator('main').innerText(), /Partner practitioner/)
      }))
  }
})
