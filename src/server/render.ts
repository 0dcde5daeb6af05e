import type { FastifyInstance, FastifyReply } from 'fastify'
import type nunjucks from 'nunjucks'
import { permissionsOf } from '../modules/platform/roles.ts'
import { navigationFor } from './navigation.ts'
import type { RouteAccess } from './define-route.ts'

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a page with the layout's context (partnership, user, navigation, CSRF token, CSP nonce). */
    render(template: string, context?: Record<string, unknown>): FastifyReply
  }
}

export function registerRendering(app: FastifyInstance, views: nunjucks.Environment): void {
  app.decorateReply(
    'render',
    function (this: FastifyReply, template: string, context: Record<string, unknown> = {}) {
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
        protectiveMarking: protectiveMarkingOf(request.routeOptions.config?.access),
        ...context,
      })
      return this.type('text/html; charset=utf-8').send(html)
    },
  )
}

/**
 * The Government Security Classification marking of a page: staff pages whose route is declared
 * personal show OFFICIAL-SENSITIVE (SECURITY-CHECKLIST C8), so that a printed or captured page
 * says how it must be handled. Other pages carry no marking.
 */
export function protectiveMarkingOf(access: RouteAccess | undefined): string | undefined {
  return access?.dataClass === 'personal' ? 'OFFICIAL-SENSITIVE' : undefined
}

/** A download's file name with the marking in front, for exports of personal data. */
export function markedFileName(fileName: string): string {
  return `OFFICIAL-SENSITIVE-${fileName}`
}
