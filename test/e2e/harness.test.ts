import assert from 'node:assert/strict'
import http from 'node:http'
import { after, before, describe, test } from 'node:test'
import type { Browser } from 'playwright-core'
import { launchBrowser, WatchedBrowsing } from '../browser.ts'

/**
 * The checks the journeys rely on must really fail: a tiny server serves pages that break
 * each rule, and the harness has to notice.
 */
const PAGES: Record<string, string> = {
  '/inline-script': '<main><h1>Inline</h1></main><script>document.title = "ran"</script>',
  '/inline-style': '<main><h1 style="color: red">Inline style</h1></main>',
  '/off-site-image': '<main><h1>Off site</h1><img src="http://192.0.2.1/picture.png" alt="A picture"></main>',
  '/image-without-alt': '<main><h1>No alt</h1><img src="/picture.png"></main>',
  '/missing-stylesheet': '<main><h1>Missing</h1></main><link rel="stylesheet" href="/missing.css">',
}

function page(body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Harness</title></head><body>${body}</body></html>`
}

let server: http.Server
let origin: string
let browser: Browser

before(async () => {
  server = http.createServer((request, response) => {
    response.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' http://192.0.2.1",
    )
    const body = PAGES[request.url ?? '']
    if (request.url === '/picture.png') {
      response.setHeader('Content-Type', 'image/svg+xml')
      return response.end('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')
    }
    response.statusCode = body ? 200 : 404
    response.setHeader('Content-Type', 'text/html; charset=utf-8')
    response.end(page(body ?? '<main><h1>Not found</h1></main>'))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await new Promise((resolve) => server?.close(resolve))
})

async function problemsOn(path: string, javaScriptEnabled: boolean): Promise<string> {
  const watched = await WatchedBrowsing.open(browser, origin, { javaScriptEnabled })
  try {
    await watched.goto(path)
    await watched.page.waitForLoadState('load')
    return await watched.checkPage().then(
      () => '',
      (error: Error) => error.message,
    )
  } finally {
    await watched.close()
  }
}

for (const javaScriptEnabled of [true, false]) {
  describe(`the browser harness, JavaScript ${javaScriptEnabled ? 'on' : 'off'}`, () => {
    test('reports an inline script blocked by the Content Security Policy', async () => {
      const problems = await problemsOn('/inline-script', javaScriptEnabled)
      if (javaScriptEnabled) assert.match(problems, /CSP violation .*inline script/i)
      else assert.equal(problems, '', 'with JavaScript off the script is never run, so nothing is blocked')
    })

    test('reports an inline style blocked by the Content Security Policy', async () => {
      assert.match(await problemsOn('/inline-style', javaScriptEnabled), /CSP violation .*inline style/i)
    })

    test('reports and refuses a request to somewhere other than the test server', async () => {
      assert.match(
        await problemsOn('/off-site-image', javaScriptEnabled),
        /request to somewhere other than the test server: http:\/\/192\.0\.2\.1/,
      )
    })

    test('reports an accessibility violation with its rule, impact and target', async () => {
      assert.match(
        await problemsOn('/image-without-alt', javaScriptEnabled),
        /image-alt \(critical\)[\s\S]*at img/,
      )
    })

    test('reports an asset that failed to load', async () => {
      assert.match(
        await problemsOn('/missing-stylesheet', javaScriptEnabled),
        /stylesheet .*\/missing\.css failed with 404/,
      )
    })
  })
}

test('a page that answers 404 fails a check that expects 200', async () => {
  assert.match(await problemsOn('/no-such-page', true), /answered 404, expected 200/)
})
