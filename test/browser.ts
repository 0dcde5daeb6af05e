import { createHash } from 'node:crypto'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import type { AxeResults, RunOptions } from 'axe-core'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

/**
 * Debian's Chromium driven by playwright-core, and the checks every end-to-end page gets:
 * axe (WCAG 2.2 A and AA), no Content Security Policy violation, no script error, no failed
 * asset, and no request to anywhere but the server under test.
 */
export const CHROMIUM = '/usr/bin/chromium'

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const AXE_OPTIONS: RunOptions = {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
  resultTypes: ['violations'],
}

/**
 * Pages already found clean, by their markup with the per-request tokens taken out: the
 * sign-in page every role passes through is checked once per JavaScript setting, not seven times.
 */
const pagesFoundAccessible = new Set<string>()

function markupKey(javaScriptEnabled: boolean, html: string): string {
  const stable = html.replace(/nonce="[^"]*"/g, '').replace(/name="_csrf" value="[^"]*"/g, '')
  return `${javaScriptEnabled}:${createHash('sha256').update(stable).digest('hex')}`
}

/** Each launch gets a fresh temporary profile from playwright, removed again on close. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--enable-unsafe-swiftshader',
    ],
  })
}

const VIEWPORT = { width: 1280, height: 900 }

async function runAxe(page: Page): Promise<AxeResults> {
  const hasAxe = await page.evaluate(
    () => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined',
  )
  if (!hasAxe) await page.evaluate(axeSource)
  return page.evaluate(
    (options) =>
      (
        window as unknown as { axe: { run(context: Document, options: RunOptions): Promise<AxeResults> } }
      ).axe.run(document, options),
    AXE_OPTIONS,
  )
}

/** Nothing may leave the machine: requests elsewhere are refused (and reported by the watcher). */
async function refuseOffSiteRequests(
  context: BrowserContext,
  isLocal: (url: string) => boolean,
): Promise<void> {
  await context.route(
    (url) => !isLocal(url.href),
    (route) => route.abort('blockedbyclient'),
  )
}

/**
 * One page per browser, with JavaScript on, where copies of JavaScript-off pages are checked.
 * Journeys may run at once, so the copies take turns.
 */
class CopyPage {
  private page: Promise<Page> | undefined
  private turn: Promise<unknown> = Promise.resolve()
  private html = ''
  private origin = ''

  constructor(private readonly browser: Browser) {}

  check(url: string, html: string): Promise<AxeResults> {
    const result = this.turn.then(async () => {
      const page = await (this.page ??= this.open())
      this.html = html
      const address = new URL(url)
      this.origin = address.origin
      // Without the fragment, so that the copy is always fetched, never scrolled to.
      address.hash = ''
      await page.goto(address.href)
      return runAxe(page)
    })
    this.turn = result.catch(() => undefined)
    return result
  }

  private async open(): Promise<Page> {
    const context = await this.browser.newContext({ viewport: VIEWPORT, serviceWorkers: 'block' })
    await refuseOffSiteRequests(
      context,
      (url) => url.startsWith(`${this.origin}/`) || url.startsWith('data:'),
    )
    const page = await context.newPage()
    await page.route(
      () => true,
      (route) =>
        route.request().isNavigationRequest()
          ? route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: this.html })
          : route.fallback(),
    )
    return page
  }
}

const copyPages = new WeakMap<Browser, CopyPage>()

function copyPageOf(browser: Browser): CopyPage {
  let copyPage = copyPages.get(browser)
  if (!copyPage) copyPages.set(browser, (copyPage = new CopyPage(browser)))
  return copyPage
}

