import { execFile } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { chown, mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

/**
 * A PostgreSQL cluster of a test's own, in a temporary folder on a free port, so that a test may
 * crash the server (`pg_ctl stop -m immediate`) or start it with unsafe settings without touching
 * the server other tests use. initdb refuses root, so it runs as the postgres OS user.
 */

const run = promisify(execFile)
const RUNUSER = '/usr/sbin/runuser'

function postgresBin(): string | null {
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return null
  const versions = readdirSync(root)
    .filter((version) => existsSync(path.join(root, version, 'bin/initdb')))
    .sort((a, b) => Number(b) - Number(a))
  return versions.length ? path.join(root, versions[0]!, 'bin') : null
}

/** Why a throwaway cluster cannot be made here, or null when it can. */
export function throwawayClusterUnavailable(): string | null {
  if (!postgresBin()) return 'no PostgreSQL server binaries (initdb) under /usr/lib/postgresql'
  if (!existsSync(RUNUSER)) return `${RUNUSER} is missing, and initdb refuses to run as root`
  if (process.getuid?.() !== 0)
    return 'the tests do not run as root, so they cannot run initdb as the postgres user'
  return null
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

export interface ThrowawayCluster {
  /** Connection string of the cluster's postgres database. */
  url: string
  start(): Promise<void>
  /** Stops the server as a crash would: no checkpoint, recovery from the WAL at the next start. */
  stopImmediately(): Promise<void>
  destroy(): Promise<void>
}

export async function createThrowawayCluster(
  settings: Record<string, string> = {},
): Promise<ThrowawayCluster> {
  const bin = postgresBin()
  if (!bin) throw new Error(throwawayClusterUnavailable() ?? 'no initdb')
  const folder = await mkdtemp(path.join(os.tmpdir(), 'upstream-cluster-'))
  const { uid, gid } = await run('id', ['-u', 'postgres']).then(async ({ stdout }) => ({
    uid: Number(stdout),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout),
  }))
  await chown(folder, uid, gid)
  const data = path.join(folder, 'data')
  const asPostgres = (program: string, args: string[]) =>
    run(RUNUSER, ['-u', 'postgres', '--', path.join(bin, program), ...args], { cwd: folder })
  await asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8'])
  const port = await freePort()
  const options = [
    `-p ${port}`,
    `-k ${folder}`,
    `-c listen_addresses=127.0.0.1`,
    ...Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`),
  ].join(' ')
  const cluster: ThrowawayCluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async start() {
      await asPostgres('pg_ctl', [
        '-D',
        data,
        '-o',
        options,
        '-l',
        path.join(folder, 'server.log'),
        '-w',
        'start',
      ])
    },
    async stopImmediately() {
      await asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
    },
    async destroy() {
      await cluster.stopImmediately().catch(() => undefined)
      await rm(folder, { recursive: true, force: true })
    },
  }
  try {
    await cluster.start()
  } catch (error) {
    await rm(folder, { recursive: true, force: true })
    throw error
  }
  return cluster
}
