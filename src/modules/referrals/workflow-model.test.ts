import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import fc from 'fast-check'
import { backends, type TestDatabase } from '../../../test/backends.ts'
import { ManualClock } from '../../clock.ts'
import { DomainError } from '../../errors.ts'
import { actOnReferral, type ActResult } from './act-on-referral.ts'
import { makeReferral, makeReferralInputFrom } from './make-referral.ts'
import { viewReferral } from './queries.ts'
import { referralScene, viewerOf, type ReferralScene } from './test-support.ts'
import type { ActionKind, Outcome, ReferralAction, ReferralStatus } from './workflow.ts'

/**
 * Checklist E3: a model-based test of the referral workflow with four people on one referral
 * (two screeners, a worker, the referrer), each acting on the version they last read. The model
 * is written here from the workflow as documented, not from workflow.ts, so that the two can
 * disagree. After every command the database must match the model, and a change made from a
 * stale read must come back as a conflict carrying the current version and what changed since.
 * Races start two people at once in an order fast-check's scheduler picks, on real connections.
 */

type Person = 'screenerA' | 'screenerB' | 'worker' | 'referrer'
type Role = 'screener' | 'worker' | 'referrer'
const PEOPLE: readonly Person[] = ['screenerA', 'screenerB', 'worker', 'referrer']
/** Police supervisors screen and work; the officer works; the council practitioner made the referral. */
const CAPACITY: Record<Person, readonly Role[]> = {
  screenerA: ['screener', 'worker'],
  screenerB: ['screener', 'worker'],
  worker: ['worker'],
  referrer: ['referrer'],
}

interface ModelState {
  status: ReferralStatus
  version: number
  assigned: boolean
  outcome: Outcome | null
  events: number
  onward: number
}

interface Model {
  state: ModelState
  /** The version each person's page shows. */
  seen: Record<Person, number>
}

const OPEN: readonly ReferralStatus[] = ['new', 'needs_information', 'accepted', 'assigned', 'in_progress']
const WORKABLE: readonly ReferralStatus[] = ['accepted', 'assigned', 'in_progress']
const EXPECTED: Record<
  ActionKind,
  { from: readonly ReferralStatus[]; who: readonly Role[]; to?: ReferralStatus }
> = {
  accept: { from: ['new'], who: ['screener'], to: 'accepted' },
  decline: { from: ['new', 'needs_information'], who: ['screener'], to: 'declined' },
  'request-information': { from: ['new'], who: ['screener'], to: 'needs_information' },
  'supply-information': { from: ['needs_information'], who: ['referrer'], to: 'new' },
  assign: { from: WORKABLE, who: ['screener'], to: 'assigned' },
  start: { from: ['assigned'], who: ['worker', 'screener'], to: 'in_progress' },
  note: { from: OPEN, who: ['worker', 'screener'] },
  action: { from: ['in_progress'], who: ['worker', 'screener'] },
  close: { from: ['assigned', 'in_progress'], who: ['worker', 'screener'], to: 'closed' },
  'refer-on': { from: WORKABLE, who: ['worker', 'screener'], to: 'closed' },
}

type Prediction = { ok: true; next: ModelState } | { ok: false; field: string }

function predict(state: ModelState, person: Person, action: ReferralAction): Prediction {
  const rule = EXPECTED[action.kind]
  if (!rule.from.includes(state.status) || !rule.who.some((role) => CAPACITY[person].includes(role)))
    return { ok: false, field: 'action' }
  if (action.kind === 'decline' && action.reason === '') return { ok: false, field: 'reason' }
  return {
    ok: true,
    next: {
      status: rule.to ?? state.status,
      version: state.version + 1,
      assigned: action.kind === 'assign' ? true : state.assigned,
      outcome:
        action.kind === 'close'
          ? (action.outcome as Outcome)
          : action.kind === 'refer-on'
            ? 'referred-on'
            : state.outcome,
      events: state.events + 1,
      onward: state.onward + (action.kind === 'refer-on' ? 1 : 0),
    },
  }
}

interface Real {
  database: TestDatabase
  scene: ReferralScene
  referralId: number
  scheduler: fc.Scheduler
  clock: ManualClock
}

type ActAttempt = { result: ActResult } | { invalid: string }

async function act(real: Real, person: Person, version: number, action: ReferralAction): Promise<ActAttempt> {
  try {
    return {
      result: await actOnReferral(
        real.database.db,
        viewerOf(real.scene.users[USER[person]]),
        real.referralId,
        version,
        action,
        { clock: real.clock },
      ),
    }
  } catch (error) {
    if (error instanceof DomainError && error.code === 'invalid')
      return { invalid: Object.keys(error.fields)[0]! }
    throw error
  }
}

