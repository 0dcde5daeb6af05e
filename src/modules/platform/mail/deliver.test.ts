import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, test } from 'node:test'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { ManualClock } from '../../../clock.ts'
import { deliverDueMail, MAX_ATTEMPTS, retryDelayMs, type DeliverySettings } from './deliver.ts'
import { enqueueMail, enqueueMailOnce, PUBLIC_URL } from './outbox.ts'
import { deleteExpiredMail, KEEP_SENT_MAIL_DAYS } from './retention.ts'
import { refusedSmtpUrl, startTestSmtpServer, type TestSmtpServer } from './test-support.ts'

const DAY = 24 * 60 * 60_000

test('retries back off from a minute, doubling, to at most six hours', () => {
  assert.deepEqual([1, 2, 3, 4].map(retryDelayMs), [60_000, 120_000, 240_000, 480_000])
  assert.equal(retryDelayMs(30), 6 * 60 * 60_000)
})

for (const backend of backends()) {
  describe(`mail delivery on ${backend.name}`, () => {
    let database: TestDatabase
    let smtp: TestSmtpServer
    let clock: ManualClock
    const settings = (overrides: Partial<DeliverySettings> = {}): DeliverySettings => ({
      smtpUrl: smtp.url,
      from: 'upstream@partnership.test',
      publicUrl: 'https://upstream.partnership.test',
      clock,
      ...overrides,
    })
    const queue = (to: string, text = `Open it: ${PUBLIC_URL}/referrals/1`) =>
      enqueueMail(database.db, { kind: 'test', to, subject: 'A test message', text }, clock.now())
    const row = (id: number) =>
      database.db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

    before(async () => {
      database = await backend.create()
      smtp = await startTestSmtpServer({ refuse: ['nobody@partnership.test'] })
    })
    beforeEach(async () => {
      await database.db.deleteFrom('mail_outbox').execute()
      smtp.received.length = 0
      clock = new ManualClock('2026-03-02T09:00:00Z')
    })
    after(async () => {
      await smtp.close()
      await database.close()
    })

    test('delivery sends each due message once, with the public address in its link, and marks it sent', async () => {
      const first = await queue('ada@partnership.test')
      const second = await queue('bo@partnership.test')
      const counts = await deliverDueMail(database.db, settings())
      assert.deepEqual(counts, { sent: 2, retrying: 0, failed: 0 })
      assert.deepEqual(smtp.received.map((mail) => mail.to).sort(), [
        ['ada@partnership.test'],
        ['bo@partnership.test'],
      ])
      assert.match(smtp.received[0]!.decoded, /Open it: https:\/\/upstream\.partnership\.test\/referrals\/1/)
      for (const id of [first, second]) {
        const sent = await row(id)
        assert.deepEqual(sent.sent_at, clock.now())
        assert.equal(sent.attempts, 1)
        assert.equal(sent.claimed_until, null)
      }
      assert.deepEqual(await deliverDueMail(database.db, settings()), { sent: 0, retrying: 0, failed: 0 })
      assert.equal(smtp.received.length, 2)
    })

    test('a message not yet due waits', async () => {
      await enqueueMail(
        database.db,
        {
          kind: 'test',
          to: 'ada@partnership.test',
          subject: 's',
          text: 't',
          sendAfter: new Date(clock.now().getTime() + DAY),
        },
        clock.now(),
      )
      assert.equal((await deliverDueMail(database.db, settings())).sent, 0)
      clock.advance(DAY)
      assert.equal((await deliverDueMail(database.db, settings())).sent, 1)
    })

    test('a refused connection is retried after the backoff, keeping attempts and the last error, then sent', async () => {
      const id = await queue('ada@partnership.test')
      const down = settings({ smtpUrl: await refusedSmtpUrl() })
      assert.deepEqual(await deliverDueMail(database.db, down), { sent: 0, retrying: 1, failed: 0 })
      const waiting = await row(id)
      assert.equal(waiting.attempts, 1)
      assert.equal(waiting.sent_at, null)
      assert.match(waiting.last_error ?? '', /ECONNREFUSED|connect/i)
      assert.deepEqual(waiting.send_after, new Date(clock.now().getTime() + 60_000))

      // Before the backoff ends nothing is tried, even with the server back.
      clock.advance(59_000)
      assert.deepEqual(await deliverDueMail(database.db, settings()), { sent: 0, retrying: 0, failed: 0 })
      clock.advance(1_000)
      assert.deepEqual(await deliverDueMail(database.db, settings()), { sent: 1, retrying: 0, failed: 0 })
      const sent = await row(id)
      assert.equal(sent.attempts, 2)
      assert.equal(sent.last_error, null)
      assert.ok(sent.sent_at)
      assert.equal(smtp.received.length, 1)
    })

    test('a permanent refusal (550) is given up on at once; other messages still go', async () => {
      const refused = await queue('nobody@partnership.test')
      await queue('ada@partnership.test')
      assert.deepEqual(await deliverDueMail(database.db, settings()), { sent: 1, retrying: 0, failed: 1 })
      const failed = await row(refused)
      assert.ok(failed.failed_at)
      assert.match(failed.last_error ?? '', /550/)
      clock.advance(DAY)
      assert.equal((await deliverDueMail(database.db, settings())).failed, 0)
    })

    test(`after ${MAX_ATTEMPTS} failed attempts a message is given up on`, async () => {
      const id = await queue('ada@partnership.test')
      await database.db
        .updateTable('mail_outbox')
        .set({ attempts: MAX_ATTEMPTS - 1 })
        .where('id', '=', id)
        .execute()
      const counts = await deliverDueMail(database.db, settings({ smtpUrl: await refusedSmtpUrl() }))
      assert.deepEqual(counts, { sent: 0, retrying: 0, failed: 1 })
      assert.equal((await row(id)).attempts, MAX_ATTEMPTS)
    })

    test('two deliverers at once never send a message twice', async () => {
      const count = 30
      for (let i = 0; i < count; i++) await queue(`person${i}@partnership.test`)
      const [a, b] = await Promise.all([
        deliverDueMail(database.db, settings({ batchSize: 3 })),
        deliverDueMail(database.db, settings({ batchSize: 3 })),
      ])
      assert.equal(a.sent + b.sent, count)
      const recipients = smtp.received.map((mail) => mail.to[0]!)
      assert.equal(recipients.length, count)
      assert.equal(new Set(recipients).size, count)
      const unsent = await database.db
        .selectFrom('mail_outbox')
        .select('id')
        .where('sent_at', 'is', null)
        .execute()
      assert.equal(unsent.length, 0)
    })

    test('a message claimed by a deliverer that died is sent once its claim expires', async () => {
      const id = await queue('ada@partnership.test')
      await database.db
        .updateTable('mail_outbox')
        .set({ claimed_until: new Date(clock.now().getTime() + 15 * 60_000), attempts: 1 })
        .where('id', '=', id)
        .execute()
      assert.equal((await deliverDueMail(database.db, settings())).sent, 0)
      clock.advance(15 * 60_000)
      assert.equal((await deliverDueMail(database.db, settings())).sent, 1)
      assert.equal((await row(id)).attempts, 2)
    })

    test('the same once key queues one message', async () => {
      const mail = { kind: 'test', to: 'ada@partnership.test', subject: 's', text: 't' }
      const first = await enqueueMailOnce(database.db, mail, 'reminder:1:2026-03-02', clock.now())
      const again = await enqueueMailOnce(database.db, mail, 'reminder:1:2026-03-02', clock.now())
      const nextDay = await enqueueMailOnce(database.db, mail, 'reminder:1:2026-03-03', clock.now())
      assert.equal(typeof first, 'number')
      assert.equal(again, null)
      assert.equal(typeof nextDay, 'number')
    })

    test(`sent messages are deleted ${KEEP_SENT_MAIL_DAYS} days on, and the deletion is audited by id`, async () => {
      const id = await queue('ada@partnership.test')
      const unsent = await queue('nobody@partnership.test')
      await database.db
        .updateTable('mail_outbox')
        .set({ sent_at: clock.now() })
        .where('id', '=', id)
        .execute()
      clock.advance(KEEP_SENT_MAIL_DAYS * DAY)
      assert.equal(await deleteExpiredMail(database.db, clock.now()), 0)
      clock.advance(1)
      assert.equal(await deleteExpiredMail(database.db, clock.now()), 1)
      const left = await database.db.selectFrom('mail_outbox').select('id').execute()
      assert.deepEqual(
        left.map((r) => Number(r.id)),
        [unsent],
      )
      const audit = await database.db
        .selectFrom('audit_event')
        .selectAll()
        .where('event', '=', 'DELETE_EXPIRED_MAIL')
        .executeTakeFirstOrThrow()
      assert.equal(audit.action, 'erase')
      assert.deepEqual(audit.record_ids, [String(id)])
    })
  })
}
