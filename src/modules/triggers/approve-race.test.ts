import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { backends, type TestDatabase } from '../../../test/backends.ts'
import { createUser } from '../../../test/factories.ts'
import { DomainError } from '../../errors.ts'
import { fingerprintOf } from './page-forms.ts'
import { approveDraft, liveRules, listRules, ruleVersion, saveDraft, type RuleEditor } from './queries.ts'
import { SHIPPED_RULE_DEFINITIONS } from './shipped-rules.ts'

/**
 * Approving a draft against everyone else at once: two supervisors pressing approve together,
 * and the author saving the draft again while a supervisor reads it. Exactly one outcome stands,
 * the other side is told who did what and when, and what goes live is what the approver read.
 */
const definitionOf = (index: number, key: string, changes: Record<string, unknown> = {}) => ({
  ...(structuredClone(SHIPPED_RULE_DEFINITIONS[index]) as Record<string, unknown>),
  key,
  ...changes,
})

const isConflict = (pattern: RegExp) => (error: unknown) =>
  error instanceof DomainError && error.code === 'conflict' && pattern.test(error.message)

for (const backend of backends()) {
  describe(`approving a trigger rule draft under contention on ${backend.name}`, () => {
    let database: TestDatabase
    let author: RuleEditor
    let supervisorA: RuleEditor
    let supervisorB: RuleEditor
    before(async () => {
      database = await backend.create()
      const user = async (role: RuleEditor['role'], displayName: string) => ({
        userId: (await createUser(database.db, { role, displayName })).id,
        role,
      })
      author = await user('analyst', 'Alex Author')
      supervisorA = await user('supervisor', 'Sam Approver')
      supervisorB = await user('supervisor', 'Sol Approver')
    })
    after(() => database.close())

    const approvals = (key: string) =>
      database.db
        .selectFrom('audit_event')
        .select('actor_user_id')
        .where('event', '=', 'APPROVE_TRIGGER_RULE')
        .where('details', '@>', JSON.stringify({ ruleKey: key }) as never)
        .execute()

    test('two supervisors approving the same draft at once: one wins, the other is told who approved it', async () => {
      const saved = await saveDraft(database.db, definitionOf(3, 'race-two-approvers'), author)
      assert.ok(saved.ok)
      const read = fingerprintOf(await ruleVersion(database.db, saved.key, saved.version))
      const results = await Promise.allSettled([
        approveDraft(database.db, saved.key, saved.version, supervisorA, { fingerprint: read }),
        approveDraft(database.db, saved.key, saved.version, supervisorB, { fingerprint: read }),
      ])
      const won = results.filter((result) => result.status === 'fulfilled')
      const lost = results.filter((result) => result.status === 'rejected')
      assert.equal(won.length, 1)
      assert.equal(lost.length, 1)
      const winner = results[0]!.status === 'fulfilled' ? 'Sam Approver' : 'Sol Approver'
      assert.ok(
        isConflict(new RegExp(`is approved, not a draft: ${winner} approved it at \\d`))(lost[0]!.reason),
        String(lost[0]!.reason),
      )
      assert.equal((await approvals(saved.key)).length, 1)
      const rule = (await listRules(database.db)).find((r) => r.key === saved.key)!
      assert.deepEqual(
        rule.versions.map((v) => v.status),
        ['approved'],
      )
    })

    test('a draft saved again after the supervisor read it is refused, naming who saved it; the new one is approved as read', async () => {
      const saved = await saveDraft(
        database.db,
        definitionOf(3, 'race-resaved', { windowDays: 60 }),
        supervisorB,
      )
      assert.ok(saved.ok)
      const read = fingerprintOf(await ruleVersion(database.db, saved.key, saved.version))
      const again = await saveDraft(database.db, definitionOf(3, 'race-resaved', { windowDays: 30 }), author)
      assert.ok(again.ok && again.version === saved.version)
      await assert.rejects(
        approveDraft(database.db, saved.key, saved.version, supervisorA, { fingerprint: read }),
        isConflict(/was saved again since you opened it, by Alex Author at \d/),
      )
      assert.deepEqual(await approvals(saved.key), [])
      assert.equal((await listRules(database.db)).find((r) => r.key === saved.key)?.draft, saved.version)

      const reread = await ruleVersion(database.db, saved.key, saved.version)
      const approved = await approveDraft(database.db, saved.key, saved.version, supervisorA, {
        fingerprint: fingerprintOf(reread),
      })
      assert.equal(approved.windowDays, 30)
      const live = (await liveRules(database.db)).rules.find((r) => r.key === saved.key)!
      assert.equal(fingerprintOf(live), fingerprintOf(reread))
    })

    test('the author saving while the supervisor approves: whichever goes first, what is live is what was read', async () => {
      for (let round = 0; round < 4; round++) {
        const key = `race-save-approve-${round}`
        const saved = await saveDraft(database.db, definitionOf(3, key, { windowDays: 60 }), author)
        assert.ok(saved.ok)
        const read = await ruleVersion(database.db, key, saved.version)
        const [approval, save] = await Promise.allSettled([
          approveDraft(database.db, key, saved.version, supervisorA, { fingerprint: fingerprintOf(read) }),
          saveDraft(database.db, definitionOf(3, key, { windowDays: 45 }), author),
        ])
        assert.equal(save.status, 'fulfilled')
        const rules = (await listRules(database.db)).find((r) => r.key === key)!
        if (approval.status === 'fulfilled') {
          // Approved first: the save became the next draft, and the live rule is the one read.
          assert.equal(fingerprintOf(approval.value), fingerprintOf(read))
          assert.deepEqual([rules.live, rules.draft], [saved.version, saved.version + 1])
          const live = (await liveRules(database.db)).rules.find((r) => r.key === key)!
          assert.equal(live.windowDays, 60)
        } else {
          assert.ok(isConflict(/saved again since you opened it, by Alex Author/)(approval.reason))
          assert.deepEqual([rules.live, rules.draft], [null, saved.version])
          assert.equal((await ruleVersion(database.db, key, saved.version)).windowDays, 45)
        }
      }
    })
  })
}
