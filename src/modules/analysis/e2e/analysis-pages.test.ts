import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Browser } from 'playwright-core'
import { launchBrowser, WatchedBrowsing } from '../../../../test/browser.ts'
import { JOURNEYS_TIMEOUT_MS, START_TIMEOUT, signIn } from '../../../../test/e2e/journeys.ts'
import { startServerProcess, type ServerProcess } from '../../../../test/server-process.ts'

/**
 * An analyst runs analyses over the demo's incidents (the City of London police.uk street files
 * of April and May 2023, loaded by the development server): chooses a method, gets a bad value
 * back on the form, follows the run to its end with and without JavaScript, and reads the result
 * on the map and in the table, by H3 cell and by the demo's neighbourhoods (whose boundaries the
 * server loads). Every page reached passes axe.
 */
let server: ServerProcess
let browser: Browser

before(async () => {
  // Both are kept even if the other fails to start, so that after() can stop what did start.
  const [started, launched] = await Promise.allSettled([startServerProcess(), launchBrowser()])
  if (started.status === 'fulfilled') server = started.value
  if (launched.status === 'fulfilled') browser = launched.value
  for (const outcome of [started, launched]) if (outcome.status === 'rejected') throw outcome.reason
}, START_TIMEOUT)

after(async () => {
  await browser?.close()
  await server?.stop()
})

const RUN_PAGE = /\/analysis\/runs\/\d+$/
const FINISHED = ['Completed', 'Failed', 'Cancelled']

async function signInAsAnalyst(browsing: WatchedBrowsing): Promise<void> {
  const analyst = server.demoUser('analyst')
  await signIn(browsing, analyst.email, analyst.password)
}

async function runStatus(browsing: WatchedBrowsing): Promise<string> {
  return (await browsing.page.locator('#run-status').innerText()).trim()
}

/** Opens a method's form from the analysis page, as the analyst would. */
async function openMethod(browsing: WatchedBrowsing, title: string): Promise<void> {
  const { page } = browsing
  await browsing.goto('/analysis')
  await browsing.checkPage()
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: title, exact: true }).click()])
  await browsing.checkPage()
  assert.equal((await page.locator('h1').innerText()).trim(), title)
  assert.ok(
    (await page.locator('#method-question').innerText()).length > 20,
    'the form says what the method answers',
  )
}

async function submitForm(browsing: WatchedBrowsing): Promise<void> {
  const { page } = browsing
  await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: 'Run the analysis' }).click(),
  ])
}

/** With JavaScript on the page asks for the status and reloads itself when the run has ended. */
async function waitForTheEnd(browsing: WatchedBrowsing): Promise<void> {
  await browsing.page
    .locator('#run-status', { hasText: new RegExp(`^\\s*(${FINISHED.join('|')})\\s*$`) })
    .waitFor({ timeout: 90_000 })
}

/**
 * Gi* with many permutations: about a second of work here, so that the run page opens before the
 * run ends. Each seed is a run of its own (the same request would get the stored result).
 */
async function fillLongRun(browsing: WatchedBrowsing, seed: number): Promise<void> {
  await browsing.page.locator('input[name="permutations"]').fill('49999')
  await browsing.page.locator('input[name="seed"]').fill(String(seed))
}

async function resultRows(browsing: WatchedBrowsing): Promise<string[][]> {
  return browsing.page
    .locator('#result-table tbody tr')
    .evaluateAll((rows) =>
      rows.map((row) => Array.from(row.querySelectorAll('td'), (cell) => cell.textContent!.trim())),
    )
}

async function columnLabels(browsing: WatchedBrowsing): Promise<string[]> {
  return browsing.page
    .locator('#result-table thead th')
    .evaluateAll((headers) => headers.map((header) => header.textContent!.trim()))
}

