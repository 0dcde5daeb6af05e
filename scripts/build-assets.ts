/** Builds the CSS and the page script into public/build. Run by `npm start` and the tests. */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as sass from 'sass'
import { build } from 'esbuild'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const out = path.join(root, 'public/build')
fs.mkdirSync(out, { recursive: true })

const css = sass.compile(path.join(root, 'src/server/assets/app.scss'), {
  importers: [new sass.NodePackageImporter(root)],
  loadPaths: [root],
  style: 'compressed',
  quietDeps: true,
  silenceDeprecations: ['import', 'global-builtin', 'mixed-decls', 'color-functions', 'slash-div', 'if-function'] as sass.DeprecationOrId[],
  logger: sass.Logger.silent,
})
fs.writeFileSync(path.join(out, 'app.css'), css.css)

await build({
  entryPoints: [path.join(root, 'src/server/assets/app.ts')],
  bundle: true,
  format: 'esm',
  minify: true,
  target: 'es2020',
  outfile: path.join(out, 'app.js'),
  logLevel: 'warning',
})

// The map page's island, with MapLibre and its stylesheet (map.js, map.css), so no other page loads them.
await build({
  entryPoints: { map: path.join(root, 'src/server/assets/map.ts') },
  bundle: true,
  format: 'esm',
  minify: true,
  target: 'es2020',
  outdir: out,
  logLevel: 'warning',
})
// MapLibre starts its worker from this file, same origin (worker-src 'self' on the map page only).
fs.copyFileSync(path.join(root, 'node_modules/maplibre-gl/dist/maplibre-gl-worker.mjs'), path.join(out, 'maplibre-gl-worker.mjs'))

fs.writeFileSync(
  path.join(out, 'favicon.svg'),
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1d70b8"/><path d="M9 8v10a7 7 0 0 0 14 0V8h-4v10a3 3 0 0 1-6 0V8z" fill="#fff"/></svg>',
)
console.log(`Assets built in ${path.relative(root, out)}`)
