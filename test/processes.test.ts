import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { after, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

/**
 * E4 (one writer per PGlite data folder), E5 (graceful shutdown) and start-up failures,
 * with real processes: the server as `npm start` runs it and the `upstream` CLI.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const START_TIMEOUT_MS = 90_000

interface Started {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

const running = new Set<ChildProcess>()
const folders: string[] = []

after(() => {
  for (const child of running) child.kill('SIGKILL')
  for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true })
})

function newDataFolder(): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'upstream-process-test-'))
  folders.push(folder)
  return folder
}

function environment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', UPSTREAM_DEMO_DATA: 'false', LOG_LEVEL: 'warn', ...extra }
  for (const name of ['DATABASE_URL', 'TEST_DATABASE_URL', 'NODE_ENV', 'DEBUG', 'UPSTREAM_SESSION_SECRET', 'NODE_TEST_CONTEXT']) {
    if (!(name in extra)) delete env[name]
  }
  return env
}

function run(args: string[], extra: Record<string, string>, stdin: 'ignore' | 'pipe' = 'ignore'): Started {
  const child = spawn(process.execPath, args, { cwd: root, env: environment(extra), stdio: [stdin, 'pipe', 'pipe'] })
  running.add(child)
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (chunk) => (stdout += chunk))
  child.stderr!.on('data', (chunk) => (stderr += chunk))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      running.delete(child)
      resolve({ code, signal })
    }),
  )
  return { child, stdout: () => stdout, stderr: () => stderr, exited }
}

const startServer = (dataDir: string, extra: Record<string, string> = {}) =>
  run(['--import', 'tsx', 'src/main.ts'], { UPSTREAM_DATA_DIR: dataDir, ...extra })

const runCli = async (dataDir: string, args: string[]) => {
  const cli = run(['bin/upstream.js', ...args], { UPSTREAM_DATA_DIR: dataDir })
  const { code } = await cli.exited
  return { code, stdout: cli.stdout(), stderr: cli.stderr() }
}

/** Waits until `found` returns a value from the process's output; rejects if the process exits first. */
function waitForOutput<T>(process: Started, found: (stdout: string) => T | undefined, timeoutMs = START_TIMEOUT_MS): Promise<T> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const value = found(process.stdout())
      if (value === undefined) return
      finish()
      resolve(value)
    }
    const timer = setTimeout(() => {
      finish()
      reject(new Error(`nothing expected in the output within ${timeoutMs} ms: ${process.stderr()}`))
    }, timeoutMs)
    const finish = () => {
      clearTimeout(timer)
      process.child.stdout!.off('data', check)
    }
    // Checked on each chunk, so a test can act the moment a line appears.
    process.child.stdout!.on('data', check)
    void process.exited.then(() => {
      finish()
      reject(new Error(`the process exited first: ${process.stderr()}`))
    })
    check()
  })
}

const addressOf = (server: Started) =>
  waitForOutput(server, (stdout) => /Upstream is running at (http:\/\/\S+)/.exec(stdout)?.[1])

const lines = (text: string) => text.trim().split('\n').filter(Boolean)
const lockFile = (dataDir: string) => path.join(dataDir, 'upstream.lock')

describe('one writer per data folder (E4)', () => {
  const dataDir = newDataFolder()
  let server: Started

  test('while the server runs, upstream db migrate refuses in one line naming the folder, with a non-zero code', async () => {
    server = startServer(dataDir)
    await addressOf(server)
    const refused = await runCli(dataDir, ['db', 'migrate'])
    assert.notEqual(refused.code, 0)
    assert.equal(lines(refused.stderr).length, 1, refused.stderr)
    assert.match(refused.stderr, new RegExp(`${dataDir}.*in use by process ${server.child.pid}`))
  })

  test('after the server is killed with SIGKILL, db migrate takes over the stale lock and succeeds', async () => {
    server.child.kill('SIGKILL')
    await server.exited
    assert.ok(fs.existsSync(lockFile(dataDir)), 'a killed server leaves its lock behind')
    const migrated = await runCli(dataDir, ['db', 'migrate'])
    assert.equal(migrated.code, 0, migrated.stderr)
    assert.match(migrated.stderr, new RegExp(`Taking over a stale lock on ${dataDir} left by process ${server.child.pid}`))
    assert.match(migrated.stdout, /up to date/)
    assert.ok(!fs.existsSync(lockFile(dataDir)))
  })
})

/**
 * Node code for a rival: says 'ready' once loaded, reads from stdin the instant at which to take
 * the lock, says whether it got it, and holds it until its stdin closes.
 */
const lockRival = (dataDir: string) => `
  import { once } from 'node:events'
  import { acquireDataFolderLock } from './src/db/data-folder-lock.ts'
  console.log('ready')
  const [chunk] = await once(process.stdin, 'data')
  const instant = Number(String(chunk))
  await new Promise((resolve) => setTimeout(resolve, instant - Date.now() - 5))
  while (Date.now() < instant) {}
  try {
    const lock = acquireDataFolderLock(${JSON.stringify(dataDir)}, 'lock race test', () => {})
    console.log('locked')
    process.stdin.on('end', () => lock.release())
  } catch {
    console.log('refused')
    process.exit(0)
  }`

