import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { WatchedBrowsing } from '../../../../test/browser.ts'
import { JOURNEYS_TIMEOUT_MS, serverAndBrowser, signIn, submitForm } from '../../../../test/e2e/journeys.ts'

/**
 * An officer of the demo force finds a person among the demo's linked people, says why, and
 * reads their timeline and households; a supervisor opens the review queue and the linkage runs.
 * Every page reached, a form sent back with an error included, passes axe.
 */
const started = serverAndBrowser()

describe('the people pages', { timeout: JOURNEYS_TIMEOUT_MS }, () => {
  test('an officer finds a person for a purpose and reads their timeline', () =>
    WatchedBrowsing.during(
      started.browser,
      started.server.url,
      { javaScriptEnabled: false },
      async (browsing) => {
        const { page } = browsing
        const officer = started.server.demoUser('officer')
        await signIn(browsing, officer.email, officer.password)
        await browsing.goto('/people')
        await browsing.checkPage()

        // No purpose: back with the error summary linking to the radios, the name kept.
        await page.locator('input[name="name"]').fill('an')
        await submitForm(browsing, 'Search')
        await browsing.checkPage({ status: 400 })
        assert.equal(await page.locator('.govuk-error-summary a[href="#purpose"]').count(), 1)
        assert.equal(await page.locator('input[name="name"]').inputValue(), 'an')

        await page.getByLabel('Safeguarding').check()
        await submitForm(browsing, 'Search')
        await browsing.checkPage()
        const first = page.locator('#people-found tbody a').first()
        const name = (await first.innerText()).trim()
        await Promise.all([page.waitForNavigation(), first.click()])
        await browsing.checkPage()
        assert.equal((await page.locator('h1').innerText()).trim(), name)
        assert.match(await page.locator('.govuk-caption-l').innerText(), /viewed for safeguarding/)
        assert.ok((await page.locator('#person-records tbody tr').count()) >= 1)

        // Without a purpose in the address, the page asks for one and shows nothing of the person.
        await browsing.goto(new URL(page.url()).pathname)
        await browsing.checkPage()
        assert.doesNotMatch(await page.locator('main').innerText(), new RegExp(name))
      },
    ))

  test('a supervisor opens the review queue and the linkage runs', () =>
    WatchedBrowsing.during(
      started.browser,
      started.server.url,
      { javaScriptEnabled: true },
      async (browsing) => {
        const { page } = browsing
        const supervisor = started.server.demoUser('supervisor')
        await signIn(browsing, supervisor.email, supervisor.password)
        await browsing.goto('/people/review')
        await browsing.checkPage()
        await browsing.goto('/people/linkage')
        await browsing.checkPage()
        assert.ok(
          (await page.locator('#linkage-runs tbody tr').count()) >= 1,
          'the demo’s linkage run is listed',
        )
        const pair = page.locator('#review-queue a').first()
        if ((await page.locator('#review-queue').count()) > 0) {
          await browsing.goto('/people/review')
          await Promise.all([page.waitForNavigation(), pair.click()])
          await browsing.checkPage()
        }
      },
    ))
})
