import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { parseGenerateArguments } from '../../../../scripts/generate-person-records.ts'

const SCRIPT = fileURLToPath(new URL('../../../../scripts/generate-person-records.ts', import.meta.url))
const run = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { encoding: 'utf8' })

describe('scripts/generate-person-records.ts', () => {
  test('writes the file asked for, the same for the same seed', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'generate-person-records-'))
    try {
      const [first, second] = [path.join(folder, 'a.csv'), path.join(folder, 'b.csv')]
      for (const file of [first, second]) {
        const result = run(['--records', '500', '--seed', '42', '--output', file])
        assert.equal(result.status, 0, result.stderr)
        assert.match(result.stderr, /wrote 500 records/)
      }
      const text = await readFile(first, 'utf8')
      assert.equal(text.trimEnd().split('\n').length, 501)
      assert.equal(text, await readFile(second, 'utf8'))
    } finally {
      await rm(folder, { recursive: true, force: true })
    }
  })

  test('bad arguments exit with status 2 and say which argument and why', () => {
    const result = run(['--records', 'lots', '--output', 'x.csv'])
    assert.equal(result.status, 2)
    assert.match(result.stderr, /--records must be a whole number of 0 or more, not "lots"/)
    assert.match(run(['--records', '10']).stderr, /--output is required/)
    assert.match(
      run(['--records', '10', '--output', 'x', '--colour', 'red']).stderr,
      /Unknown option '--colour'/,
    )
  })

  test('an output folder that does not exist is a message, not a stack trace', () => {
    const result = run(['--records', '10', '--output', path.join(os.tmpdir(), 'no-such-folder-h6', 'x.csv')])
    assert.equal(result.status, 1)
    assert.match(result.stderr, /^cannot write .*ENOENT/)
    assert.doesNotMatch(result.stderr, /\n\s+at /)
  })

  test('any command line is either accepted with whole numbers or refused with a message', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom('--records', '--seed', '--output', '-'), fc.string()), {
          maxLength: 6,
        }),
        (args) => {
          const parsed = parseGenerateArguments(args)
          if ('error' in parsed) assert.ok(parsed.error.length > 0)
          else {
            assert.ok(Number.isSafeInteger(parsed.records) && parsed.records >= 0)
            assert.ok(Number.isSafeInteger(parsed.seed))
            assert.ok(parsed.output.length > 0)
          }
        },
      ),
    )
  })
})
