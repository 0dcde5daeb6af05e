import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const WORKER_BUNDLE_DIR = path.join(PROJECT_ROOT, 'node_modules/.cache/upstream-workers')

/** What worker-bundle.ts writes beside each bundle. */
export interface WorkerBundleManifest {
  /** The bundle file's name in WORKER_BUNDLE_DIR. */
  readonly bundle: string
  /** Every file the bundle was made from (and its builder), relative to the root, with its SHA-256. */
  readonly inputs: Readonly<Record<string, string>>
}

export function fileHash(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex')
}

/** The manifest's name: one per entry point, whatever its content. */
export function manifestPath(entry: string): string {
  const key = createHash('sha256').update(path.relative(PROJECT_ROOT, entry)).digest('hex').slice(0, 12)
  return path.join(WORKER_BUNDLE_DIR, `${path.basename(entry, '.ts')}-${key}.json`)
}

/** The bundle of an entry point if every file it was made from is unchanged. */
export function freshWorkerBundle(entry: string): string | undefined {
  try {
    const manifest = JSON.parse(fs.readFileSync(manifestPath(entry), 'utf8')) as WorkerBundleManifest
    const bundle = path.join(WORKER_BUNDLE_DIR, manifest.bundle)
    if (!fs.existsSync(bundle)) return undefined
    for (const [file, hash] of Object.entries(manifest.inputs)) {
      if (fileHash(path.join(PROJECT_ROOT, file)) !== hash) return undefined
    }
    return bundle
  } catch {
    return undefined
  }
}

/** Checked once per thread: a running process keeps the code it started with, as Node's module cache does. */
const bundles = new Map<string, string>()

function workerBundle(entry: string): string {
  let bundle = bundles.get(entry) ?? freshWorkerBundle(entry)
  if (!bundle) {
    execFileSync(
      process.execPath,
      ['--import', 'tsx', path.join(PROJECT_ROOT, 'src/worker-bundle.ts'), entry],
      {
        cwd: PROJECT_ROOT,
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    )
    bundle = freshWorkerBundle(entry)
    if (!bundle) throw new Error(`the worker bundle of ${entry} was not written to ${WORKER_BUNDLE_DIR}`)
  }
  bundles.set(entry, bundle)
  return bundle
}

/** Registers tsx's loader in the thread, resolved from here so that any working directory will do, then imports the module. */
function tsxWorkerSource(moduleUrl: string): string {
  return (
    `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})` +
    `.then(({ register }) => { register(); return import(${JSON.stringify(moduleUrl)}) })`
  )
}

/** Entry points whose bundle could not be built: tried once per thread, not at every start. */
const unbundled = new Set<string>()

/**
 * The source of a worker thread that runs a TypeScript module: it imports the module's bundle
 * (worker-bundle.ts), built here when missing or out of date, so the thread loads one plain
 * JavaScript file rather than registering tsx and compiling the module graph (Node 20 workers do
 * not get `--import tsx` from execArgv either). Where no bundle can be written (a read-only
 * node_modules), the thread compiles through tsx as before. Start it with
 * `new Worker(source, { eval: true })`.
 *
 * @param moduleUrl the worker module, as `import.meta.resolve('./the-worker.ts')` in its caller
 */
export function typeScriptWorkerSource(moduleUrl: string): string {
  const entry = fileURLToPath(moduleUrl)
  if (unbundled.has(entry)) return tsxWorkerSource(moduleUrl)
  try {
    return `import(${JSON.stringify(pathToFileURL(workerBundle(entry)).href)})`
  } catch (error) {
    unbundled.add(entry)
    process.emitWarning(`${path.basename(entry)} starts through tsx (slower): ${(error as Error).message}`)
    return tsxWorkerSource(moduleUrl)
  }
}
