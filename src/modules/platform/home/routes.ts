import type { FastifyInstance } from 'fastify'
import { defineRoutes } from '../../../server/define-route.ts'
import { ROLE_DESCRIPTIONS, ROLE_LABELS, roleHasPermission } from '../roles.ts'
import { homeTasksFor } from './home-tasks.ts'

export function registerHomeRoutes(app: FastifyInstance): void {
  defineRoutes(app).get('/home', {
    permission: 'signed-in',
    handler: (request, reply) => {
      const user = request.user!
      return reply.render('platform/home/pages/home.njk', {
        pageTitle: 'Home',
        roleLabel: ROLE_LABELS[user.role],
        roleDescription: ROLE_DESCRIPTIONS[user.role],
        tasks: homeTasksFor(user.role, (permission) => roleHasPermission(user.role, permission)),
      })
    },
  })
}