/** One browser context (its own cookies) watched for everything a page must not do. */
export class WatchedBrowsing {
  /** Everything that went wrong since the last check, one line each. */
  readonly problems: string[] = []
  /** The HTTP status of the last page (main-frame document) loaded. */
  lastPageStatus = 0

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly origin: string,
    readonly javaScriptEnabled: boolean,
  ) {}

  static async open(
    browser: Browser,
    origin: string,
    options: { javaScriptEnabled: boolean },
  ): Promise<WatchedBrowsing> {
    const context = await browser.newContext({
      baseURL: origin,
      javaScriptEnabled: options.javaScriptEnabled,
      serviceWorkers: 'block',
      viewport: VIEWPORT,
    })
    context.setDefaultTimeout(10_000)
    context.setDefaultNavigationTimeout(15_000)
    const page = await context.newPage()
    const watched = new WatchedBrowsing(context, page, origin, options.javaScriptEnabled)
    watched.watch()
    await refuseOffSiteRequests(context, (url) => watched.isLocal(url))
    return watched
  }

  isLocal(url: string): boolean {
    return (
      url === this.origin ||
      url.startsWith(`${this.origin}/`) ||
      url.startsWith('data:') ||
      url.startsWith('blob:')
    )
  }

  private watch(): void {
    this.context.on('request', (request) => {
      if (!this.isLocal(request.url()))
        this.problems.push(`request to somewhere other than the test server: ${request.url()}`)
    })
    this.context.on('response', (response) => {
      const request = response.request()
      if (request.isNavigationRequest() && request.frame() === this.page.mainFrame()) {
        this.lastPageStatus = response.status()
      } else if (response.status() >= 400) {
        this.problems.push(
          `${request.resourceType()} ${request.url()} failed with ${response.status()} on ${this.page.url()}`,
        )
      }
    })
    this.page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text()))
        this.problems.push(`CSP violation on ${this.page.url()}: ${message.text()}`)
    })
    this.page.on('pageerror', (error) =>
      this.problems.push(`script error on ${this.page.url()}: ${error.message}`),
    )
  }

  /** Opens a path on the test server and returns the status of the page. */
  async goto(pathname: string): Promise<number> {
    const response = await this.page.goto(pathname)
    return response?.status() ?? 0
  }

  /** Fails with every violation axe finds on the current page: rule, impact, targets, URL. */
  async expectAccessible(): Promise<void> {
    await this.page.waitForLoadState('load')
    const url = this.page.url()
    const html = await this.page.content()
    const key = markupKey(this.javaScriptEnabled, html)
    if (pagesFoundAccessible.has(key)) return
    const results = this.javaScriptEnabled ? await runAxe(this.page) : await this.runAxeOnCopy(html)
    if (!results.violations.length) pagesFoundAccessible.add(key)
    if (results.violations.length) {
      const lines = results.violations.map(
        (violation) =>
          `  ${violation.id} (${violation.impact ?? 'no impact given'}): ${violation.help}\n` +
          violation.nodes.map((node) => `      at ${node.target.map(String).join(' ')}`).join('\n'),
      )
      throw new Error(`axe found ${results.violations.length} violation(s) on ${url}:\n${lines.join('\n')}`)
    }
  }

  /**
   * With JavaScript off the page cannot run axe (timers never fire), so axe runs on a copy of
   * the page as the browser shows it: same URL, same stylesheets and images, in a page where
   * scripts may run but the copy has none (they never ran here either) and each <noscript>
   * is shown, as it is with JavaScript off.
   */
  private runAxeOnCopy(shown: string): Promise<AxeResults> {
    const html = shown
      .replace(/<script\b[\s\S]*?<\/script>/gi, '')
      .replace(/<noscript\b/gi, '<div data-noscript')
      .replace(/<\/noscript>/gi, '</div>')
    return copyPageOf(this.context.browser()!).check(this.page.url(), html)
  }

  /** Fails if anything was reported since the last check, and starts a fresh list. */
  expectNoProblems(): void {
    const found = this.problems.splice(0)
    if (found.length) throw new Error(`problems while browsing:\n  ${found.join('\n  ')}`)
  }

  /** What every page reached gets: the expected status (200 unless told), axe, and the watch list. */
  async checkPage(expected: { status?: number } = {}): Promise<void> {
    const status = expected.status ?? 200
    if (this.lastPageStatus !== status) {
      throw new Error(`${this.page.url()} answered ${this.lastPageStatus}, expected ${status}`)
    }
    await this.expectAccessible()
    this.expectNoProblems()
  }

  /** Opens a fresh context, runs the steps, and closes it whatever happens. */
  static async during(
    browser: Browser,
    origin: string,
    options: { javaScriptEnabled: boolean },
    steps: (browsing: WatchedBrowsing) => Promise<void>,
  ): Promise<void> {
    const browsing = await WatchedBrowsing.open(browser, origin, options)
    try {
      await steps(browsing)
      browsing.expectNoProblems()
    } finally {
      await browsing.close()
    }
  }

  async close(): Promise<void> {
    await this.context.close()
  }
}
