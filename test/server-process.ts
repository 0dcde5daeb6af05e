import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { openPostgres } from '../src/db/connect.ts'
import { ROLE_LABELS, ROLES, type Role } from '../src/modules/platform/roles.ts'
import { copyTemplate, demoTemplate, templatesDir } from './demo-data-template.ts'

/**
 * The real server as a child process, as `npm start` runs it: development mode (so the demo
 * partnership is loaded), a fresh data folder, and a free port on 127.0.0.1. Under `npm test` the
 * fresh folder (and PostgreSQL database) is a copy of one the run's first server loaded the demo
 * data into (demo-data-template.ts), so the server skips the demo import.
 */
export interface DemoUser {
  role: Role
  email: string
  password: string
}

export interface ServerProcess {
  /** The origin the server listens on, e.g. http://127.0.0.1:41234 */
  url: string
  dataDir: string
  demoUsers: DemoUser[]
  demoUser(role: Role): DemoUser
  /** What the server printed so far (stdout and stderr), for failure messages. */
  output(): string
  stop(): Promise<void>
}

export interface ServerOptions {
  /** Run on this PostgreSQL database instead of the embedded PGlite data folder. */
  databaseUrl?: string
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const STARTUP_TIMEOUT_MS = 60_000
/** Building a template loads the demo data while every other file waits for it: allowed longer on a busy machine. */
const TEMPLATE_STARTUP_TIMEOUT_MS = 180_000
const STOP_TIMEOUT_MS = 15_000

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

/** Reads the lines describeCredentials writes: role label, email, password. */
export function parseDemoUsers(text: string): DemoUser[] {
  const roleByLabel = new Map(ROLES.map((role) => [ROLE_LABELS[role], role]))
  const users: DemoUser[] = []
  for (const line of text.split('\n')) {
    const match = /^\s+(.+?)\s+(\S+@\S+)\s+(\S+)\s*$/.exec(line)
    if (!match) continue
    const role = roleByLabel.get(match[1]!)
    if (!role) throw new Error(`demo-users.txt names an unknown role: '${match[1]}'`)
    users.push({ role, email: match[2]!, password: match[3]! })
  }
  return users
}

function childEnvironment(port: number, dataDir: string, databaseUrl: string | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const name of [
    'NODE_ENV',
    'DATABASE_URL',
    'UPSTREAM_DEMO_DATA',
    'HOST',
    'DEBUG',
    'UPSTREAM_SESSION_SECRET',
    'UPSTREAM_TRUST_PROXY',
  ]) {
    delete env[name]
  }
  return {
    ...env,
    PORT: String(port),
    UPSTREAM_DATA_DIR: dataDir,
    UPSTREAM_PUBLIC_URL: `http://127.0.0.1:${port}`,
    LOG_LEVEL: 'warn',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

async function waitForHealth(
  url: string,
  child: ChildProcess,
  output: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`the server exited with code ${child.exitCode} before it was healthy:\n${output()}`)
    try {
      const response = await fetch(`${url}/health`)
      if (response.status === 200) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`the server was not healthy within ${timeoutMs / 1000} s:\n${output()}`)
}

interface StartPlan {
  /** A template folder to copy into the fresh data folder before the server starts. */
  template?: string
  /** Start in this (empty) folder and leave it when stopped: for building a template. */
  keptDataDir?: string
}

async function startOnce(options: ServerOptions, plan: StartPlan = {}): Promise<ServerProcess> {
  const port = await freePort()
  const dataDir = plan.keptDataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'upstream-e2e-'))
  if (plan.template) copyTemplate(plan.template, dataDir)
  const url = `http://127.0.0.1:${port}`
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: childEnvironment(port, dataDir, options.databaseUrl),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let printed = ''
  const collect = (chunk: Buffer) => {
    printed = (printed + chunk.toString()).slice(-20_000)
  }
  child.stdout!.on('data', collect)
  child.stderr!.on('data', collect)
  // A test process that dies must not leave its server running.
  const killOnExit = () => child.kill('SIGKILL')
  process.once('exit', killOnExit)

  const stop = async () => {
    process.removeListener('exit', killOnExit)
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS)
      await exited(child)
      clearTimeout(timer)
    }
    if (!plan.keptDataDir) fs.rmSync(dataDir, { recursive: true, force: true })
  }

  try {
    await waitForHealth(
      url,
      child,
      () => printed,
      plan.keptDataDir ? TEMPLATE_STARTUP_TIMEOUT_MS : STARTUP_TIMEOUT_MS,
    )
    const credentialsFile = path.join(dataDir, 'demo-users.txt')
    if (!fs.existsSync(credentialsFile))
      throw new Error(`the server wrote no ${credentialsFile}:\n${printed}`)
    const demoUsers = parseDemoUsers(fs.readFileSync(credentialsFile, 'utf8'))
    return {
      url,
      dataDir,
      demoUsers,
      demoUser(role) {
        const user = demoUsers.find((candidate) => candidate.role === role)
        if (!user) throw new Error(`no demo user has the role ${role}`)
        return user
      },
      output: () => printed,
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}

async function startWithRetries(options: ServerOptions, plan: StartPlan): Promise<ServerProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options, plan)
    } catch (error) {
      if (attempt >= 3 || !/port is already in use/.test((error as Error).message)) throw error
    }
  }
}