describe('the analysis pages', { timeout: JOURNEYS_TIMEOUT_MS }, () => {
  test('with JavaScript on, Gi* with the defaults is followed to its end and drawn on the map beside its table', () =>
    WatchedBrowsing.during(browser, server.url, { javaScriptEnabled: true }, async (browsing) => {
      const { page } = browsing
      await signInAsAnalyst(browsing)
      await openMethod(browsing, 'Hotspots (Getis-Ord Gi*)')
      assert.match(await page.locator('#method-defaults').innerText(), /H3 resolution 9/)

      // A value out of range comes back named, with the error summary, and makes no run.
      await page.locator('input[name="rings"]').fill('11')
      await submitForm(browsing)
      await browsing.checkPage({ status: 400 })
      assert.match(await page.title(), /^Error: Hotspots/)
      const summary = page.locator('.govuk-error-summary')
      assert.equal(await summary.count(), 1, 'one error summary')
      assert.ok(await summary.isVisible())
      assert.equal(await summary.locator('a[href="#rings"]').count(), 1, 'the summary links to the field')
      assert.equal(await page.locator('input[name="rings"]').inputValue(), '11', 'the value typed is kept')

      // With every parameter left at its default.
      await page.locator('input[name="rings"]').fill('')
      await submitForm(browsing)
      assert.match(page.url(), RUN_PAGE)
      await browsing.checkPage()
      await waitForTheEnd(browsing)
      assert.equal(await runStatus(browsing), 'Completed')
      await page.locator('#incident-map[data-map-state="drawn"]').waitFor({ timeout: 30_000 })
      await browsing.checkPage()

      const rows = await resultRows(browsing)
      assert.ok(rows.length > 0, 'the table has the cells')
      assert.deepEqual((await columnLabels(browsing)).slice(0, 2), ['Cell', 'Count'])
      const canvas = page.locator('#incident-map canvas')
      const box = await canvas.boundingBox()
      assert.ok(box && box.width > 100 && box.height > 100, 'the map canvas is on the page')
      assert.match((await canvas.getAttribute('aria-label')) ?? '', /same figures are in the table/)
      assert.equal(await page.locator('#map-legend li').count(), 7, 'a legend with the seven classes')
      assert.match(await page.locator('#result-explanation').innerText(), /hot-99/)

      // The map as a GeoJSON file: the same cells as the table, each with its class.
      const href = (await page.locator('#result-geojson').getAttribute('href'))!
      assert.match(href, /\/map\.geojson\?download=1$/)
      const download = await browsing.context.request.get(`${server.url}${href}`)
      assert.equal(download.status(), 200)
      assert.match(download.headers()['content-type'] ?? '', /^application\/geo\+json/)
      assert.match(
        download.headers()['content-disposition'] ?? '',
        /^attachment; filename="gi-star-run-\d+-map\.geojson"/,
      )
      const features = (
        (await download.json()) as { features: { properties: { cell: string; value: string } }[] }
      ).features
      const classColumn = (await columnLabels(browsing)).indexOf('Class')
      assert.deepEqual(
        features.map((feature) => [feature.properties.cell, feature.properties.value]).sort(),
        rows.map((row) => [row[0], row[classColumn]]).sort(),
      )
      // The page's own map reads the same address without being asked to save a file.
      const shown = await browsing.context.request.get(`${server.url}${href.replace(/\?download=1$/, '')}`)
      assert.equal(shown.headers()['content-disposition'], undefined)
    }))

  test('with JavaScript on, the run page asks for the status and shows the result when the run ends', () =>
    WatchedBrowsing.during(browser, server.url, { javaScriptEnabled: true }, async (browsing) => {
      const { page } = browsing
      await signInAsAnalyst(browsing)
      await openMethod(browsing, 'Hotspots (Getis-Ord Gi*)')
      await fillLongRun(browsing, 2)
      const statusRequests: string[] = []
      page.on('request', (request) => {
        if (request.url().endsWith('/status')) statusRequests.push(request.url())
      })
      await submitForm(browsing)
      assert.match(page.url(), RUN_PAGE)
      await browsing.checkPage()
      assert.match(await runStatus(browsing), /^(Waiting to start|Running)$/, 'the run is still going')
      assert.equal(
        await page.locator('#run-refresh').isVisible(),
        false,
        'the script follows the run instead',
      )
      await waitForTheEnd(browsing)
      assert.equal(await runStatus(browsing), 'Completed')
      assert.ok(statusRequests.length > 0, 'the page asked for the status')
      assert.ok(statusRequests.every((url) => url === `${page.url()}/status`))
      await page.locator('#incident-map[data-map-state="drawn"]').waitFor({ timeout: 30_000 })
      await browsing.checkPage()
      assert.ok((await resultRows(browsing)).length > 0)
    }))

  test('with JavaScript off, the Refresh button follows the run to its end, and the table is the result', () =>
    WatchedBrowsing.during(browser, server.url, { javaScriptEnabled: false }, async (browsing) => {
      const { page } = browsing
      await signInAsAnalyst(browsing)
      await openMethod(browsing, 'Hotspots (Getis-Ord Gi*)')
      await fillLongRun(browsing, 3)
      await submitForm(browsing)
      assert.match(page.url(), RUN_PAGE)
      const runUrl = page.url()
      // No reload on a timer (WCAG 2.2.1): the analyst asks again when they choose.
      assert.equal(await page.locator('meta[http-equiv="refresh"]').count(), 0)
      let refreshes = 0
      for (; ; refreshes++) {
        await browsing.checkPage()
        if (FINISHED.includes(await runStatus(browsing))) break
        assert.ok(refreshes < 60, 'the run ends within a minute or so')
        await page.waitForTimeout(1000)
        await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Refresh' }).click()])
        assert.equal(page.url(), runUrl)
      }
      assert.ok(refreshes > 0, 'the first page showed the run still going')
      assert.equal(await runStatus(browsing), 'Completed')
      assert.equal(await page.locator('#run-refresh').count(), 0, 'nothing left to refresh')
      assert.equal(await page.locator('#incident-map').isVisible(), false, 'no empty map box')
      assert.ok((await resultRows(browsing)).length > 0)
      assert.match(await page.locator('#result-explanation').innerText(), /not-significant/)
    }))

  test('counts grouped by neighbourhood are drawn as the neighbourhoods, with the figures of the table', () =>
    WatchedBrowsing.during(browser, server.url, { javaScriptEnabled: true }, async (browsing) => {
      const { page } = browsing
      await signInAsAnalyst(browsing)
      await openMethod(browsing, 'Counts and harm')
      await page.locator('select[name="unit"]').selectOption('lsoa')
      await page.locator('select[name="areaLevel"]').selectOption('neighbourhood')
      await submitForm(browsing)
      assert.match(page.url(), RUN_PAGE)
      await waitForTheEnd(browsing)
      assert.equal(await runStatus(browsing), 'Completed')
      await page.locator('#incident-map[data-map-state="drawn"]').waitFor({ timeout: 30_000 })
      await browsing.checkPage()

      assert.match(await page.locator('#map-description').innerText(), /the areas' boundaries/)
      const canvas = page.locator('#incident-map canvas')
      const box = await canvas.boundingBox()
      assert.ok(box && box.width > 100 && box.height > 100, 'the map canvas is on the page')
      assert.match((await canvas.getAttribute('aria-label')) ?? '', /same figures are in the table/)
      assert.ok((await page.locator('#map-legend li').count()) > 0, 'a legend')

      const rows = await resultRows(browsing)
      assert.equal((await columnLabels(browsing))[0], 'Area')
      assert.ok(rows.length > 1 && rows.every((row) => /^DEMO-N\d$/.test(row[0]!)), 'the demo neighbourhoods')
      const href = (await page.locator('#result-geojson').getAttribute('href'))!
      const collection = (await (await browsing.context.request.get(`${server.url}${href}`)).json()) as {
        features: { geometry: { type: string }; properties: Record<string, string> }[]
      }
      assert.deepEqual(
        collection.features.map((feature) => [
          feature.geometry.type,
          feature.properties.area,
          feature.properties.count,
        ]),
        rows.map((row) => ['Polygon', row[0], row[1]]),
        'each neighbourhood drawn with its count',
      )

      // By LSOA, which police.uk gives no polygons for: no empty map, but how to load boundaries.
      await openMethod(browsing, 'Counts and harm')
      await page.locator('select[name="unit"]').selectOption('lsoa')
      await submitForm(browsing)
      await waitForTheEnd(browsing)
      await browsing.checkPage()
      assert.equal(await page.locator('#incident-map').count(), 0, 'no map')
      assert.match(
        await page.locator('#map-no-boundaries').innerText(),
        /upstream areas load FILE\.geojson --level lsoa/,
      )
      assert.ok((await resultRows(browsing)).length > 0)
    }))

  test('a counts run shows its map and table, and a near-repeat run its table alone', () =>
    WatchedBrowsing.during(browser, server.url, { javaScriptEnabled: true }, async (browsing) => {
      const { page } = browsing
      await signInAsAnalyst(browsing)

      await openMethod(browsing, 'Counts and harm')
      await submitForm(browsing)
      assert.match(page.url(), RUN_PAGE)
      await waitForTheEnd(browsing)
      assert.equal(await runStatus(browsing), 'Completed')
      await page.locator('#incident-map[data-map-state="drawn"]').waitFor({ timeout: 30_000 })
      await browsing.checkPage()
      assert.ok((await resultRows(browsing)).length > 0)
      assert.deepEqual((await columnLabels(browsing)).slice(0, 3), ['Cell', 'Count', 'Harm'])
      assert.equal(await page.locator('#result-geojson').count(), 1)

      // police.uk dates are months: the same month, and the next one.
      await openMethod(browsing, 'Near repeats (Knox test)')
      await page.locator('input[name="timeBands"]').fill('0,1,32')
      await submitForm(browsing)
      assert.match(page.url(), RUN_PAGE)
      await waitForTheEnd(browsing)
      assert.equal(await runStatus(browsing), 'Completed')
      await browsing.checkPage()
      assert.equal(await page.locator('#incident-map').count(), 0, 'no map')
      assert.equal(await page.locator('#result-geojson').count(), 0, 'nothing to export as GeoJSON')
      const rows = await resultRows(browsing)
      assert.equal(rows.length, 4 * 2, 'one row per space band and time band')
      const labels = await columnLabels(browsing)
      for (const label of ['Observed', 'Expected', 'Ratio', 'P']) assert.ok(labels.includes(label), label)
      assert.match(await page.locator('#result-explanation').innerText(), /Knox ratio of 1\.5/)
    }))
})
