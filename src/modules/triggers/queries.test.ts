import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { backends, type TestDatabase } from '../../../test/backends.ts'
import { createUser } from '../../../test/factories.ts'
import { DomainError } from '../../errors.ts'
import { approveDraft, listRules, liveRules, ruleVersion, saveDraft, type RuleEditor } from './queries.ts'
import { SHIPPED_RULE_DEFINITIONS } from './shipped-rules.ts'

const repeatMissing = () => structuredClone(SHIPPED_RULE_DEFINITIONS[3]) as Record<string, unknown>

async function rejects(work: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof DomainError)
    assert.equal(error.code, code)
    assert.match(error.message, message)
    return true
  })
}

for (const backend of backends()) {
  describe(`trigger rule versions on ${backend.name}`, () => {
    let database: TestDatabase
    let analyst: RuleEditor
    let supervisor: RuleEditor
    let otherSupervisor: RuleEditor
    let officer: RuleEditor
    before(async () => {
      database = await backend.create()
      const user = async (role: RuleEditor['role']) => ({
        userId: (await createUser(database.db, { role })).id,
        role,
      })
      analyst = await user('analyst')
      supervisor = await user('supervisor')
      otherSupervisor = await user('supervisor')
      officer = await user('officer')
    })
    after(async () => {
      await database.close()
    })

    const auditEvents = async (event: string) =>
      database.db
        .selectFrom('audit_event')
        .select(['actor_user_id', 'details', 'record_type'])
        .where('event', '=', event)
        .execute()

    test('the six shipped rules are live as approved version 1', async () => {
      const { rules, refused } = await liveRules(database.db)
      assert.deepEqual(refused, [])
      assert.equal(rules.length, 6)
      assert.ok(rules.every((rule) => rule.version === 1))
      const listed = await listRules(database.db)
      assert.deepEqual(
        listed.map((rule) => [rule.key, rule.live, rule.draft]),
        rules.map((rule) => [rule.key, 1, null]),
      )
    })

    test('an analyst saves a draft of version 2; a supervisor approves it and version 1 retires', async () => {
      const changed = { ...repeatMissing(), windowDays: 60, version: 'whatever the editor typed' }
      const saved = await saveDraft(database.db, changed, analyst)
      assert.deepEqual(saved, { ok: true, key: 'repeat-missing', version: 2, created: true })
      assert.equal(
        (await liveRules(database.db)).rules.find((rule) => rule.key === 'repeat-missing')?.windowDays,
        90,
      )

      const approved = await approveDraft(database.db, 'repeat-missing', 2, supervisor)
      assert.equal(approved.windowDays, 60)
      assert.equal(approved.version, 2)
      const live = (await liveRules(database.db)).rules.find((rule) => rule.key === 'repeat-missing')
      assert.equal(live?.version, 2)
      const summary = (await listRules(database.db)).find((rule) => rule.key === 'repeat-missing')!
      assert.deepEqual(
        summary.versions.map((version) => [
          version.version,
          version.status,
          version.createdBy,
          version.approvedBy,
        ]),
        [
          [2, 'approved', analyst.userId, supervisor.userId],
          [1, 'retired', null, null],
        ],
      )
      const [created] = await auditEvents('CREATE_TRIGGER_RULE_DRAFT')
      assert.equal(created?.actor_user_id, analyst.userId)
      assert.deepEqual(created?.details, { ruleKey: 'repeat-missing', version: 2 })
      const [approval] = await auditEvents('APPROVE_TRIGGER_RULE')
      assert.equal(approval?.actor_user_id, supervisor.userId)
      assert.deepEqual(approval?.details, {
        ruleKey: 'repeat-missing',
        version: 2,
        retiredVersion: 1,
        authorUserId: analyst.userId,
      })
      // Old versions stay readable: a hit names the version that raised it.
      assert.equal((await ruleVersion(database.db, 'repeat-missing', 1)).windowDays, 90)
    })

    test('an invalid rule is refused with its problems and nothing is written', async () => {
      const before = await listRules(database.db)
      const saved = await saveDraft(
        database.db,
        { ...repeatMissing(), key: 'brand-new-rule', windowDays: 0 },
        analyst,
      )
      assert.equal(saved.ok, false)
      assert.deepEqual(saved.ok ? [] : saved.problems.map((problem) => problem.path), ['windowDays'])
      assert.deepEqual(await listRules(database.db), before)
    })

    test('the author of a draft may not approve it, even as a supervisor', async () => {
      const saved = await saveDraft(
        database.db,
        { ...(structuredClone(SHIPPED_RULE_DEFINITIONS[4]) as Record<string, unknown>), windowDays: 300 },
        supervisor,
      )
      assert.ok(saved.ok)
      await rejects(
        approveDraft(database.db, 'repeat-victim', saved.version, supervisor),
        'forbidden',
        /someone else must approve/,
      )
      const approved = await approveDraft(database.db, 'repeat-victim', saved.version, otherSupervisor)
      assert.equal(approved.windowDays, 300)
    })

    test('saving again replaces the draft, and the last to save is its author', async () => {
      const first = await saveDraft(
        database.db,
        { ...repeatMissing(), key: 'child-missing-twice', threshold: { atLeast: 2 } },
        analyst,
      )
      const second = await saveDraft(
        database.db,
        { ...repeatMissing(), key: 'child-missing-twice', threshold: { atLeast: 2 }, windowDays: 30 },
        supervisor,
      )
      assert.ok(first.ok && second.ok)
      assert.equal(first.version, 1)
      assert.deepEqual([second.version, second.created], [1, false])
      await rejects(
        approveDraft(database.db, 'child-missing-twice', 1, supervisor),
        'forbidden',
        /someone else/,
      )
      assert.equal(
        (await approveDraft(database.db, 'child-missing-twice', 1, otherSupervisor)).windowDays,
        30,
      )
    })

    test('only roles that may edit write drafts, and only supervisors approve', async () => {
      await rejects(
        saveDraft(database.db, repeatMissing(), officer),
        'forbidden',
        /may not write trigger rules/,
      )
      const saved = await saveDraft(database.db, { ...repeatMissing(), windowDays: 45 }, supervisor)
      assert.ok(saved.ok)
      await rejects(
        approveDraft(database.db, 'repeat-missing', saved.version, analyst),
        'forbidden',
        /Only a supervisor/,
      )
    })

    test('approving a version that is not a draft, or does not exist, says so', async () => {
      await rejects(
        approveDraft(database.db, 'repeat-victim', 1, otherSupervisor),
        'conflict',
        /is retired, not a draft/,
      )
      await rejects(
        approveDraft(database.db, 'no-such-rule', 1, otherSupervisor),
        'not_found',
        /'no-such-rule' was not found/,
      )
    })

    test('the database itself refuses a version approved by its author', async () => {
      const saved = await saveDraft(database.db, { ...repeatMissing(), key: 'direct-approval' }, supervisor)
      assert.ok(saved.ok)
      await assert.rejects(
        database.db
          .updateTable('trigger_rule_version')
          .set({ status: 'approved', approved_by: supervisor.userId, approved_at: new Date() })
          .where('rule_id', '=', (eb) =>
            eb.selectFrom('trigger_rule').select('id').where('key', '=', 'direct-approval'),
          )
          .execute(),
        /check constraint/,
      )
    })
  })
}
