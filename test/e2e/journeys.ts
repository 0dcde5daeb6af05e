import assert from 'node:assert/strict'
import type { WatchedBrowsing } from '../browser.ts'

/** Steps the journeys share, written as a person would take them, checking each page reached. */

/** A hang becomes a failure with a name: starting a server and browser, and each group of journeys. */
export const START_TIMEOUT = { timeout: 120_000 }
export const JOURNEYS_TIMEOUT_MS = 240_000

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
