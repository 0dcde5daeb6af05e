import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { WatchedBrowsing } from '../../../../test/browser.ts'
import { JOURNEYS_TIMEOUT_MS, serverAndBrowser, signIn, submitForm } from '../../../../test/e2e/journeys.ts'

/**
 * An officer of the demo force makes a referral with the form, and a supervisor screens it and
 * assigns it, with JavaScript off (every form is a plain POST) and on. Every page reached,
 * including a form sent back with an error, passes axe.
 */
const started = serverAndBrowser()

async function makeReferral(browsing: WatchedBrowsing, subject: string): Promise<string> {
  const { page } = browsing
  const officer = started.server.demoUser('officer')
  await signIn(browsing, officer.email, officer.password)
  await browsing.goto('/referrals')
  await browsing.checkPage()
  await browsing.goto('/referrals/new')
  await browsing.checkPage()
  // Sent without a reason: back with the error summary, the values kept.
  await page.getByLabel('Problem solving').check()
  await page.locator('select[name="to"]').selectOption({ label: 'Severnvale Police' })
  await page.locator('input[name="subject"]').fill(subject)
  await submitForm(browsing, 'Make the referral')
  await browsing.checkPage({ status: 400 })
  assert.equal(await page.locator('.govuk-error-summary a[href="#reason"]').count(), 1)
  assert.equal(await page.locator('input[name="subject"]').inputValue(), subject)
  await page.locator('textarea[name="reason"]').fill('Repeated damage to the bus shelter at night')
  await submitForm(browsing, 'Make the referral')
  assert.match(page.url(), /\/referrals\/\d+\?done=made$/)
  await browsing.checkPage()
  assert.equal((await page.locator('h1').innerText()).trim(), subject)
  return new URL(page.url()).pathname
}

describe('the referral pages', { timeout: JOURNEYS_TIMEOUT_MS }, () => {
  for (const javaScriptEnabled of [false, true]) {
    test(`with JavaScript ${javaScriptEnabled ? 'on' : 'off'}, a referral is made, screened and assigned through the forms`, async () => {
      const subject = `Bus shelter on Cheapside (${javaScriptEnabled ? 'on' : 'off'})`
      let path = ''
      await WatchedBrowsing.during(
        started.browser,
        started.server.url,
        { javaScriptEnabled },
        async (browsing) => {
          path = await makeReferral(browsing, subject)
        },
      )
      // Sent to the force itself, so the force's supervisor screens it.
      await WatchedBrowsing.during(
        started.browser,
        started.server.url,
        { javaScriptEnabled },
        async (browsing) => {
          const { page } = browsing
          const supervisor = started.server.demoUser('supervisor')
          await signIn(browsing, supervisor.email, supervisor.password)
          await browsing.goto(path)
          await browsing.checkPage()
          await submitForm(browsing, 'Decline')
          await browsing.checkPage({ status: 400 })
          assert.match(await page.locator('.govuk-error-summary').innerText(), /reason for declining/)
          await submitForm(browsing, 'Accept')
          await browsing.checkPage()
          await page.locator('select[name="userId"]').selectOption({ index: 1 })
          await submitForm(browsing, 'Assign')
          await browsing.checkPage()
          assert.match(await page.locator('.govuk-summary-list').innerText(), /Assigned/)
          await browsing.goto('/referrals?status=all&sort=created&direction=desc')
          await browsing.checkPage()
          assert.ok((await page.locator('table').innerText()).includes(subject))
        },
      )
    })
  }
})