/** Loads the demo data by starting a server in the folder (on the database) and stopping it cleanly. */
async function buildTemplate(folder: string, options: ServerOptions): Promise<void> {
  const server = await startWithRetries(options, { keptDataDir: folder })
  await server.stop()
  if (!fs.existsSync(path.join(folder, 'demo-users.txt')))
    throw new Error(`the demo template server wrote no demo-users.txt:\n${server.output()}`)
}

/**
 * Starts the server; tries another port if the chosen one was taken in the meantime. On PGlite
 * under `npm test` its data folder starts as a copy of the run's demo template.
 */
export async function startServerProcess(options: ServerOptions = {}): Promise<ServerProcess> {
  const template =
    !options.databaseUrl && templatesDir()
      ? await demoTemplate('pglite', (folder) => buildTemplate(folder, {}))
      : undefined
  return startWithRetries(options, { template })
}

export interface ServerBackend {
  name: 'pglite' | 'postgres'
  start(): Promise<ServerProcess>
}

function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return url.toString()
}

/**
 * A PostgreSQL database for one server: empty (the server migrates it and loads the demo data), or
 * a copy of a template database (`create database ... template`, a file copy on the server).
 */
async function createPostgresDatabase(
  adminUrl: string,
  fromTemplate?: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `upstream_e2e_${randomBytes(6).toString('hex')}`
  const admin = await openPostgres(adminUrl, 1)
  await sql.raw(`create database ${name}${fromTemplate ? ` template ${fromTemplate}` : ''}`).execute(admin.db)
  await admin.close()
  return {
    url: databaseUrl(adminUrl, name),
    async drop() {
      const cleanup = await openPostgres(adminUrl, 1)
      await sql.raw(`drop database if exists ${name} with (force)`).execute(cleanup.db)
      await cleanup.close()
    },
  }
}

/**
 * A template database with the demo data, and beside it in the folder its name (written first, so
 * that the run's clean-up drops it even if the build fails) and the demo credentials and checkpoints.
 */
async function buildPostgresTemplate(folder: string, adminUrl: string): Promise<void> {
  const name = `upstream_e2e_template_${randomBytes(6).toString('hex')}`
  fs.writeFileSync(path.join(folder, 'database'), name)
  const admin = await openPostgres(adminUrl, 1)
  await sql.raw(`create database ${name}`).execute(admin.db)
  await admin.close()
  await buildTemplate(folder, { databaseUrl: databaseUrl(adminUrl, name) })
}

/**
 * Builds the run's demo templates, PGlite and (with TEST_DATABASE_URL) PostgreSQL at once, before
 * the browser suites start (scripts/run-tests.ts), so that no suite's start-up hook waits for one.
 */
export async function prepareDemoTemplates(): Promise<void> {
  const adminUrl = process.env.TEST_DATABASE_URL
  await Promise.all([
    demoTemplate('pglite', (folder) => buildTemplate(folder, {})),
    ...(adminUrl ? [demoTemplate('postgres', (folder) => buildPostgresTemplate(folder, adminUrl))] : []),
  ])
}

/** Drops a run's template databases (scripts/run-tests.ts, when the run ends). */
export async function dropTemplateDatabases(adminUrl: string, names: readonly string[]): Promise<void> {
  if (!names.length) return
  const admin = await openPostgres(adminUrl, 1)
  try {
    for (const name of names) await sql.raw(`drop database if exists ${name} with (force)`).execute(admin.db)
  } finally {
    await admin.close()
  }
}

/** The embedded database always; PostgreSQL too when TEST_DATABASE_URL is set. */
export function serverBackends(): ServerBackend[] {
  const pglite: ServerBackend = { name: 'pglite', start: () => startServerProcess() }
  const adminUrl = process.env.TEST_DATABASE_URL
  if (!adminUrl) return [pglite]
  const postgres: ServerBackend = {
    name: 'postgres',
    async start() {
      const template = templatesDir()
        ? await demoTemplate('postgres', (folder) => buildPostgresTemplate(folder, adminUrl))
        : undefined
      const database = await createPostgresDatabase(
        adminUrl,
        template && fs.readFileSync(path.join(template, 'database'), 'utf8').trim(),
      )
      try {
        const server = await startWithRetries({ databaseUrl: database.url }, { template })
        return {
          ...server,
          async stop() {
            await server.stop()
            await database.drop()
          },
        }
      } catch (error) {
        await database.drop()
        throw error
      }
    },
  }
  return [pglite, postgres]
}