const USER = {
  screenerA: 'supervisor',
  screenerB: 'secondSupervisor',
  worker: 'officer',
  referrer: 'councilPractitioner',
} as const satisfies Record<Person, keyof ReferralScene['users']>

async function assertDatabaseAgrees(real: Real, state: ModelState): Promise<void> {
  const db = real.database.db
  const row = await db
    .selectFrom('referral')
    .select(['status', 'version', 'assigned_user_id', 'outcome'])
    .where('id', '=', real.referralId)
    .executeTakeFirstOrThrow()
  const events = await db
    .selectFrom('referral_event')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('referral_id', '=', real.referralId)
    .executeTakeFirstOrThrow()
  const onward = await db
    .selectFrom('referral')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('onward_from_referral_id', '=', real.referralId)
    .executeTakeFirstOrThrow()
  assert.deepEqual(
    {
      status: row.status,
      version: row.version,
      assigned: row.assigned_user_id,
      outcome: row.outcome,
      events: Number(events.n),
      onward: Number(onward.n),
    },
    {
      status: state.status,
      version: state.version,
      assigned: state.assigned ? real.scene.users.officer.id : null,
      outcome: state.outcome,
      events: state.events,
      onward: state.onward,
    },
  )
}

/** A stale change is refused with the version as it is now and the changes made since it was read. */
function assertConflict(outcome: ActAttempt, readVersion: number, currentVersion: number): void {
  assert.ok(
    'result' in outcome && outcome.result.kind === 'conflict',
    `expected a conflict, got ${JSON.stringify(outcome)}`,
  )
  const conflict = outcome.result as Extract<ActResult, { kind: 'conflict' }>
  assert.equal(conflict.currentVersion, currentVersion)
  assert.ok(conflict.changes.length > 0)
  assert.ok(conflict.changes.every((change) => change.version > readVersion))
  assert.match(conflict.message, /Your change was not saved/)
}

class ReadCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly person: Person) {}
  check = () => true
  async run(model: Model, real: Real): Promise<void> {
    const read = await viewReferral(
      real.database.db,
      viewerOf(real.scene.users[USER[this.person]]),
      real.referralId,
      {
        clock: real.clock,
      },
    )
    assert.ok(read.kind === 'found')
    assert.equal(read.referral.status, model.state.status)
    assert.equal(read.referral.version, model.state.version)
    model.seen[this.person] = read.referral.version
  }
  toString = () => `read(${this.person})`
}

class ActCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly person: Person,
    readonly action: ReferralAction,
  ) {}
  check = () => true
  async run(model: Model, real: Real): Promise<void> {
    const readVersion = model.seen[this.person]
    const outcome = await act(real, this.person, readVersion, this.action)
    if (readVersion !== model.state.version) {
      assertConflict(outcome, readVersion, model.state.version)
    } else {
      const expected = predict(model.state, this.person, this.action)
      if (expected.ok) {
        assert.ok(
          'result' in outcome && outcome.result.kind === 'done',
          `expected done, got ${JSON.stringify(outcome)}`,
        )
        assert.equal(outcome.result.version, expected.next.version)
        model.state = expected.next
        model.seen[this.person] = expected.next.version
      } else {
        assert.deepEqual(outcome, { invalid: expected.field })
      }
    }
    await assertDatabaseAgrees(real, model.state)
  }
  toString = () => `${this.person}:${this.action.kind}`
}

/**
 * Two people each read the referral and act on what they read, their four steps interleaved by
 * the scheduler. Whatever the order, the result must be one the model allows for some serial
 * order: each change that went in was made from the version before it and was allowed there,
 * each refusal was of a version already superseded or of an action not allowed on what was read.
 */
class RaceCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly first: [Person, ReferralAction],
    readonly second: [Person, ReferralAction],
  ) {}
  check = () => true
  async run(model: Model, real: Real): Promise<void> {
    const s = real.scheduler
    const contender = async ([person, action]: [Person, ReferralAction]) => {
      await s.schedule(Promise.resolve(), `${person} opens the page`)
      const read = await viewReferral(
        real.database.db,
        viewerOf(real.scene.users[USER[person]]),
        real.referralId,
        {
          clock: real.clock,
        },
      )
      assert.ok(read.kind === 'found')
      await s.schedule(Promise.resolve(), `${person} presses ${action.kind}`)
      return {
        person,
        action,
        readVersion: read.referral.version,
        outcome: await act(real, person, read.referral.version, action),
      }
    }
    const results = await s.waitFor(Promise.all([contender(this.first), contender(this.second)]))
    const states = new Map<number, ModelState>([[model.state.version, model.state]])
    const done = results
      .filter((r) => 'result' in r.outcome && r.outcome.result.kind === 'done')
      .sort((a, b) => a.readVersion - b.readVersion)
    for (const change of done) {
      const before = states.get(change.readVersion)
      assert.ok(before, `${change.person} changed version ${change.readVersion}, which the model never had`)
      assert.ok(!states.has(change.readVersion + 1), 'two changes were both accepted from the same version')
      const expected = predict(before, change.person, change.action)
      assert.ok(expected.ok, `${change.person} was let ${change.action.kind} from ${before.status}`)
      states.set(expected.next.version, expected.next)
      model.state = expected.next
    }
    for (const refused of results.filter((r) => !done.includes(r))) {
      const before = states.get(refused.readVersion)
      assert.ok(before, `${refused.person} read version ${refused.readVersion}, which the model never had`)
      if ('invalid' in refused.outcome) {
        assert.deepEqual(predict(before, refused.person, refused.action), {
          ok: false,
          field: refused.outcome.invalid,
        })
      } else {
        assert.equal(refused.outcome.result.kind, 'conflict')
        assert.ok(refused.readVersion < model.state.version, 'a conflict on the version that was current')
        const current = (refused.outcome.result as Extract<ActResult, { kind: 'conflict' }>).currentVersion
        assert.ok(current > refused.readVersion && current <= model.state.version)
      }
    }
    for (const r of results) model.seen[r.person] = r.readVersion
    await assertDatabaseAgrees(real, model.state)
  }
  toString = () => `race(${this.first[0]}:${this.first[1].kind}, ${this.second[0]}:${this.second[1].kind})`
}

for (const backend of backends()) {
  describe(`the referral workflow against its model on ${backend.name}`, () => {
    let database: TestDatabase
    let scene: ReferralScene
    const clock = new ManualClock('2026-03-02T09:00:00Z')

    before(async () => {
      database = await backend.create()
      scene = await referralScene(database)
    })
    after(() => database.close())

    test('screeners, worker and referrer acting at once: the database follows the model and no stale change goes in', async () => {
      const actions: fc.Arbitrary<ReferralAction> = fc.constantFrom<ReferralAction[]>(
        { kind: 'accept', note: '' },
        { kind: 'decline', reason: 'Not for this team' },
        { kind: 'decline', reason: '' },
        { kind: 'request-information', question: 'Which school?' },
        { kind: 'supply-information', text: 'St Anne’s primary' },
        { kind: 'assign', userId: scene.users.officer.id },
        { kind: 'start' },
        { kind: 'note', text: 'Called the school' },
        { kind: 'action', text: 'Home visit' },
        { kind: 'close', outcome: 'support-provided', note: '' },
        { kind: 'refer-on', reason: 'Needs early help', to: `team:${scene.councilTeam.id}` },
      )
      const person = fc.constantFrom(...PEOPLE)
      const commands = fc.commands(
        [
          person.map((who) => new ReadCommand(who)),
          fc.tuple(person, actions).map(([who, action]) => new ActCommand(who, action)),
          fc
            .tuple(fc.shuffledSubarray([...PEOPLE], { minLength: 2, maxLength: 2 }), actions, actions)
            .map(([[a, b], first, second]) => new RaceCommand([a!, first], [b!, second])),
        ],
        { maxCommands: 10 },
      )
      await fc.assert(
        fc.asyncProperty(fc.scheduler(), commands, async (scheduler, cmds) => {
          const made = await makeReferral(
            database.db,
            viewerOf(scene.users.councilPractitioner),
            makeReferralInputFrom({
              purpose: 'safeguarding',
              to: `team:${scene.northTeam.id}`,
              priority: 'normal',
              reason: 'A family that needs support',
              subject: 'A family on Elm Street',
            }),
            { clock },
          )
          const real: Real = { database, scene, referralId: made.id, scheduler, clock }
          const state: ModelState = {
            status: 'new',
            version: 1,
            assigned: false,
            outcome: null,
            events: 1,
            onward: 0,
          }
          const seen = Object.fromEntries(PEOPLE.map((who) => [who, 1])) as Record<Person, number>
          await fc.asyncModelRun(() => ({ model: { state, seen }, real }), cmds)
        }),
        { numRuns: Number(process.env.MODEL_RUNS ?? 10) },
      )
    })
  })
}
