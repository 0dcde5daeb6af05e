import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { backends } from '../../../../test/backends.ts'
import { freshCliDatabase, runCliCapturing as run } from '../../../../test/cli-runner.ts'
import { withDatabase } from '../../../cli/context.ts'
import { enqueueMail, PUBLIC_URL } from './outbox.ts'
import { startTestSmtpServer, type TestSmtpServer } from './test-support.ts'

for (const backend of backends()) {
  describe(`upstream mail send on ${backend.name}`, () => {
    freshCliDatabase(backend, 'upstream-mail-cli-')
    let smtp: TestSmtpServer
    const saved = { ...process.env }
    before(async () => {
      smtp = await startTestSmtpServer()
    })
    after(async () => {
      for (const name of ['UPSTREAM_SMTP_URL', 'UPSTREAM_PUBLIC_URL']) {
        if (saved[name] === undefined) delete process.env[name]
        else process.env[name] = saved[name]
      }
      await smtp.close()
    })
    const queue = () =>
      withDatabase('test', (database) =>
        enqueueMail(
          database.db,
          {
            kind: 'test',
            to: 'ada@partnership.test',
            subject: 'Test',
            text: `See ${PUBLIC_URL}/referrals/7`,
          },
          new Date(),
        ),
      )

    test('without UPSTREAM_SMTP_URL it refuses and the message stays queued', async () => {
      delete process.env.UPSTREAM_SMTP_URL
      await queue()
      const result = await run('mail', 'send')
      assert.equal(result.code, 1)
      assert.match(result.stderr, /UPSTREAM_SMTP_URL is not set/)
    })

    test('it sends the due messages once and prints the counts', async () => {
      process.env.UPSTREAM_SMTP_URL = smtp.url
      process.env.UPSTREAM_PUBLIC_URL = 'https://upstream.partnership.test'
      await queue()
      const first = await run('mail', 'send')
      assert.equal(first.code, 0, first.stderr)
      assert.equal(first.stdout, 'Sent 1; 0 to retry later; 0 given up on.')
      assert.match(smtp.received.at(-1)!.decoded, /See https:\/\/upstream\.partnership\.test\/referrals\/7/)
      const again = await run('mail', 'send', '--json')
      assert.deepEqual(JSON.parse(again.stdout), { sent: 0, retrying: 0, failed: 0 })
    })
  })
}
