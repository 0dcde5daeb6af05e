import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { backends } from '../../../../test/backends.ts'
import { createOrganisation, createTeam, createUser } from '../../../../test/factories.ts'
import { countRows, inputValue, useAdminApp } from './admin-test-setup.ts'

for (const backend of backends()) {
  describe(`team administration on ${backend.name}`, () => {
    const context = useAdminApp(backend)
    const membersOf = async (teamId: string) =>
      (await context.database.db.selectFrom('team_membership').select('user_id').where('team_id', '=', teamId).execute()).map((row) => row.user_id).sort()

    test('an administrator adds a team with members from more than one organisation', async () => {
      const client = await context.signedIn()
      const council = await createOrganisation(context.database.db, { kind: 'council' })
      const officer = await createUser(context.database.db, { organisationId: context.police.id })
      const practitioner = await createUser(context.database.db, { role: 'partner_practitioner', organisationId: council.id })
      const form = await client.get('/admin/teams/new')
      assert.match(form.body, new RegExp(`value="${practitioner.id}"`))
      const consulted = (await context.auditEvents('LIST_TEAM_MEMBER_CHOICES')).at(-1)!
      assert.equal(consulted.action, 'consult')
      assert.ok(consulted.record_ids.includes(practitioner.id))
      const response = await client.postForm('/admin/teams', {
        name: 'Riverside Hub',
        kind: 'problem_solving_hub',
        organisationId: council.id,
        memberIds: [officer.id, practitioner.id],
      })
      assert.equal(response.statusCode, 303)
      const team = await context.database.db.selectFrom('team').selectAll().where('name', '=', 'Riverside Hub').executeTakeFirstOrThrow()
      assert.deepEqual(await membersOf(team.id), [officer.id, practitioner.id].sort())
      assert.match((await client.get('/admin/teams?saved=created')).body, /Team added/)
      assert.deepEqual((await context.auditEvents('CREATE_TEAM')).at(-1)!.record_ids, [team.id])
    })

    test('a team form with problems is shown again with linked errors and nothing is written', async () => {
      const client = await context.signedIn()
      const before = await countRows(context.database, 'team')
      const response = await client.postForm('/admin/teams', { name: 'Kept name', kind: '', organisationId: '', memberIds: ['not-a-user'] })
      assert.equal(response.statusCode, 400)
      assert.match(response.body, /href="#kind">Select the kind of team/)
      assert.match(response.body, /href="#organisationId">Select the organisation/)
      assert.match(response.body, /href="#memberIds">Select members from the list/)
      assert.equal(inputValue(response.body, 'name'), 'Kept name')
      assert.equal(await countRows(context.database, 'team'), before)
    })

    test('two teams of one organisation cannot share a name', async () => {
      const client = await context.signedIn()
      await createTeam(context.database.db, context.police.id, { name: 'North Neighbourhood Team' })
      const response = await client.postForm('/admin/teams', { name: 'North Neighbourhood Team', kind: 'neighbourhood_team', organisationId: context.police.id })
      assert.equal(response.statusCode, 400)
      assert.match(response.body, /href="#name">This organisation already has a team called/)
    })

    test('editing members replaces them and records which fields changed', async () => {
      const client = await context.signedIn()
      const first = await createUser(context.database.db, { organisationId: context.police.id })
      const second = await createUser(context.database.db, { organisationId: context.police.id })
      const team = await createTeam(context.database.db, context.police.id, { name: 'Edit Me', memberIds: [first.id] })
      const response = await client.postForm(`/admin/teams/${team.id}`, {
        name: 'Edit Me',
        kind: 'neighbourhood_team',
        organisationId: context.police.id,
        memberIds: [second.id],
        version: '1',
      })
      assert.equal(response.statusCode, 303)
      assert.deepEqual(await membersOf(team.id), [second.id])
      assert.deepEqual((await context.auditEvents('UPDATE_TEAM')).at(-1)!.details, { fields: ['memberIds'] })
    })

    test('a stale team version answers 409 and keeps the first change', async () => {
      const client = await context.signedIn()
      const team = await createTeam(context.database.db, context.police.id, { name: 'Contested' })
      const form = { kind: 'neighbourhood_team', organisationId: context.police.id, version: '1' }
      await client.postForm(`/admin/teams/${team.id}`, { ...form, name: 'Contested one' })
      const response = await client.postForm(`/admin/teams/${team.id}`, { ...form, name: 'Contested two' })
      assert.equal(response.statusCode, 409)
      assert.equal(inputValue(response.body, 'name'), 'Contested one')
    })

    test('an unknown team is a 404 page and a non-administrator gets 403', async () => {
      const client = await context.signedIn()
      assert.equal((await client.get('/admin/teams/00000000-0000-4000-8000-000000000000')).statusCode, 404)
      const officer = await context.signedIn('officer')
      assert.equal((await officer.get('/admin/teams')).statusCode, 403)
    })
  })
}
