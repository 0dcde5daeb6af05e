import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import { acquireDataFolderLock, DataFolderLockedError, lockFilePath } from './data-folder-lock.ts'

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'upstream-lock-'))

test('a folder already open in this process is refused', () => {
  const dir = tempDir()
  const lock = acquireDataFolderLock(dir, 'test')
  assert.throws(() => acquireDataFolderLock(dir, 'test again'), DataFolderLockedError)
  lock.release()
  acquireDataFolderLock(dir, 'after release').release()
})

test('a lock left by a process that no longer runs is taken over, with a log line', () => {
  const dir = tempDir()
  fs.writeFileSync(lockFilePath(dir), JSON.stringify({ pid: 2 ** 22 + 12345, host: os.hostname(), command: 'gone', since: 'then' }))
  const lines: string[] = []
  const lock = acquireDataFolderLock(dir, 'test', (line) => lines.push(line))
  assert.equal(JSON.parse(fs.readFileSync(lockFilePath(dir), 'utf8')).pid, process.pid)
  assert.match(lines.join('\n'), /Taking over a stale lock/)
  lock.release()
  assert.equal(fs.existsSync(lockFilePath(dir)), false)
})

test('a lock held by a live process elsewhere on this host is refused with its pid', () => {
  const dir = tempDir()
  fs.writeFileSync(lockFilePath(dir), JSON.stringify({ pid: process.ppid, host: os.hostname(), command: 'upstream serve', since: 'now' }))
  assert.throws(() => acquireDataFolderLock(dir, 'test'), new RegExp(`in use by process ${process.ppid}`))
})

test('a lock from another host is never taken over', () => {
  const dir = tempDir()
  fs.writeFileSync(lockFilePath(dir), JSON.stringify({ pid: 1, host: 'another-host', command: 'upstream serve', since: 'now' }))
  assert.throws(() => acquireDataFolderLock(dir, 'test'), /on host another-host/)
})

test('a lock whose takeover guard is held by another process is not removed by us', () => {
  const dir = tempDir()
  const stale = JSON.stringify({ pid: 2 ** 22 + 54321, host: os.hostname(), command: 'gone', since: 'then' })
  fs.writeFileSync(lockFilePath(dir), stale)
  fs.writeFileSync(`${lockFilePath(dir)}.takeover`, '1')
  assert.throws(() => acquireDataFolderLock(dir, 'test', () => undefined), /keeps taking it/)
  assert.equal(fs.readFileSync(lockFilePath(dir), 'utf8'), stale)
})
