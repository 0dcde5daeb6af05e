import assert from 'node:assert/strict'
import { after, before } from 'node:test'
import type { Browser } from 'playwright-core'
import { launchBrowser, type WatchedBrowsing } from '../browser.ts'
import { startServerProcess, type ServerProcess } from '../server-process.ts'

/** Steps the journeys share, written as a person would take them, checking each page reached. */

/** A hang becomes a failure with a name: starting a server and browser, and each group of journeys. */
export const START_TIMEOUT = { timeout: 120_000 }
export const JOURNEYS_TIMEOUT_MS = 240_000

/**
 * The server (with the demo data) and the browser a file of journeys uses: started together before
 * its tests, both stopped after them, even when only one of them started.
 */
export function serverAndBrowser(): { readonly server: ServerProcess; readonly browser: Browser } {
  let server: ServerProcess | undefined
  let browser: Browser | undefined
  before(async () => {
    const [started, launched] = await Promise.allSettled([startServerProcess(), launchBrowser()])
    if (started.status === 'fulfilled') server = started.value
    if (launched.status === 'fulfilled') browser = launched.value
    for (const outcome of [started, launched]) if (outcome.status === 'rejected') throw outcome.reason
  }, START_TIMEOUT)
  after(async () => {
    await browser?.close()
    await server?.stop()
  })
  return {
    get server() {
      if (!server) throw new Error('the server has not started')
      return server
    },
    get browser() {
      if (!browser) throw new Error('the browser has not started')
      return browser
    },
  }
}

/** Presses a form's button and waits for the page it leads to. */
export async function submitForm(browsing: WatchedBrowsing, button: string | RegExp): Promise<void> {
  await Promise.all([
    browsing.page.waitForNavigation(),
    browsing.page
      .getByRole('button', typeof button === 'string' ? { name: button, exact: true } : { name: button })
      .click(),
  ])
}

export async function signIn(browsing: WatchedBrowsing, email: string, password: string): Promise<void> {
  const { page } = browsing
  await browsing.goto('/sign-in')
  await browsing.checkPage()
  await page.locator('input[name="email"]').fill(email)
  await page.locator('input[name="password"]').fill(password)
  await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: 'Sign in', exact: true }).click(),
  ])
}

export async function expectHomePageOf(browsing: WatchedBrowsing, displayName: string): Promise<void> {
  const { page } = browsing
  assert.equal(new URL(page.url()).pathname, '/home', `expected the home page, not ${page.url()}`)
  await browsing.checkPage()
  assert.equal((await page.locator('h1').innerText()).trim(), `Welcome, ${displayName}`)
}

/** Follows every link in the service navigation, from one page to the next, checking each. */
export async function followServiceNavigation(browsing: WatchedBrowsing): Promise<string[]> {
  const { page } = browsing
  const links = page.locator('a.govuk-service-navigation__link')
  const hrefs = await links.evaluateAll((anchors) =>
    anchors.map((anchor) => anchor.getAttribute('href') ?? ''),
  )
  assert.ok(hrefs.length > 0, 'the service navigation has links')
  for (const href of hrefs) {
    await Promise.all([
      page.waitForNavigation(),
      page.locator(`a.govuk-service-navigation__link[href="${href}"]`).click(),
    ])
    assert.equal(new URL(page.url()).pathname, href, `following ${href} in the navigation`)
    await browsing.checkPage()
    assert.equal(await page.locator('h1').count(), 1, `${href} has one main heading`)
  }
  return hrefs
}

export async function signOut(browsing: WatchedBrowsing): Promise<void> {
  const { page } = browsing
  await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: 'Sign out', exact: true }).click(),
  ])
  assert.equal(
    new URL(page.url()).pathname,
    '/sign-in',
    `signing out ends on the sign-in page, not ${page.url()}`,
  )
  await browsing.checkPage()
  assert.match(await page.locator('main').innerText(), /You have signed out/)
}
