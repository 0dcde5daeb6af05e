import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { MethodOption } from '../method.ts'
import { ANALYSIS_METHODS } from '../methods.ts'
import { METHOD_EXPLANATIONS, methodExplanation } from './explanations.ts'

/** How the form shows a default: a list joined by commas, a switch as Yes or No. */
function shownDefault(option: MethodOption): string | undefined {
  const value = option.default
  if (value === undefined || value === '') return undefined
  if (Array.isArray(value)) return value.join(',')
  if (typeof value === 'boolean') return value ? 'Yes' : 'No'
  return String(value)
}

/** The default as a word of its own: "1" must not be found inside "100" or "0.1". */
function quotes(text: string, shown: string): boolean {
  const escaped = shown.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`(?<![\\w.]|\\d,)${escaped}(?!\\w|[.,]\\d)`).test(text)
}

test('every registered method has an explanation with a question, how to read it and a caution', () => {
  for (const method of ANALYSIS_METHODS) {
    const explanation = methodExplanation(method.name)
    assert.ok(explanation, `${method.name} has no explanation in pages/explanations.ts`)
    assert.ok(explanation.question.length > 20, method.name)
    assert.ok(explanation.reading.length >= 1, method.name)
    assert.ok(explanation.cautions.length >= 1, method.name)
  }
})

test('no explanation is left for a method that is no longer registered', () => {
  const registered = new Set(ANALYSIS_METHODS.map((method) => method.name))
  assert.deepEqual(
    Object.keys(METHOD_EXPLANATIONS).filter((name) => !registered.has(name)),
    [],
  )
  assert.equal(methodExplanation('toString'), undefined)
})

test('every option with a default is explained, and each explanation quotes the default the method has', () => {
  for (const method of ANALYSIS_METHODS) {
    const explanation = methodExplanation(method.name)!
    const explained = new Set(explanation.defaults.flatMap((entry) => entry.options))
    for (const option of method.options) {
      if (option.default !== undefined) assert.ok(explained.has(option.key), `${method.name}: ${option.key}`)
    }
    for (const entry of explanation.defaults) {
      for (const key of entry.options) {
        const option = method.options.find((candidate) => candidate.key === key)
        assert.ok(option, `${method.name} explains ${key}, which is not one of its options`)
        const shown = shownDefault(option)
        if (shown === undefined) {
          assert.match(entry.text, /left empty/, `${method.name} ${key} has no default: say what empty means`)
        } else {
          assert.ok(quotes(entry.text, shown), `${method.name} ${key}: "${entry.text}" should quote ${shown}`)
        }
      }
    }
  }
})

test('the check of quoted defaults tells a changed default from a number inside another', () => {
  assert.ok(quotes('Seed 1: the same', '1'))
  assert.ok(quotes('Permutations 999 with seed 1.', '1'))
  assert.ok(!quotes('the latest 100 places', '1'))
  assert.ok(!quotes('p below 0.1', '1'))
  assert.ok(!quotes('bands 0,1,32', '1'))
  assert.ok(quotes('Top 1,5,10: the shares', '1,5,10'))
  assert.ok(!quotes('Top 1,5,10,20', '1,5,10'))
  assert.ok(quotes('Split period, areas h3', 'period'))
})
