import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Browser } from 'playwright-core'
import { launchBrowser, WatchedBrowsing } from '../../../../test/browser.ts'
import { JOURNEYS_TIMEOUT_MS, START_TIMEOUT, signIn } from '../../../../test/e2e/journeys.ts'
import { startServerProcess, type ServerProcess } from '../../../../test/server-process.ts'
import { POLICE_UK_STREET_COLUMNS } from '../formats/police-uk-street.ts'

/**
 * An analyst opens the incident map (the demo's incidents, drawn by MapLibre from this server
 * alone) and uploads a file, watching its import to the end.
 */
let server: ServerProcess
let browser: Browser
let folder: string

/** The number of incidents the server holds, from its API's own count (not the map's query). */
async function incidentCount(browsing: WatchedBrowsing): Promise<number> {
  const answer = await browsing.context.request.get(`${server.url}/api/v1/incidents/h3`, {
    headers: { accept: 'application/json' },
  })
  assert.equal(answer.status(), 200, await answer.text())
  return ((await answer.json()) as { total: number }).total
}

before(async () => {
  ;[server, browser] = await Promise.all([startServerProcess(), launchBrowser()])
  folder = await mkdtemp(path.join(os.tmpdir(), 'upstream-e2e-upload-'))
}, START_TIMEOUT)

after(async () => {
  await browser?.close()
  await server?.stop()
  if (folder) await rm(folder, { recursive: true, force: true })
})

async function tableFigures(browsing: WatchedBrowsing) {
  const { page } = browsing
  const counts = await page
    .locator('#cell-counts tbody td[data-count]')
    .evaluateAll((cells) => cells.map((cell) => Number(cell.getAttribute('data-count'))))
  const total = Number(await page.locator('#cell-total').getAttribute('data-count'))
  const totals = await page.locator('#map-totals').innerText()
  const withoutLocation = Number(/(\d[\d,]*) have no location/.exec(totals)?.[1]?.replaceAll(',', '') ?? 0)
  return { counts, total, withoutLocation }
}

describe('the incident map and the upload page', { timeout: JOURNEYS_TIMEOUT_MS }, () => {
  test('with JavaScript on, the map draws the same cells as its table, from this server alone', () =>
    WatchedBrowsing.during(browser, server.url, { javaScriptEnabled: true }, async (browsing) => {
      const { page } = browsing
      const analyst = server.demoUser('analyst')
      await signIn(browsing, analyst.email, analyst.password)
      await browsing.goto('/data/map')
      await page.locator('#incident-map[data-map-state="drawn"]').waitFor({ timeout: 30_000 })
      await browsing.checkPage()

      const canvas = page.locator('#incident-map canvas')
      const box = await canvas.boundingBox()
      assert.ok(box && box.width > 100 && box.height > 100, 'the map canvas is on the page')
      await canvas.focus()
      assert.equal(
        await page.evaluate(() => document.activeElement?.tagName),
        'CANVAS',
        'the map takes the keyboard',
      )
      assert.match((await canvas.getAttribute('aria-label')) ?? '', /same counts are in the table/)

      const figures = await tableFigures(browsing)
      assert.equal(
        figures.counts.reduce((a, b) => a + b, 0),
        figures.total,
      )
      assert.equal(
        figures.total + figures.withoutLocation,
        await incidentCount(browsing),
        'every incident is on the map or said to have no location',
      )
      assert.ok((await page.locator('#map-legend li').count()) >= 2, 'a colour legend')
    }))

  test('with JavaScript off, the table is the page', () =>
    WatchedBrowsing.during(browser, server.url, { javaScriptEnabled: false }, async (browsing) => {
      const { page } = browsing
      const analyst = server.demoUser('analyst')
      await signIn(browsing, analyst.email, analyst.password)
      await browsing.goto('/data/map?resolution=7')
      await browsing.checkPage()
      assert.equal(await page.locator('#incident-map').isVisible(), false, 'no empty map box')
      const figures = await tableFigures(browsing)
      assert.ok(figures.counts.length > 0)
      assert.equal(figures.total + figures.withoutLocation, await incidentCount(browsing))
    }))

  test('an uploaded file is imported while its progress page follows it to "completed"', () =>
    WatchedBrowsing.during(browser, server.url, { javaScriptEnabled: true }, async (browsing) => {
      const { page } = browsing
      const rows = Array.from(
        { length: 25 },
        (_, i) =>
          `e2e-upload-${i},2023-06,City of London Police,City of London Police,-0.0${80 + i},51.51${i % 10},On or near Cheapside,E01000001,City of London 001A,Burglary,Under investigation,`,
      )
      const file = path.join(folder, 'june-extract.csv')
      await writeFile(file, `${POLICE_UK_STREET_COLUMNS.join(',')}\n${rows.join('\n')}\n`)

      const analyst = server.demoUser('analyst')
      await signIn(browsing, analyst.email, analyst.password)
      await browsing.goto('/data/upload')
      await browsing.checkPage()
      await page.locator('input[name="file"]').setInputFiles(file)
      await Promise.all([
        page.waitForURL(/\/data\/upload\/[0-9a-f-]{36}$/),
        page.getByRole('button', { name: 'Upload and import' }).click(),
      ])
      await page.locator('#upload-heading', { hasText: 'Import completed' }).waitFor({ timeout: 60_000 })
      await browsing.checkPage()
      assert.equal((await page.locator('#upload-status').innerText()).trim(), 'completed')
      const summary = await page.locator('#upload-summary').innerText()
      assert.match(summary, /Rows added\s+25/)
      assert.match(summary, /Rows rejected\s+0/)
      assert.match(
        (await page.locator('a[href^="/data/runs/"]').getAttribute('href')) ?? '',
        /^\/data\/runs\/\d+$/,
      )
      assert.match(await page.locator('.govuk-caption-l').innerText(), /june-extract\.csv/)
    }))
})
