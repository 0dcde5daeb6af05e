import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { chooseTeam, type TeamLoad } from './routing.ts'

const team = (name: string, openCaseload: number, capacity: number): TeamLoad => ({
  teamId: name,
  organisationId: 'o',
  name,
  openCaseload,
  capacity,
})

test('the team with the lowest share of its capacity in use gets the referral', () => {
  const choice = chooseTeam([team('North', 5, 10), team('South', 2, 2), team('East', 6, 20)])
  assert.deepEqual([choice?.team.name, choice?.overCapacity], ['East', false])
})

test('when every covering team is full the least loaded still gets it, marked over capacity', () => {
  const choice = chooseTeam([team('North', 12, 10), team('South', 3, 2)])
  assert.deepEqual([choice?.team.name, choice?.overCapacity], ['North', true])
  assert.equal(chooseTeam([]), null)
})

test('the choice does not depend on the order the teams are listed in', () => {
  const loads = fc.array(
    fc.record({
      teamId: fc.uuid(),
      organisationId: fc.constant('o'),
      name: fc.string({ maxLength: 5 }),
      openCaseload: fc.nat(50),
      capacity: fc.integer({ min: 1, max: 30 }),
    }),
    { minLength: 1, maxLength: 8 },
  )
  fc.assert(
    fc.property(loads, (teams) => {
      const chosen = chooseTeam(teams)!.team
      assert.equal(chooseTeam([...teams].reverse())!.team.teamId, chosen.teamId)
      for (const other of teams)
        assert.ok(chosen.openCaseload / chosen.capacity <= other.openCaseload / other.capacity)
    }),
  )
})
