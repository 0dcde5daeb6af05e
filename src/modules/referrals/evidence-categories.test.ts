import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { backends, type TestDatabase } from '../../../test/backends.ts'
import { testApp } from '../../../test/app.ts'
import { clientSignedInAs, type TestClient } from '../../../test/http-client.ts'
import type { ManualClock } from '../../clock.ts'
import { categoryOfRole, DATA_SUBJECT_CATEGORIES } from '../platform/data-subject-categories.ts'
import { raiseFromTrigger } from './raise-from-trigger.ts'
import { referralScene, type ReferralScene } from './test-support.ts'

/**
 * Checklist C3 in the referral payload: every person item (evidence incident) carries the
 * person's category of data subject, its source and its date; assessments come apart from the
 * facts, each with its source, author and date.
 */
const json = { accept: 'application/json' }

interface EvidenceJson {
  incidentId: number
  category: string
  source: { kind: string; name: string; importRunId: number; recordedBy: string | null }
  date: string
}
interface AssessmentJson {
  assessment: boolean
  kind: string
  finding: string
  source: { rule?: { key: string; version: number }; user?: string }
  author: string | null
  assessedAt: string
}

for (const backend of backends()) {
  describe(`categories, sources and assessments in the referral payload on ${backend.name}`, () => {
    let database: TestDatabase
    let app: FastifyInstance
    let clock: ManualClock
    let scene: ReferralScene
    let officer: TestClient
    let council: TestClient
    let referralId: number
    let importRunId: number

    before(async () => {
      database = await backend.create()
      ;({ app, clock } = await testApp(database))
      scene = await referralScene(database)
      officer = await clientSignedInAs(app, database.db, clock, scene.users.officer.id)
      council = await clientSignedInAs(app, database.db, clock, scene.users.councilPractitioner.id)
      const db = database.db
      importRunId = Number(
        (await db.selectFrom('incident').select('import_run_id').executeTakeFirstOrThrow()).import_run_id,
      )
      // The person's record in a force system: a victim of the first incident, a child present at the third.
      const run = await db
        .insertInto('linkage_run')
        .values({ status: 'completed', started_at: clock.now(), threshold: 0.9, review_from: 0.5 } as never)
        .returning('id')
        .executeTakeFirstOrThrow()
      const record = await db
        .insertInto('person_record')
        .values({
          source_system: 'TEST-RMS',
          source_person_id: 'P1',
          first_names: 'Test',
          last_name: 'Person',
          first_names_normalised: 'test',
          last_name_normalised: 'person',
          date_of_birth: '1990-02-03',
          address: null,
          postcode: null,
          import_run_id: importRunId,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await db
        .insertInto('person_record_link')
        .values({
          person_record_id: record.id,
          person_id: scene.personId,
          linkage_run_id: run.id,
          match_probability: 0.99,
        } as never)
        .execute()
      for (const [index, role] of [
        [0, 'victim'],
        [2, 'child-present'],
      ] as const) {
        await db
          .insertInto('person_involvement')
          .values({
            person_record_id: record.id,
            natural_key: `c3-${index}`,
            role,
            category: categoryOfRole(role),
            incident_source_kind: 'police-uk-street',
            incident_reference: `ref-${index}`,
            incident_id: scene.incidentIds[index]!,
            import_run_id: importRunId,
          })
          .execute()
      }
      referralId = (
        await raiseFromTrigger(
          db,
          {
            personId: scene.personId,
            ruleKey: 'repeat-offender-rfg',
            ruleVersion: 3,
            evidence: [0, 1, 2].map((i) => ({
              incidentId: scene.incidentIds[i]!,
              date: `2026-0${i + 1}-01`,
              why: 'Burglary',
            })),
            priority: 'high',
            purpose: 'safeguarding',
            routeToTeamId: scene.northTeam.id,
            firedOn: '2026-03-01',
            score: { recency: 5, frequency: 6, gravity: 9, total: 20, offences: 3 },
            ruleAuthorUserId: scene.users.supervisor.id,
          },
          clock,
        )
      ).referralId
    })
    after(async () => {
      await app.close()
      await database.close()
    })

    test('every evidence item of the payload has a category from the enum, a source and a date', async () => {
      const answer = await officer.get(`/api/v1/referrals/${referralId}`, json)
      assert.equal(answer.statusCode, 200, answer.body)
      const evidence = (answer.json() as { evidence: EvidenceJson[] }).evidence
      assert.equal(evidence.length, 3)
      for (const item of evidence) {
        assert.ok((DATA_SUBJECT_CATEGORIES as readonly string[]).includes(item.category), item.category)
        assert.equal(item.source.kind, 'police-uk-street')
        assert.equal(item.source.name, 'data.police.uk street-level crime')
        assert.equal(item.source.importRunId, importRunId)
        assert.match(item.date, /^\d{4}-\d{2}-\d{2}$/)
      }
      const byIncident = new Map(evidence.map((item) => [item.incidentId, item]))
      const [victim, notInvolved, child] = scene.incidentIds.map((id) => byIncident.get(id)!)
      assert.deepEqual(
        [victim!.category, victim!.source.recordedBy, victim!.date],
        ['victim', 'TEST-RMS', '2026-01-01'],
      )
      // No involvement of theirs is recorded: the category is derived (an adult: other), from no records system.
      assert.deepEqual([notInvolved!.category, notInvolved!.source.recordedBy], ['other', null])
      assert.deepEqual([child!.category, child!.source.recordedBy], ['child-at-risk', 'TEST-RMS'])
    })

    test("the rule's finding, its RFG score and the priority come as assessments with source, author and date", async () => {
      const answer = await officer.get(`/api/v1/referrals/${referralId}`, json)
      const assessments = (answer.json() as { assessments: AssessmentJson[] }).assessments
      assert.deepEqual(
        assessments.map((a) => a.kind),
        ['trigger-finding', 'rfg-score', 'priority'],
      )
      for (const assessment of assessments) {
        assert.equal(assessment.assessment, true)
        assert.deepEqual(assessment.source, { rule: { key: 'repeat-offender-rfg', version: 3 } })
        assert.equal(assessment.author, 'Sam Supervisor')
        assert.equal(assessment.assessedAt, clock.now().toISOString())
      }
      assert.match(assessments[1]!.finding, /RFG score 20 \(recency 5, frequency 6, gravity 9/)
    })

    test('a partner without the evidence gets neither the evidence nor the assessments drawn from it', async () => {
      const answer = await council.get(`/api/v1/referrals/${referralId}`, json)
      // The council is not party to a referral the force sent its own team.
      assert.equal(answer.statusCode, 404)
      await officer.get('/referrals/new')
      const made = await officer.postForm('/referrals', {
        purpose: 'safeguarding',
        to: `team:${scene.councilTeam.id}`,
        priority: 'urgent',
        personId: String(scene.personId),
        subject: '',
        reason: 'Needs early help',
      })
      assert.equal(made.statusCode, 303, made.body)
      const id = Number(/\/referrals\/(\d+)/.exec(String(made.headers.location))![1])
      const shared = await council.get(`/api/v1/referrals/${id}`, json)
      assert.equal(shared.statusCode, 200, shared.body)
      const body = shared.json() as { assessments: AssessmentJson[]; evidence?: unknown }
      assert.equal(body.evidence, undefined)
      assert.deepEqual(
        body.assessments.map((a) => [a.kind, a.finding, a.source, a.author]),
        [['priority', 'Priority urgent', { user: 'Olive Officer' }, 'Olive Officer']],
      )
    })

    test('the referral page labels assessments as assessments and the evidence as recorded facts', async () => {
      const page = await officer.get(`/referrals/${referralId}`)
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /Recorded fact/)
      const table = /<table[^>]*id="referral-assessments"[\s\S]*?<\/table>/.exec(page.body)?.[0] ?? ''
      assert.equal(table.match(/govuk-tag--yellow">Assessment</g)?.length, 3)
      assert.match(table, /Trigger rule repeat-offender-rfg, version 3/)
    })
  })
}
