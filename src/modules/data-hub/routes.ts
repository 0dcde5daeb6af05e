import type { FastifyInstance } from 'fastify'
import { registerDataApiRoutes } from './api/routes.ts'
import { registerIncidentMapRoutes } from './map/routes.ts'
import { registerDataPagesRoutes } from './pages/routes.ts'
import { registerUploadRoutes } from './upload/routes.ts'

export function registerDataHubRoutes(app: FastifyInstance): void {
  registerDataPagesRoutes(app)
  registerUploadRoutes(app)
  registerIncidentMapRoutes(app)
  registerDataApiRoutes(app)
}
