import type { FastifyInstance } from 'fastify'
import { defineRoutes } from '../../../server/define-route.ts'
import { PERMISSIONS, permissionsOf, ROLE_DESCRIPTIONS, ROLE_LABELS, ROLES, roleHasPermission, type Permission } from '../roles.ts'
import { registerOrganisationRoutes } from './organisation-routes.ts'
import { registerPartnershipRoutes } from './partnership-routes.ts'
import { registerSharingAgreementRoutes } from './sharing-agreement-routes.ts'
import { registerTeamRoutes } from './team-routes.ts'
import { registerUserRoutes } from './user-routes.ts'

const AREAS: { href: string; title: string; description: string; permission: Permission }[] = [
  { href: '/admin/users', title: 'Users', description: 'Create accounts, change roles and teams, disable accounts, end sessions, reset passwords.', permission: 'admin:users' },
  { href: '/admin/organisations', title: 'Organisations', description: 'The partner organisations and how their staff sign in.', permission: 'admin:organisations' },
  { href: '/admin/teams', title: 'Teams', description: 'Neighbourhood teams, problem-solving hubs and their members.', permission: 'admin:teams' },
  { href: '/admin/sharing-agreements', title: 'Sharing agreements', description: 'Which organisation may see which data, for what purpose, and until when.', permission: 'admin:sharing-agreements' },
  { href: '/admin/roles', title: 'Roles', description: 'What each role may do.', permission: 'admin:roles' },
  { href: '/admin/partnership', title: 'Partnership settings', description: 'The partnership’s name, its police force and the areas it serves.', permission: 'admin:partnership' },
]

export function registerAdminRoutes(app: FastifyInstance): void {
  const route = defineRoutes(app)
  route.get('/admin', {
    permission: 'admin:users',
    handler: (request, reply) =>
      reply.render('platform/admin/pages/index.njk', {
        pageTitle: 'Administration',
        areas: AREAS.filter((area) => roleHasPermission(request.user!.role, area.permission)),
      }),
  })
  route.get('/admin/roles', {
    permission: 'admin:roles',
    handler: (_request, reply) =>
      reply.render('platform/admin/pages/roles.njk', {
        pageTitle: 'Roles',
        roles: ROLES.map((role) => ({ role, label: ROLE_LABELS[role], description: ROLE_DESCRIPTIONS[role] })),
        permissions: Object.entries(PERMISSIONS).map(([permission, description]) => ({
          permission,
          description,
          granted: ROLES.map((role) => permissionsOf(role).includes(permission as Permission)),
        })),
      }),
  })
  registerOrganisationRoutes(app)
  registerTeamRoutes(app)
  registerUserRoutes(app)
  registerSharingAgreementRoutes(app)
  registerPartnershipRoutes(app)
}
