import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import type { Browser } from 'playwright-core'
import { backends, type TestDatabase } from '../../../../../test/backends.ts'
import { testApp } from '../../../../../test/app.ts'
import { launchBrowser, WatchedBrowsing } from '../../../../../test/browser.ts'
import { createUser } from '../../../../../test/factories.ts'

/**
 * WCAG 2.2.1: two minutes (or more) before the idle timeout the page warns and offers to stay
 * signed in. The browser's clock is Playwright's fake clock, so no test waits in real time.
 */
const backend = backends()[0]!

describe('the idle-timeout warning in a browser', () => {
  let database: TestDatabase
  let app: FastifyInstance
  let browser: Browser
  let origin: string
  before(async () => {
    database = await backend.create()
    ;({ app } = await testApp(database))
    origin = await app.listen({ port: 0, host: '127.0.0.1' })
    browser = await launchBrowser()
  })
  after(async () => {
    await browser?.close()
    await app?.close()
    await database?.close()
  })

  test('a dialog warns before the idle timeout and "Stay signed in" extends the session', async () => {
    const user = await createUser(database.db)
    const browsing = await WatchedBrowsing.open(browser, origin, { javaScriptEnabled: true })
    try {
      const page = browsing.page
      await page.clock.install()
      await browsing.goto('/sign-in')
      await page.getByLabel('Email address').fill(user.email)
      await page.getByLabel('Password', { exact: true }).fill(user.password)
      await page.getByRole('button', { name: 'Sign in', exact: true }).click()
      await page.waitForURL(`${origin}/home`)
      const dialog = page.getByRole('dialog', { name: 'You’re about to be signed out' })

      await page.clock.fastForward('26:00')
      assert.equal(await dialog.isVisible(), false)
      await page.clock.fastForward('01:30')
      await dialog.waitFor({ state: 'visible' })
      await browsing.expectAccessible()

      const keepAlive = page.waitForResponse((response) => response.url().endsWith('/account/keep-alive'))
      await dialog.getByRole('button', { name: 'Stay signed in' }).click()
      const response = await keepAlive
      assert.equal(response.status(), 200)
      assert.match(String(response.headers()['content-type']), /application\/json/)
      await dialog.waitFor({ state: 'hidden' })
      assert.equal(page.url(), `${origin}/home`)
      browsing.expectNoProblems()
    } finally {
      await browsing.close()
    }
  })
})
