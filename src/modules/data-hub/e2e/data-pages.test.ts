import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Browser } from 'playwright-core'
import { launchBrowser, WatchedBrowsing } from '../../../../test/browser.ts'
import { JOURNEYS_TIMEOUT_MS, START_TIMEOUT, signIn } from '../../../../test/e2e/journeys.ts'
import { serverBackends, type ServerProcess } from '../../../../test/server-process.ts'

/** An analyst finds incidents in the demo data with JavaScript off; every page passes axe. */
let browser: Browser

before(async () => {
  browser = await launchBrowser()
}, START_TIMEOUT)

after(async () => {
  await browser?.close()
})

for (const backend of serverBackends()) {
  describe(`the data pages without JavaScript on ${backend.name}`, { timeout: JOURNEYS_TIMEOUT_MS }, () => {
    let server: ServerProcess

    before(async () => {
      server = await backend.start()
    }, START_TIMEOUT)

    after(async () => {
      await server?.stop()
    })

    test('an analyst goes from the overview to a run report, then filters the incidents by category and month', () =>
      WatchedBrowsing.during(browser, server.url, { javaScriptEnabled: false }, async (browsing) => {
        const { page } = browsing
        const analyst = server.demoUser('analyst')
        await signIn(browsing, analyst.email, analyst.password)

        await Promise.all([
          page.waitForNavigation(),
          page.locator('a.govuk-service-navigation__link[href="/data"]').click(),
        ])
        await browsing.checkPage()
        assert.equal(await page.locator('h1').innerText(), 'Data')

        await Promise.all([
          page.waitForNavigation(),
          page.getByRole('link', { name: 'Import runs', exact: true }).click(),
        ])
        await browsing.checkPage()
        await Promise.all([page.waitForNavigation(), page.locator('table a.govuk-link').first().click()])
        await browsing.checkPage()
        assert.match(await page.locator('main').innerText(), /SHA-256 checksum/)

        await browsing.goto('/data/incidents')
        await browsing.checkPage()
        await page.getByLabel('Category').selectOption('burglary')
        await page.getByLabel('From month').fill('2023-04')
        await page.getByLabel('To month').fill('2023-04')
        await Promise.all([
          page.waitForNavigation(),
          page.getByRole('button', { name: 'Apply filters' }).click(),
        ])
        await browsing.checkPage()
        const url = new URL(page.url())
        assert.equal(url.pathname, '/data/incidents')
        assert.equal(url.searchParams.get('category'), 'burglary')
        assert.equal(url.searchParams.get('from'), '2023-04')
        const months = await page.locator('tbody tr td:nth-child(1)').allInnerTexts()
        const categories = await page.locator('tbody tr td:nth-child(3)').allInnerTexts()
        assert.ok(months.length > 0, 'burglaries in April 2023 are listed')
        assert.ok(months.every((month) => month === '2023-04'))
        assert.ok(categories.every((category) => category === 'Burglary'))
        assert.match(
          await page.locator('[role="status"]').innerText(),
          new RegExp(`of ${months.length} incidents?\\.`),
        )

        await page.getByLabel('From month').fill('2023-13')
        await Promise.all([
          page.waitForNavigation(),
          page.getByRole('button', { name: 'Apply filters' }).click(),
        ])
        await browsing.checkPage({ status: 400 })
        assert.match(
          await page.locator('.govuk-error-summary').innerText(),
          /From month '2023-13' is not a month/,
        )
        assert.equal(
          await page.getByLabel('From month').inputValue(),
          '2023-13',
          'the value typed comes back',
        )
      }))
  })
}
