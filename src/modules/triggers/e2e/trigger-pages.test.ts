import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { WatchedBrowsing } from '../../../../test/browser.ts'
import { JOURNEYS_TIMEOUT_MS, serverAndBrowser, signIn, submitForm } from '../../../../test/e2e/journeys.ts'

/**
 * An analyst edits a rule as JSON (refused once, then saved as a draft) and dry-runs it; a
 * supervisor approves it. With JavaScript off (every form is a plain POST or GET) and on; every
 * page reached, including the refused form, passes axe.
 */
const started = serverAndBrowser()

describe('the trigger rules pages', { timeout: JOURNEYS_TIMEOUT_MS }, () => {
  for (const javaScriptEnabled of [false, true]) {
    test(`with JavaScript ${javaScriptEnabled ? 'on' : 'off'}, a rule is drafted, refused, saved, dry-run and approved`, async () => {
      await WatchedBrowsing.during(
        started.browser,
        started.server.url,
        { javaScriptEnabled },
        async (browsing) => {
          const { page } = browsing
          const analyst = started.server.demoUser('analyst')
          await signIn(browsing, analyst.email, analyst.password)
          await browsing.goto('/triggers')
          await browsing.checkPage()
          assert.equal((await page.locator('#trigger-rules tbody tr').count()) >= 6, true)
          await browsing.goto('/triggers/repeat-victim')
          await browsing.checkPage()
          await browsing.goto('/triggers/repeat-victim/draft')
          await browsing.checkPage()
          const textarea = page.locator('textarea#definition')
          const definition = JSON.parse(await textarea.inputValue()) as Record<string, unknown>
          await textarea.fill(JSON.stringify({ ...definition, windowDays: 4000 }, null, 2))
          await submitForm(browsing, 'Save as draft')
          await browsing.checkPage({ status: 400 })
          assert.match(await page.locator('.govuk-error-summary').innerText(), /windowDays: /)
          assert.ok((await page.locator('.govuk-error-summary a[href="#definition"]').count()) >= 1)
          await textarea.fill(
            JSON.stringify(
              { ...definition, threshold: { atLeast: 1, count: 'distinct-incidents' } },
              null,
              2,
            ),
          )
          await submitForm(browsing, 'Save as draft')
          await browsing.checkPage()
          assert.match(
            await page.locator('.govuk-notification-banner').innerText(),
            /Saved as draft version \d+/,
          )
          await Promise.all([
            page.waitForNavigation(),
            page.getByRole('link', { name: 'Dry-run it on history' }).click(),
          ])
          await browsing.checkPage()
          await page.locator('input#from').fill('2020-01-01')
          await submitForm(browsing, 'Run the dry run')
          await browsing.checkPage()
          assert.match(await page.locator('#people-flagged').innerText(), /\d+ of \d+ linked people/)
        },
      )
      await WatchedBrowsing.during(
        started.browser,
        started.server.url,
        { javaScriptEnabled },
        async (browsing) => {
          const { page } = browsing
          const supervisor = started.server.demoUser('supervisor')
          await signIn(browsing, supervisor.email, supervisor.password)
          await browsing.goto('/triggers/repeat-victim')
          await browsing.checkPage()
          await submitForm(browsing, /^Approve version \d+/)
          await browsing.checkPage()
          assert.match(await page.locator('.govuk-notification-banner').innerText(), /is approved and live/)
        },
      )
    })
  }
})
