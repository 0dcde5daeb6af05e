import assert from 'node:assert/strict'
import { test } from 'node:test'
import { applyWithholdings, redactedWhy, type BundleItem } from './bundle.ts'

test('a trigger’s reason keeps what happened but not which household member it was', () => {
  assert.equal(
    redactedWhy(
      'crime (violence): an adult of the household (person 42, aged 37) as suspect, flagged domestic-abuse',
    ),
    'crime (violence): an adult of the household (another person) as suspect, flagged domestic-abuse',
  )
  assert.equal(
    redactedWhy('crime (burglary): the person as victim'),
    'crime (burglary): the person as victim',
  )
})

test('withheld items leave the bundle and are listed with their reasons', () => {
  const item = (key: string): BundleItem => ({ key, kind: 'record', title: key, fields: [], tables: [] })
  const bundle = applyWithholdings(
    7,
    [item('record:1'), item('record:2')],
    [{ itemKey: 'record:2', reason: 'Third party' }],
  )
  assert.deepEqual(
    bundle.items.map((i) => i.key),
    ['record:1'],
  )
  assert.deepEqual(bundle.withheld, [{ key: 'record:2', kind: 'record', reason: 'Third party' }])
})
