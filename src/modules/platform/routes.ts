import type { FastifyInstance } from 'fastify'
import { registerAdminRoutes } from './admin/routes.ts'
import { registerApiRoutes } from './api/routes.ts'
import { registerAuditRoutes } from './audit/routes.ts'
import { registerAuthRoutes } from './auth/routes.ts'
import { registerOidcRoutes } from './auth/oidc-routes.ts'
import { registerHomeRoutes } from './home/routes.ts'

export function registerPlatformRoutes(app: FastifyInstance): void {
  registerAuthRoutes(app)
  registerOidcRoutes(app)
  registerHomeRoutes(app)
  registerAdminRoutes(app)
  registerAuditRoutes(app)
  registerApiRoutes(app)
}