test('of two processes taking the lock at the same instant, exactly one gets it (E4)', async () => {
  // Eight pairs, each lined up on its own instant once loaded; before the lock was written whole, about half the pairs both got it.
  const pairs = Array.from({ length: 8 }, () => {
    const code = lockRival(newDataFolder())
    return [0, 1].map(() => run(['--import', 'tsx', '--input-type=module', '--eval', code], {}, 'pipe'))
  })
  const rivals = pairs.flat()
  await Promise.all(rivals.map((rival) => waitForOutput(rival, (stdout) => (stdout.includes('ready') ? true : undefined))))
  const start = Date.now() + 100
  pairs.forEach((pair, index) => pair.forEach((rival) => rival.child.stdin!.write(String(start + index * 60))))
  const answered = (rival: Started) => waitForOutput(rival, (stdout) => /locked|refused/.exec(stdout)?.[0]).catch(() => rival.stderr())
  const answers = await Promise.all(pairs.map((pair) => Promise.all(pair.map(answered))))
  // Both have answered before either lets go, so a late rival cannot find the lock free.
  for (const rival of rivals) rival.child.stdin!.end()
  await Promise.all(rivals.map((rival) => rival.exited))
  for (const answer of answers) assert.deepEqual(answer.sort(), ['locked', 'refused'])
})

describe('two servers and a graceful stop (E4, E5)', () => {
  const dataDir = newDataFolder()
  let winner: Started
  let url: string

  test('of two servers started at once on one data folder, exactly one runs and the other exits naming the folder', async () => {
    // At info level the server logs each request it receives: the E5 test waits for those lines.
    const servers = [startServer(dataDir, { LOG_LEVEL: 'info' }), startServer(dataDir, { LOG_LEVEL: 'info' })]
    const loserIndex = await Promise.race(servers.map((server, index) => server.exited.then(() => index)))
    const loser = servers[loserIndex]!
    winner = servers[1 - loserIndex]!
    url = await addressOf(winner)
    const { code } = await loser.exited
    assert.notEqual(code, 0)
    assert.equal(lines(loser.stderr()).length, 1, loser.stderr())
    assert.match(loser.stderr(), new RegExp(`The data folder ${dataDir} is in use`))
    assert.equal(JSON.parse(fs.readFileSync(lockFile(dataDir), 'utf8')).pid, winner.child.pid)
  })

  test('on SIGTERM the server answers the requests it has received, exits 0 within 12 s and removes its lock', async () => {
    const receivedBefore = countReceived(winner.stdout())
    const answers = Array.from({ length: 20 }, () => getStatus(`${url}/`))
    await waitForOutput(winner, (stdout) => (countReceived(stdout) >= receivedBefore + 20 ? true : undefined), 10_000)
    const signalledAt = Date.now()
    winner.child.kill('SIGTERM')
    const results = await Promise.all(answers)
    const { code } = await winner.exited
    const stoppedWithin = Date.now() - signalledAt
    assert.deepEqual(results.filter((status) => status !== 200), [])
    assert.equal(code, 0, winner.stderr())
    assert.ok(stoppedWithin < 12_000, `stopped after ${stoppedWithin} ms`)
    assert.ok(!fs.existsSync(lockFile(dataDir)), 'the lock file is removed')
  })

  test('after a graceful stop the data folder opens cleanly and /health answers 200', async () => {
    const again = startServer(dataDir)
    const response = await fetch(`${await addressOf(again)}/health`)
    assert.equal(response.status, 200)
    assert.equal(((await response.json()) as { database: { ok: boolean } }).database.ok, true)
    again.child.kill('SIGTERM')
    assert.equal((await again.exited).code, 0)
  })
})

const countReceived = (stdout: string) => stdout.match(/"msg":"incoming request"/g)?.length ?? 0

/** A GET on its own connection: the status, or the error code if the connection failed. */
function getStatus(url: string): Promise<number | string> {
  return new Promise((resolve) => {
    const request = http.get(url, { agent: false }, (response) => {
      response.resume()
      response.on('end', () => resolve(response.statusCode ?? 0))
    })
    request.on('error', (error) => resolve((error as NodeJS.ErrnoException).code ?? error.message))
  })
}

test('a SIGTERM sent the moment the server says it is running is still a graceful stop', async () => {
  const dataDir = newDataFolder()
  const server = startServer(dataDir)
  await addressOf(server)
  server.child.kill('SIGTERM')
  assert.equal((await server.exited).code, 0, server.stderr())
  assert.ok(!fs.existsSync(lockFile(dataDir)))
})

describe('start-up failures are one line and a non-zero code', { concurrency: true }, () => {
  const goodSecret = 'a-production-secret-that-is-long-enough-1234'

  test('an unreachable DATABASE_URL names the host', async () => {
    const server = startServer(newDataFolder(), { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/x' })
    const { code } = await server.exited
    assert.notEqual(code, 0)
    assert.equal(lines(server.stderr()).length, 1, server.stderr())
    assert.match(server.stderr(), /127\.0\.0\.1:1/)
  })

  test('production without UPSTREAM_SESSION_SECRET refuses to start', async () => {
    const server = startServer(newDataFolder(), { NODE_ENV: 'production' })
    const { code } = await server.exited
    assert.notEqual(code, 0)
    assert.equal(lines(server.stderr()).length, 1, server.stderr())
    assert.match(server.stderr(), /UPSTREAM_SESSION_SECRET/)
  })

  test('production with DEBUG set refuses to start even with a good secret', async () => {
    const server = startServer(newDataFolder(), { NODE_ENV: 'production', DEBUG: '1', UPSTREAM_SESSION_SECRET: goodSecret })
    const { code } = await server.exited
    assert.notEqual(code, 0)
    assert.equal(lines(server.stderr()).length, 1, server.stderr())
    assert.match(server.stderr(), /DEBUG/)
  })
})
