import assert from 'node:assert/strict'
import { after, afterEach, before, beforeEach, describe, test } from 'node:test'
import type { Browser } from 'playwright-core'
import { launchBrowser, WatchedBrowsing } from '../browser.ts'
import { startServerProcess, type ServerProcess } from '../server-process.ts'
import { JOURNEYS_TIMEOUT_MS, START_TIMEOUT } from './journeys.ts'

/** What a resident sees without signing in, and the keyboard route into every page. */
const PARTNERSHIP = 'Severnvale Community Safety Partnership'

let server: ServerProcess
let browser: Browser

before(async () => {
  ;[server, browser] = await Promise.all([startServerProcess(), launchBrowser()])
}, START_TIMEOUT)

after(async () => {
  await browser?.close()
  await server?.stop()
})

for (const javaScriptEnabled of [true, false]) {
  describe(
    `public pages with JavaScript ${javaScriptEnabled ? 'on' : 'off'}`,
    { timeout: JOURNEYS_TIMEOUT_MS },
    () => {
      let browsing: WatchedBrowsing

      beforeEach(async () => {
        browsing = await WatchedBrowsing.open(browser, server.url, { javaScriptEnabled })
      })

      afterEach(async () => {
        await browsing.close()
      })

      test('the start page leads to the accessibility statement, and both pass axe', async () => {
        const { page } = browsing
        await browsing.goto('/')
        await browsing.checkPage()
        const scriptsRan = await page.evaluate(() =>
          document.body.classList.contains('govuk-frontend-supported'),
        )
        assert.equal(scriptsRan, javaScriptEnabled, 'the page scripts run only when JavaScript is on')
        assert.equal(await page.locator('h1').innerText(), PARTNERSHIP)
        assert.equal((await page.locator('.upstream-header__name').innerText()).trim(), PARTNERSHIP)
        assert.equal(
          await page
            .locator('.govuk-header__logotype, .govuk-logo, svg.govuk-header__logotype-crown')
            .count(),
          0,
          'no crown, no GOV.UK logotype',
        )

        await page.getByRole('link', { name: 'Accessibility statement' }).click()
        await page.waitForURL('**/accessibility')
        await browsing.checkPage()
        assert.equal(await page.locator('h1').innerText(), 'Accessibility statement')
      })

      test('an address that does not exist shows the 404 page in the same design, passing axe', async () => {
        const { page } = browsing
        assert.equal(await browsing.goto('/no-such-page'), 404)
        await browsing.checkPage({ status: 404 })
        assert.equal(await page.locator('h1').innerText(), 'Page not found')
        assert.equal((await page.locator('.upstream-header__name').innerText()).trim(), PARTNERSHIP)
        assert.equal(await page.locator('footer.govuk-footer').count(), 1)
        assert.doesNotMatch(await page.content(), /at .+\.ts:\d+/, 'no stack trace')
      })

      test('the skip link is the first tab stop and moves focus to the main content', async () => {
        const { page } = browsing
        await browsing.goto('/')
        await page.keyboard.press('Tab')
        const first = await page.evaluate(() => ({
          text: document.activeElement?.textContent?.trim(),
          href: document.activeElement?.getAttribute('href'),
        }))
        assert.deepEqual(first, { text: 'Skip to main content', href: '#main-content' })

        await page.keyboard.press('Enter')
        await page.waitForURL('**/#main-content')
        if (javaScriptEnabled) {
          assert.equal(
            await page.evaluate(() => document.activeElement?.id),
            'main-content',
            'the skip link script focuses <main>',
          )
        }
        await page.keyboard.press('Tab')
        const next = await page.evaluate(() => Boolean(document.activeElement?.closest('#main-content')))
        assert.ok(next, 'the next tab stop after the skip link is inside the main content')
        browsing.expectNoProblems()
      })
    },
  )
}
