import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { sql } from 'kysely'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { createOrganisation } from '../../../../test/factories.ts'
import { DomainError } from '../../../errors.ts'
import { setAgreementRetention } from './agreement-retention.ts'

for (const backend of backends()) {
  describe(`a sharing agreement's retention on ${backend.name}`, () => {
    let database: TestDatabase
    const now = new Date('2026-01-15T09:00:00Z')

    before(async () => {
      database = await backend.create()
      const police = await createOrganisation(database.db, { kind: 'police_force' })
      const council = await createOrganisation(database.db, { kind: 'council' })
      await sql`insert into sharing_agreement (reference, title, provider_organisation_id, recipient_organisation_id,
          data_classes, purposes, status, starts_on)
        values ('ISA-7', 'Council records', ${council.id}, ${police.id}, '{person-identity}', '{safeguarding}',
          'active', '2025-01-01')`.execute(database.db)
    })
    after(async () => database.close())

    test('the period defaults to 72 months and is set with the source systems, audited by field name', async () => {
      const result = await setAgreementRetention(database.db, {
        reference: 'ISA-7',
        months: '36',
        sourceSystems: 'city-council, council.social-care',
        now,
      })
      assert.deepEqual(result, {
        reference: 'ISA-7',
        retentionMonths: 36,
        sourceSystems: ['city-council', 'council.social-care'],
      })
      const audit = await database.db
        .selectFrom('audit_event')
        .select('details')
        .where('event', '=', 'SET_AGREEMENT_RETENTION')
        .executeTakeFirstOrThrow()
      assert.deepEqual(audit.details, { fields: ['retention_months', 'source_systems'] })
    })

    test('a bad period or source system is refused naming the option, and nothing changes', async () => {
      await assert.rejects(
        setAgreementRetention(database.db, { reference: 'ISA-7', months: '0', now }),
        (error: unknown) => error instanceof DomainError && 'months' in error.fields,
      )
      await assert.rejects(
        setAgreementRetention(database.db, { reference: 'ISA-7', sourceSystems: 'bad system', now }),
        (error: unknown) => error instanceof DomainError && 'sourceSystems' in error.fields,
      )
      await assert.rejects(
        setAgreementRetention(database.db, { reference: 'ISA-404', months: '12', now }),
        (error: unknown) => error instanceof DomainError && error.code === 'not_found',
      )
      const { rows } = await sql<{ retention_months: number }>`
        select retention_months from sharing_agreement where reference = 'ISA-7'`.execute(database.db)
      assert.equal(rows[0]!.retention_months, 36)
    })
  })
}
