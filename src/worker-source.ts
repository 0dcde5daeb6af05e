/**
 * The source of a worker thread that runs a TypeScript module: it registers tsx's loader, resolved
 * from here so that any working directory will do, then imports the module (`--import tsx` in
 * execArgv does not reach a Node 20 worker's entry). Start it with `new Worker(source, { eval: true })`.
 *
 * @param moduleUrl the worker module, as `import.meta.resolve('./the-worker.ts')` in its caller
 */
export function typeScriptWorkerSource(moduleUrl: string): string {
  return (
    `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})` +
    `.then(({ register }) => { register(); return import(${JSON.stringify(moduleUrl)}) })`
  )
}
