import type { FastifyInstance, FastifyReply } from 'fastify'
import type nunjucks from 'nunjucks'
import { permissionsOf } from '../modules/platform/roles.ts'
import { navigationFor } from './navigation.ts'

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a page with the layout's context (partnership, user, navigation, CSRF token, CSP nonce). */
    render(template: string, context?: Record<string, unknown>): FastifyReply
  }
}

export function registerRendering(app: FastifyInstance, views: nunjucks.Environment): void {
  app.decorateReply('render', function (this: FastifyReply, template: string, context: Record<string, unknown> = {}) {
    const request = this.request
    const html = views.render(template, {
      partnership: app.partnership,
      user: request.user,
      navigation: navigationFor(request.user, request.url),
      /** What the signed-in user may do, for links a template shows only to some. */
      permissions: request.user ? permissionsOf(request.user.role) : [],
      csrfToken: request.csrfToken,
      cspNonce: request.cspNonce,
      currentPath: request.url,
      ...context,
    })
    return this.type('text/html; charset=utf-8').send(html)
  })
}
