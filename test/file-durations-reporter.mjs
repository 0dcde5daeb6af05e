/**
 * A test reporter that prints, per test file, the sum of its top-level tests' durations and the
 * time between its first and last event, longest first. Plain JavaScript: Node loads reporters
 * before any --import hook. Use it beside another reporter:
 *   node --import tsx --test --test-reporter=spec --test-reporter-destination=stdout \
 *     --test-reporter=./test/file-durations-reporter.mjs --test-reporter-destination=durations.txt FILES
 */
import path from 'node:path'
import { performance } from 'node:perf_hooks'

export default async function* fileDurations(source) {
  const files = new Map()
  for await (const event of source) {
    const file = event.data?.file
    if (!file) continue
    const now = performance.now()
    const timing = files.get(file) ?? { first: now, last: now, topLevel: 0, failed: 0 }
    timing.last = now
    if ((event.type === 'test:pass' || event.type === 'test:fail') && event.data.nesting === 0) {
      timing.topLevel += event.data.details?.duration_ms ?? 0
      if (event.type === 'test:fail') timing.failed++
    }
    files.set(file, timing)
  }
  const seconds = (ms) => `${(ms / 1000).toFixed(1).padStart(7)} s`
  for (const [file, timing] of [...files].sort(([, a], [, b]) => b.topLevel - a.topLevel)) {
    const failed = timing.failed ? `  (${timing.failed} failed)` : ''
    yield `${seconds(timing.topLevel)} ${seconds(timing.last - timing.first)} seen  ${path.relative(process.cwd(), file)}${failed}\n`
  }
}
