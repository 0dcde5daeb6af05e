import type { Permission, Role } from '../roles.ts'

export interface HomeTask {
  href: string
  title: string
  description: string
}

const TASKS: (HomeTask & { permission?: Permission })[] = [
  { href: '/admin/users', title: 'Users', description: 'Create accounts, change roles, end sessions.', permission: 'admin:users' },
  { href: '/admin/organisations', title: 'Organisations', description: 'Partner organisations and their sign-in.', permission: 'admin:organisations' },
  { href: '/admin/teams', title: 'Teams', description: 'Neighbourhood teams, hubs and their members.', permission: 'admin:teams' },
  { href: '/admin/sharing-agreements', title: 'Sharing agreements', description: 'Who may see which data, for what purpose.', permission: 'admin:sharing-agreements' },
  { href: '/admin/roles', title: 'Roles', description: 'What each role may do.', permission: 'admin:roles' },
  { href: '/admin/partnership', title: 'Partnership settings', description: 'Name, force and areas served.', permission: 'admin:partnership' },
  { href: '/audit', title: 'Audit log', description: 'Search who viewed, changed or shared what.', permission: 'audit:read-all' },
  { href: '/audit/team', title: "Your teams' audit log", description: 'Search the actions of the people in your teams.', permission: 'audit:read-team' },
  { href: '/account', title: 'Your account', description: 'Change your password, see your sessions.' },
]

/** The links on a user's home page: the work their role does. Later modules add theirs here. */
export function homeTasksFor(_role: Role, may: (permission: Permission) => boolean): HomeTask[] {
  return TASKS.filter((task) => !task.permission || may(task.permission)).map(({ href, title, description }) => ({ href, title, description }))
}
