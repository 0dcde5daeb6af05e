import type { FastifyInstance } from 'fastify'
import { defineRoutes } from '../../server/define-route.ts'

/** The public side: what residents see without signing in. */
export function registerPublicSiteRoutes(app: FastifyInstance): void {
  const route = defineRoutes(app)
  route.get('/', {
    permission: 'public',
    handler: (_request, reply) => reply.render('public-site/pages/start.njk', { pageTitle: 'Home' }),
  })
  route.get('/accessibility', {
    permission: 'public',
    handler: (_request, reply) =>
      reply.render('public-site/pages/accessibility.njk', { pageTitle: 'Accessibility statement' }),
  })
}
