import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { validateRule, type RuleProblem } from './rule-definition.ts'
import { SHIPPED_RULE_DEFINITIONS } from './shipped-rules.ts'

const repeatMissing = () => structuredClone(SHIPPED_RULE_DEFINITIONS[3]) as Record<string, unknown>

function refusal(rule: unknown): RuleProblem[] {
  const result = validateRule(rule)
  assert.equal(result.ok, false, 'expected the rule to be refused')
  return result.ok ? [] : result.problems
}

const paths = (problems: RuleProblem[]) => problems.map((problem) => problem.path)

test('an unknown field is refused, naming it', () => {
  const problems = refusal({ ...repeatMissing(), lookback: 90 })
  assert.deepEqual(paths(problems), ['lookback'])
  assert.match(problems[0]!.message, /unknown field/)
})

test('an unknown field inside the event conditions is refused with its full path', () => {
  const rule = repeatMissing()
  rule.events = { kinds: ['missing-episode'], flag: ['child'] }
  assert.deepEqual(paths(refusal(rule)), ['events.flag'])
})

test('an unknown flag, role or kind names its place in the list and the known values', () => {
  const rule = repeatMissing()
  rule.events = {
    kinds: ['missing-episode', 'burglary'],
    roles: ['perpetrator'],
    flagsAny: ['child', 'drugs'],
  }
  const problems = refusal(rule)
  assert.deepEqual(paths(problems), ['events.kinds[1]', 'events.roles[0]', 'events.flagsAny[1]'])
  assert.match(problems[2]!.message, /'drugs' is not a known flag \(known: domestic-abuse/)
})

test('a window of 0 days, a negative window and one over ten years are refused', () => {
  for (const windowDays of [0, -5, 3654, 1.5, '90']) {
    const problems = refusal({ ...repeatMissing(), windowDays })
    assert.deepEqual(paths(problems), ['windowDays'], `windowDays ${String(windowDays)}`)
  }
  assert.equal(validateRule({ ...repeatMissing(), windowDays: 3653 }).ok, true)
})

test('a threshold below 1 is refused', () => {
  assert.deepEqual(paths(refusal({ ...repeatMissing(), threshold: { atLeast: 0 } })), ['threshold.atLeast'])
})

test('an impossible age range is refused', () => {
  const problems = refusal({ ...repeatMissing(), personAgeAtEvent: { atLeast: 18, under: 18 } })
  assert.deepEqual(paths(problems), ['personAgeAtEvent'])
  assert.match(problems[0]!.message, /no age is at least 18 and under 18/)
})

test('an empty list is refused rather than silently matching nothing', () => {
  const rule = repeatMissing()
  rule.events = { roles: [] }
  assert.match(refusal(rule)[0]!.message, /empty list matches nothing/)
})

test('a score with an unknown method and a negative cut-off names both', () => {
  const problems = refusal({ ...repeatMissing(), score: { method: 'oasys', cutOff: -1 } })
  assert.deepEqual(paths(problems), ['score.method', 'score.cutOff'])
})

test('every problem of a rule is reported at once', () => {
  const problems = refusal({ key: 'Bad Key', version: 0, purpose: 'curiosity', windowDays: 0 })
  for (const path of [
    'key',
    'version',
    'title',
    'purpose',
    'priority',
    'evidenceFrom',
    'events',
    'windowDays',
    'threshold',
  ]) {
    assert.ok(paths(problems).includes(path), `missing a problem at ${path}`)
  }
})

test('an accepted rule is a copy: changing the input afterwards does not change it', () => {
  const input = repeatMissing()
  const result = validateRule(input)
  assert.ok(result.ok)
  ;(input.events as { kinds: string[] }).kinds.push('crime')
  assert.deepEqual(result.rule.events.kinds, ['missing-episode'])
  assert.equal(result.rule.threshold.count, 'distinct-incidents')
})

/** Every place in a JSON value, as a list of keys from the root. */
function placesOf(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  const places = [at]
  if (Array.isArray(value)) value.forEach((item, index) => places.push(...placesOf(item, [...at, index])))
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) places.push(...placesOf(item, [...at, key]))
  }
  return places
}

function mutate(
  rule: unknown,
  place: (string | number)[],
  action: 'replace' | 'delete' | 'add',
  value: unknown,
): unknown {
  if (place.length === 0) return action === 'replace' ? value : rule
  const copy = structuredClone(rule) as Record<string | number, unknown>
  let parent = copy
  for (const key of place.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>
  const last = place[place.length - 1]!
  if (action === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1)
    else delete parent[last]
  } else if (action === 'add' && !Array.isArray(parent)) {
    parent[`extra${String(last)}`] = value
  } else {
    parent[last] = value
  }
  return copy
}

test('random changes to valid rules never crash the validator: each is valid or refused with paths', () => {
  const mutation = fc.record({
    rule: fc.constantFrom(...SHIPPED_RULE_DEFINITIONS),
    pick: fc.nat(),
    action: fc.constantFrom('replace', 'delete', 'add'),
    value: fc.oneof(
      fc.jsonValue(),
      fc.constantFrom(
        0,
        -1,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        3654,
        '',
        'missing-episode',
        'drugs',
        null,
        [],
        {},
        18,
        17.5,
      ),
    ),
  })
  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
      let rule: unknown = mutations[0]!.rule
      for (const step of mutations) {
        const places = placesOf(rule)
        rule = mutate(rule, places[step.pick % places.length]!, step.action, step.value)
      }
      const result = validateRule(rule)
      if (!result.ok) {
        assert.ok(result.problems.length > 0)
        for (const problem of result.problems) {
          assert.ok(problem.path.length > 0 && problem.message.length > 0)
        }
      } else {
        assert.equal(validateRule(result.rule).ok, true, 'an accepted rule must validate again')
      }
    }),
    { numRuns: 2000 },
  )
})
