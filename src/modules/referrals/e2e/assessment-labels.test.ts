import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { WatchedBrowsing } from '../../../../test/browser.ts'
import { JOURNEYS_TIMEOUT_MS, serverAndBrowser, signIn, submitForm } from '../../../../test/e2e/journeys.ts'

/**
 * Checklist C3 in the browser: a referral the demo's trigger rules raised shows its rule's finding
 * and its priority as assessments, each with its source, author and date, apart from the evidence,
 * which is labelled as recorded fact; the person page labels the record-linkage match likewise.
 */
const started = serverAndBrowser()

describe('assessments labelled as assessments', { timeout: JOURNEYS_TIMEOUT_MS }, () => {
  test('a referral raised by a trigger rule labels its assessments apart from the recorded facts', () =>
    WatchedBrowsing.during(
      started.browser,
      started.server.url,
      { javaScriptEnabled: false },
      async (browsing) => {
        const { page } = browsing
        const supervisor = started.server.demoUser('supervisor')
        await signIn(browsing, supervisor.email, supervisor.password)
        await browsing.goto('/referrals?status=all&sort=reference')
        await browsing.checkPage()
        const hrefs = await page
          .locator('main table tbody a')
          .evaluateAll((anchors) => anchors.map((anchor) => anchor.getAttribute('href') ?? ''))
        assert.ok(hrefs.length > 0, 'the demo has referrals')
        let found = false
        for (const href of hrefs.slice(0, 10)) {
          await browsing.goto(href)
          if ((await page.locator('#referral-evidence').count()) === 0) continue
          found = true
          await browsing.checkPage()
          const rows = page.locator('#referral-assessments tbody tr')
          assert.ok((await rows.count()) >= 2, 'a finding and a priority at least')
          for (const row of await rows.all()) {
            const cells = row.locator('td')
            assert.equal((await cells.nth(0).locator('strong.govuk-tag').innerText()).trim(), 'Assessment')
            assert.match(await cells.nth(2).innerText(), /^Trigger rule [a-z0-9-]+, version \d+$/)
            assert.ok((await cells.nth(3).innerText()).trim().length > 0, 'an author')
            assert.match(await cells.nth(4).innerText(), /\d{4}-\d{2}-\d{2}/)
          }
          const headers = await page.locator('#referral-assessments thead th').allInnerTexts()
          assert.deepEqual(
            headers.map((h) => h.trim()),
            ['Assessment', 'Finding', 'Source', 'Author', 'Date'],
          )
          // The facts are not labelled as assessments: the evidence table carries none of the tags.
          assert.equal(await page.locator('#referral-evidence .govuk-tag').count(), 0)
          assert.match(await page.locator('main').innerText(), /Recorded fact/)
          assert.match(await page.locator('.govuk-summary-list').innerText(), /Priority\s+\S+\s+Assessment/)
          break
        }
        assert.ok(found, 'one of the first referrals was raised by a trigger rule with evidence')
      },
    ))

  test('the person page labels the record-linkage match as an assessment', () =>
    WatchedBrowsing.during(
      started.browser,
      started.server.url,
      { javaScriptEnabled: true },
      async (browsing) => {
        const { page } = browsing
        const officer = started.server.demoUser('officer')
        await signIn(browsing, officer.email, officer.password)
        await browsing.goto('/people')
        await page.locator('input[name="name"]').fill('an')
        await page.getByLabel('Safeguarding').check()
        await submitForm(browsing, 'Search')
        const first = page.locator('#people-found tbody a').first()
        await Promise.all([page.waitForNavigation(), first.click()])
        await browsing.checkPage()
        const records = page.locator('#person-records')
        assert.match(await records.locator('thead').innerText(), /Match \(assessment\)/)
        assert.match(await records.locator('tbody tr').first().innerText(), /Record linkage run \d+/)
        assert.equal((await page.locator('#records + p strong.govuk-tag').innerText()).trim(), 'Assessment')
      },
    ))
})
