import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { TestDatabase } from '../../../test/backends.ts'
import { createOrganisation, createTeam, createUser, type TestUser } from '../../../test/factories.ts'

/**
 * One partnership for the referral tests: a police force with a neighbourhood team covering
 * two areas, a council whose agreement shares referrals and names for safeguarding (not the
 * evidence), a charity with no agreement, people and incidents. Canaries sit in every field a
 * partner must never see.
 */
export const POLICE_CANARY = `CANARY-POLICE-${randomUUID()}`
export const PERSON_CANARY = `Canary Zyxwv ${randomUUID().slice(0, 8)}`

export interface ReferralScene {
  police: { id: string }
  council: { id: string }
  charity: { id: string }
  northTeam: { id: string }
  southTeam: { id: string }
  councilTeam: { id: string }
  users: Record<
    | 'officer'
    | 'supervisor'
    | 'secondSupervisor'
    | 'councilPractitioner'
    | 'councilSupervisor'
    | 'charityPractitioner'
    | 'analyst',
    TestUser
  >
  personId: number
  otherPersonId: number
  incidentIds: number[]
  agreementId: string
}

export async function referralScene(database: TestDatabase): Promise<ReferralScene> {
  const db = database.db
  const police = await createOrganisation(db, { name: 'Test Constabulary', kind: 'police_force' })
  const council = await createOrganisation(db, { name: 'Test City Council', kind: 'council' })
  const charity = await createOrganisation(db, { name: 'Test Charity', kind: 'charity' })
  const users = {
    officer: await createUser(db, {
      role: 'officer',
      organisationId: police.id,
      displayName: 'Olive Officer',
    }),
    supervisor: await createUser(db, {
      role: 'supervisor',
      organisationId: police.id,
      displayName: 'Sam Supervisor',
    }),
    secondSupervisor: await createUser(db, {
      role: 'supervisor',
      organisationId: police.id,
      displayName: 'Sol Supervisor',
    }),
    councilPractitioner: await createUser(db, {
      role: 'partner_practitioner',
      organisationId: council.id,
      displayName: 'Cara Council',
    }),
    councilSupervisor: await createUser(db, {
      role: 'supervisor',
      organisationId: council.id,
      displayName: 'Cody Council',
    }),
    charityPractitioner: await createUser(db, {
      role: 'partner_practitioner',
      organisationId: charity.id,
      displayName: 'Chad Charity',
    }),
    analyst: await createUser(db, { role: 'analyst', organisationId: police.id, displayName: 'Ana Analyst' }),
  }
  const northTeam = await createTeam(db, police.id, {
    name: 'North neighbourhood team',
    memberIds: [users.officer.id, users.supervisor.id],
  })
  const southTeam = await createTeam(db, police.id, { name: 'South neighbourhood team' })
  const councilTeam = await createTeam(db, council.id, { name: 'Early help', kind: 'safeguarding_team' })
  await db
    .insertInto('team_area')
    .values([
      { team_id: northTeam.id, area_code: 'E01000001' },
      { team_id: southTeam.id, area_code: 'E01000001' },
      { team_id: northTeam.id, area_code: 'E01000002' },
    ])
    .execute()
  await db
    .insertInto('referral_team_setting')
    .values([
      { team_id: northTeam.id, capacity: 2 },
      { team_id: southTeam.id, capacity: 1 },
    ])
    .execute()

  const person = await sql<{
    id: number
  }>`insert into person (display_name, date_of_birth) values (${PERSON_CANARY}, '1990-02-03') returning id`.execute(
    db,
  )
  const other = await sql<{
    id: number
  }>`insert into person (display_name) values ('Another Person') returning id`.execute(db)
  const run = await db
    .insertInto('import_run')
    .values({
      source_kind: 'police-uk-street',
      file_name: 'scene.csv',
      file_size: 1,
      file_sha256: randomUUID(),
      batch_size: 1,
      status: 'completed',
      message: null,
      started_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const incidentIds: number[] = []
  for (let i = 0; i < 4; i++) {
    const incident = await db
      .insertInto('incident')
      .values({
        kind: 'crime',
        source_kind: 'police-uk-street',
        import_run_id: run.id,
        natural_key: `scene-${randomUUID()}`,
        month: `2026-0${i + 1}-01`,
        category_code: 'burglary',
        category_label: 'Burglary',
      } as never)
      .returning('id')
      .executeTakeFirstOrThrow()
    incidentIds.push(Number(incident.id))
  }
  const agreement = await db
    .insertInto('sharing_agreement')
    .values({
      reference: `ISA-REF-${randomUUID().slice(0, 8)}`,
      title: 'Referrals for safeguarding',
      provider_organisation_id: police.id,
      recipient_organisation_id: council.id,
      data_classes: ['referral', 'person-identity'],
      purposes: ['safeguarding'],
      status: 'active',
      starts_on: '2020-01-01',
      ends_on: null,
      notes: '',
      updated_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return {
    police,
    council,
    charity,
    northTeam,
    southTeam,
    councilTeam,
    users,
    personId: Number(person.rows[0]!.id),
    otherPersonId: Number(other.rows[0]!.id),
    incidentIds,
    agreementId: agreement.id,
  }
}

export const viewerOf = (user: TestUser) => ({
  id: user.id,
  organisationId: user.organisationId,
  role: user.role,
})
