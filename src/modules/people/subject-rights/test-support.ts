import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import type { TestDatabase } from '../../../../test/backends.ts'
import { createUser, type TestUser } from '../../../../test/factories.ts'
import { clientSignedInAs, type TestClient } from '../../../../test/http-client.ts'
import type { ManualClock } from '../../../clock.ts'
import { referralScene, type ReferralScene } from '../../referrals/test-support.ts'
import { runLinkage } from '../link-run.ts'
import {
  importLinkablePeople,
  PEOPLE_ROWS,
  personOfRecords,
  recordIdOf,
} from '../test-support/linked-people.ts'

/**
 * The subject-rights world: the linkable people of the people tests, one more person who shares
 * an incident and a household with Benjamin Hughes (the subject), and a referral about Benjamin
 * from a police officer to the council, which the council's practitioner has read. Canaries sit
 * in the third party's name and the staff's names.
 */
export const THIRD_PARTY_CANARY = 'Qwertzcanary'
export const STAFF_CANARIES = ['Olive Officer', 'Cara Council', 'Cody Council', 'Sam Supervisor']

export const SUBJECT_ROWS: string[][] = [
  ...PEOPLE_ROWS,
  [
    'col-police',
    'P97',
    'Ozzy',
    THIRD_PARTY_CANARY,
    '1981-01-01',
    '3 Wood Street, London',
    'EC2V 7AN',
    '2',
    'witness',
  ],
]

export interface SubjectScene {
  scene: ReferralScene
  subjectId: number
  records: { police: number; council: number }
  referralId: number
  dpo: TestUser
  as: (user: { id: string }) => Promise<TestClient>
}

export async function subjectScene(
  database: TestDatabase,
  app: FastifyInstance,
  clock: ManualClock,
): Promise<SubjectScene> {
  const scene = await referralScene(database)
  await importLinkablePeople(database.db, clock, SUBJECT_ROWS)
  await runLinkage(database.db, { clock })
  const people = await personOfRecords(database.db)
  const subjectId = people.get('P2')!
  assert.equal(people.get('C78'), subjectId, 'the two records of Benjamin Hughes are one person')
  assert.notEqual(people.get('P97'), subjectId)
  const as = (user: { id: string }) => clientSignedInAs(app, database.db, clock, user.id)
  const officer = await as(scene.users.officer)
  await officer.get('/referrals/new')
  const made = await officer.postForm('/referrals', {
    purpose: 'safeguarding',
    to: `team:${scene.councilTeam.id}`,
    priority: 'high',
    personId: String(subjectId),
    subject: '',
    reason: 'Seen at two incidents, needs early help',
    policeNote: '',
  })
  assert.equal(made.statusCode, 303, made.body)
  const referralId = Number(/\/referrals\/(\d+)/.exec(String(made.headers.location))![1])
  const council = await as(scene.users.councilPractitioner)
  const read = await council.get(`/referrals/${referralId}`)
  assert.equal(read.statusCode, 200, read.body)
  const dpo = await createUser(database.db, {
    role: 'auditor',
    organisationId: scene.police.id,
    displayName: 'Dora Dpo',
  })
  return {
    scene,
    subjectId,
    records: { police: await recordIdOf(database.db, 'P2'), council: await recordIdOf(database.db, 'C78') },
    referralId,
    dpo,
    as,
  }
}
