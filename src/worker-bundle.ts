/**
 * Bundles a worker thread's TypeScript module and everything of ours it imports into one ES module
 * (packages stay imports from node_modules), so that a worker starts by loading one file rather
 * than compiling the module graph through tsx's loader: about 1.3 s of CPU per worker before.
 *
 * Bundles live in node_modules/.cache/upstream-workers, each beside a manifest of the hash of every
 * file that went in; worker-source.ts uses a bundle only while its manifest still matches.
 * `node --import tsx src/worker-bundle.ts <entry.ts>...` builds them (worker-source.ts runs this
 * when a bundle is missing or stale; `npm test` runs it once before the suites start).
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build, type Plugin } from 'esbuild'
import {
  fileHash,
  manifestPath,
  PROJECT_ROOT,
  WORKER_BUNDLE_DIR,
  type WorkerBundleManifest,
} from './worker-source.ts'

/** The builder's own file counts as an input: a change to how bundles are made rebuilds them. */
const BUILDER_FILE = fileURLToPath(import.meta.url)

/**
 * Modules find files beside their source (`new URL('./x.txt', import.meta.url)`, nested workers
 * by `import.meta.resolve('./x-worker.ts')`), so each of our files keeps its own location in the
 * bundle rather than the bundle's. Only relative specifiers are resolved this way.
 */
const keepSourceLocation: Plugin = {
  name: 'keep-source-location',
  setup(builder) {
    builder.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined
      const url = JSON.stringify(pathToFileURL(args.path).href)
      const contents = fs
        .readFileSync(args.path, 'utf8')
        .replace(/import\.meta\.resolve\(/g, `((specifier) => new URL(specifier, ${url}).href)(`)
        .replace(/import\.meta\.url/g, url)
      return { contents, loader: 'ts' }
    })
  },
}

/** Builds the bundle of one worker entry point and writes it and its manifest (each atomically). */
export async function bundleWorker(entry: string): Promise<WorkerBundleManifest> {
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    keepNames: true,
    write: false,
    metafile: true,
    logLevel: 'warning',
    plugins: [keepSourceLocation],
  })
  const code = result.outputFiles[0]!.contents
  const inputs: Record<string, string> = {}
  for (const input of [
    ...Object.keys(result.metafile.inputs).map((file) => path.resolve(PROJECT_ROOT, file)),
    BUILDER_FILE,
  ]) {
    inputs[path.relative(PROJECT_ROOT, input)] = fileHash(input)
  }
  const contentKey = createHash('sha256').update(code).digest('hex').slice(0, 16)
  const manifest: WorkerBundleManifest = {
    bundle: `${path.basename(entry, '.ts')}-${contentKey}.mjs`,
    inputs,
  }
  fs.mkdirSync(WORKER_BUNDLE_DIR, { recursive: true })
  writeAtomically(path.join(WORKER_BUNDLE_DIR, manifest.bundle), code)
  writeAtomically(manifestPath(entry), JSON.stringify(manifest, null, 2))
  return manifest
}

/** Two processes may build the same bundle at once: each writes its own file and renames it into place. */
function writeAtomically(file: string, contents: string | Uint8Array): void {
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
  fs.writeFileSync(temporary, contents)
  fs.renameSync(temporary, file)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const entry of process.argv.slice(2)) await bundleWorker(path.resolve(entry))
}
