import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Browser } from 'playwright-core'
import type { Role } from '../../src/modules/platform/roles.ts'
import { launchBrowser, WatchedBrowsing } from '../browser.ts'
import { serverBackends, type ServerProcess } from '../server-process.ts'
import {
  JOURNEYS_TIMEOUT_MS,
  START_TIMEOUT,
  expectHomePageOf,
  followServiceNavigation,
  signIn,
  signOut,
} from './journeys.ts'

/**
 * The main journey: every demo role signs in, sees its home page, follows every link in the
 * service navigation and signs out; a wrong password gets a clear error. On the embedded
 * database, and on PostgreSQL too when TEST_DATABASE_URL is set.
 */
const DEMO_NAMES: Record<Role, string> = {
  administrator: 'Alex Administrator',
  analyst: 'Anita Analyst',
  officer: 'Owen Officer',
  supervisor: 'Sam Supervisor',
  partner_practitioner: 'Priya Practitioner',
  strategic_lead: 'Lee Strategic',
  auditor: 'Dana Auditor',
}
const SCREENSHOT = '/tmp/upstream-home.png'
/** Journeys in separate browser contexts are independent; a few at once keep the file quick. */
const CONCURRENT_JOURNEYS = 3

const backends = serverBackends()
let browser: Browser
const servers = new Map<string, ServerProcess>()

before(async () => {
  // Every backend's server starts at once: starting is mostly waiting for the database.
  const [launched, ...started] = await Promise.allSettled([
    launchBrowser(),
    ...backends.map((backend) => backend.start()),
  ])
  for (const [i, result] of started.entries()) {
    if (result.status === 'fulfilled') servers.set(backends[i]!.name, result.value)
  }
  const failure = [launched, ...started].find((result) => result.status === 'rejected')
  if (failure) throw failure.reason
  browser = (launched as PromiseFulfilledResult<Browser>).value
}, START_TIMEOUT)

after(async () => {
  await browser?.close()
  await Promise.all([...servers.values()].map((server) => server.stop()))
})

for (const backend of backends) {
  describe(`signing in on ${backend.name}`, () => {
    let server: ServerProcess

    before(() => {
      server = servers.get(backend.name)!
    })

    for (const javaScriptEnabled of [true, false]) {
      describe(
        `with JavaScript ${javaScriptEnabled ? 'on' : 'off'}`,
        { concurrency: CONCURRENT_JOURNEYS, timeout: JOURNEYS_TIMEOUT_MS },
        () => {
          const browse = (steps: (browsing: WatchedBrowsing) => Promise<void>) =>
            WatchedBrowsing.during(browser, server.url, { javaScriptEnabled }, steps)

          test('the demo users file names one user of each role', () => {
            assert.deepEqual(server.demoUsers.map((user) => user.role).sort(), Object.keys(DEMO_NAMES).sort())
          })

          for (const role of Object.keys(DEMO_NAMES) as Role[]) {
            test(`the ${role.replace('_', ' ')} signs in, follows every navigation link and signs out`, () =>
              browse(async (browsing) => {
                const user = server.demoUser(role)
                await signIn(browsing, user.email, user.password)
                await expectHomePageOf(browsing, DEMO_NAMES[role])
                if (role === 'administrator' && javaScriptEnabled && backend.name === 'pglite') {
                  await browsing.page.screenshot({ path: SCREENSHOT, fullPage: true })
                }
                const followed = await followServiceNavigation(browsing)
                assert.ok(followed.includes('/home'), 'the navigation leads home')
                await signOut(browsing)

                await browsing.goto('/home')
                assert.equal(
                  new URL(browsing.page.url()).pathname,
                  '/sign-in',
                  'after signing out, /home asks to sign in again',
                )
              }))
          }

          test('a wrong password shows the error summary, keeps the email and passes axe', () =>
            browse(async (browsing) => {
              const { page } = browsing
              const user = server.demoUser('strategic_lead')
              await signIn(browsing, user.email, `${user.password}-wrong`)
              assert.equal(new URL(page.url()).pathname, '/sign-in')
              await browsing.checkPage({ status: 400 })
              const summary = page.locator('.govuk-error-summary')
              assert.match(await summary.innerText(), /There is a problem/)
              assert.equal(await page.locator('input[name="email"]').inputValue(), user.email)
              assert.equal(
                await page.locator('input[name="password"]').inputValue(),
                '',
                'the password is never sent back',
              )
              if (javaScriptEnabled) {
                assert.equal(
                  await page.evaluate(() =>
                    document.activeElement?.classList.contains('govuk-error-summary'),
                  ),
                  true,
                  'the error summary takes focus',
                )
              }
            }))
        },
      )
    }
  })
}
