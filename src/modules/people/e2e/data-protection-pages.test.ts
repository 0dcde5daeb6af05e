import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { WatchedBrowsing } from '../../../../test/browser.ts'
import { JOURNEYS_TIMEOUT_MS, serverAndBrowser, signIn } from '../../../../test/e2e/journeys.ts'

/**
 * The data-protection pages of the demo, without JavaScript: the DPO's subject-rights pages and
 * retention queue, a supervisor's restrictions. Every page passes axe, asks for nothing from
 * elsewhere, and carries the OFFICIAL-SENSITIVE marking.
 */
const started = serverAndBrowser()

const marking = (browsing: WatchedBrowsing) => browsing.page.locator('#protective-marking').innerText()

describe('the data-protection pages', { timeout: JOURNEYS_TIMEOUT_MS }, () => {
  test('the DPO opens subject rights and the retention queue', () =>
    WatchedBrowsing.during(
      started.browser,
      started.server.url,
      { javaScriptEnabled: false },
      async (browsing) => {
        const dpo = started.server.demoUser('auditor')
        await signIn(browsing, dpo.email, dpo.password)
        for (const path of ['/subject-rights', '/people/retention']) {
          await browsing.goto(path)
          await browsing.checkPage()
          assert.match(await marking(browsing), /OFFICIAL-SENSITIVE/, path)
        }
      },
    ))

  test('a supervisor opens the restrictions, and the forms to restrict and to declare an interest', () =>
    WatchedBrowsing.during(
      started.browser,
      started.server.url,
      { javaScriptEnabled: false },
      async (browsing) => {
        const supervisor = started.server.demoUser('supervisor')
        await signIn(browsing, supervisor.email, supervisor.password)
        for (const path of [
          '/people/restrictions',
          '/people/restrictions/new',
          '/people/staff-interests/new',
        ]) {
          await browsing.goto(path)
          await browsing.checkPage()
          assert.match(await marking(browsing), /OFFICIAL-SENSITIVE/, path)
        }
      },
    ))
})
