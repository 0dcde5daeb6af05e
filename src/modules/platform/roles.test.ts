import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PERMISSIONS, ROLES, roleHasPermission, type Permission, type Role } from './roles.ts'

/**
 * Who may do what, written out by hand: a change to roles.ts that gives a permission to
 * another role, or takes one away, must change this table too, in the same review.
 */
const EXPECTED: Record<Permission, Role[]> = {
  'admin:partnership': ['administrator'],
  'admin:organisations': ['administrator'],
  'admin:teams': ['administrator'],
  'admin:users': ['administrator'],
  'admin:roles': ['administrator'],
  'admin:sharing-agreements': ['administrator'],
  'audit:read-all': ['administrator', 'auditor'],
  'audit:read-team': ['supervisor'],
  'api:read-self': [...ROLES],
  'data:read': ['administrator', 'analyst', 'officer', 'supervisor', 'strategic_lead'],
  'data:import': ['administrator', 'analyst'],
  'data:export': ['administrator', 'analyst', 'supervisor'],
  'analysis:read': ['administrator', 'analyst', 'officer', 'supervisor', 'strategic_lead'],
  'analysis:run': ['administrator', 'analyst'],
  'people:read': ['officer', 'supervisor'],
  'people:review': ['analyst', 'supervisor'],
  'people:link': ['administrator', 'analyst'],
  'people:restrict': ['administrator', 'supervisor'],
  'people:subject-rights': ['auditor'],
  'people:retention': ['supervisor', 'auditor'],
  'people:erase': ['auditor'],
  'referrals:read': ['officer', 'partner_practitioner', 'supervisor'],
  'referrals:make': ['officer', 'partner_practitioner', 'supervisor'],
  'referrals:screen': ['supervisor'],
  'referrals:work': ['officer', 'partner_practitioner', 'supervisor'],
  'triggers:read': ['analyst', 'supervisor'],
  'triggers:edit': ['analyst', 'supervisor'],
  'triggers:approve': ['supervisor'],
}

test('each permission belongs to exactly the roles the reviewed table names', () => {
  for (const permission of Object.keys(PERMISSIONS) as Permission[]) {
    const holders = ROLES.filter((role) => roleHasPermission(role, permission))
    assert.deepEqual(holders, EXPECTED[permission], permission)
  }
})

test('a partner practitioner can neither administer nor read the audit log', () => {
  for (const permission of Object.keys(PERMISSIONS) as Permission[]) {
    if (permission.startsWith('admin:') || permission.startsWith('audit:')) {
      assert.equal(roleHasPermission('partner_practitioner', permission), false, permission)
    }
  }
})
