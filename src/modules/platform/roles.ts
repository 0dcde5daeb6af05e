/**
 * Roles and what each may do. Routes name a permission; a role either has it or not.
 * Personal data needs more than a permission: a sharing agreement (see sharing.ts).
 */
export const ROLES = [
  'administrator',
  'analyst',
  'officer',
  'partner_practitioner',
  'supervisor',
  'strategic_lead',
  'auditor',
] as const
export type Role = (typeof ROLES)[number]

export const ROLE_LABELS: Record<Role, string> = {
  administrator: 'Administrator',
  analyst: 'Analyst',
  officer: 'Neighbourhood officer',
  partner_practitioner: 'Partner practitioner',
  supervisor: 'Supervisor',
  strategic_lead: 'Strategic lead',
  auditor: 'Auditor (data protection officer)',
}

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  administrator: 'Runs the system: organisations, teams, users, roles and sharing agreements.',
  analyst: 'Imports data and runs analyses of where harm concentrates and what repeats.',
  officer: 'Works referrals and problem-solving plans for a neighbourhood.',
  partner_practitioner:
    'Receives and works referrals in a partner organisation, within its sharing agreements.',
  supervisor: "Screens and assigns work, quality-assures plans, reads the audit of their team's actions.",
  strategic_lead: 'Follows deliverables, indicators, budgets and evaluations for the board.',
  auditor: 'Reads and searches the whole audit log, for the data protection officer.',
}

export const PERMISSIONS = {
  'admin:partnership': 'Change the partnership settings',
  'admin:organisations': 'Manage organisations and their sign-in',
  'admin:teams': 'Manage teams and their members',
  'admin:users': 'Manage user accounts and end their sessions',
  'admin:roles': 'See roles and their permissions',
  'admin:sharing-agreements': 'Manage information-sharing agreements',
  'audit:read-all': 'Search the whole audit log',
  'audit:read-team': "Search the audit log for the actions of one's own teams",
  'api:read-self': 'Read one’s own account through the API',
  'data:read': 'See data sources, import runs, incidents and their maps',
  'data:import': 'Import data files and read their reports',
  'data:export': 'Export incidents as CSV or GeoJSON',
  'analysis:read': 'See analysis methods and the results of analysis runs',
  'analysis:run': 'Run analyses of incidents and cancel them',
  'people:read': 'See linked people: their records, households and timeline, for a stated purpose',
  'people:review': 'Confirm or split uncertain links between person records, and undo decisions',
  'people:link': 'Run record linkage over the person records',
  'people:retention': 'Review person records due for review under their retention rule: retain with a rationale, or dispose',
  'people:erase': 'Erase a person and everything derived from them (data protection officer)',
  'people:subject-rights':
    'Act on people’s data protection rights: access requests, rectification, marking beyond use',
  'people:restrict':
    'Restrict a person’s record to named users, review and lift restrictions, declare staff interests and give involvement grants',
  'referrals:read': 'See the referrals sent to or made by one’s organisation, within its sharing agreements',
  'referrals:make': 'Make referrals and answer requests for more information',
  'referrals:screen': 'Screen referrals (accept, decline, ask for more information), assign them and see conversion by rule',
  'referrals:work': 'Work assigned referrals: actions, notes, outcomes and onward referrals',
  'triggers:read': 'See trigger rules, their versions and dry runs',
  'triggers:edit': 'Write draft versions of trigger rules and dry-run them',
  'triggers:approve': 'Approve a draft trigger rule written by someone else, putting it live',
} as const
export type Permission = keyof typeof PERMISSIONS

const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  administrator: [
    'admin:partnership',
    'admin:organisations',
    'admin:teams',
    'admin:users',
    'admin:roles',
    'admin:sharing-agreements',
    'audit:read-all',
    'api:read-self',
    'data:read',
    'data:import',
    'data:export',
    'analysis:read',
    'analysis:run',
    'people:link',
    'people:restrict',
  ],
  analyst: [
    'api:read-self',
    'data:read',
    'data:import',
    'data:export',
    'analysis:read',
    'analysis:run',
    'people:review',
    'people:link',
    'triggers:read',
    'triggers:edit',
  ],
  officer: ['api:read-self', 'data:read', 'analysis:read', 'people:read', 'referrals:read', 'referrals:make', 'referrals:work'],
  partner_practitioner: ['api:read-self', 'referrals:read', 'referrals:make', 'referrals:work'],
  supervisor: [
    'audit:read-team',
    'api:read-self',
    'data:read',
    'data:export',
    'analysis:read',
    'people:read',
    'people:review',
    'people:restrict',
    'people:retention',
    'referrals:read',
    'referrals:make',
    'referrals:screen',
    'referrals:work',
    'triggers:read',
    'triggers:edit',
    'triggers:approve',
  ],
  strategic_lead: ['api:read-self', 'data:read', 'analysis:read'],
  auditor: ['audit:read-all', 'api:read-self', 'people:subject-rights', 'people:retention', 'people:erase'],
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value)
}

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && Object.hasOwn(PERMISSIONS, value)
}

export function permissionsOf(role: Role): readonly Permission[] {
  return ROLE_PERMISSIONS[role]
}

export function roleHasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission)
}
