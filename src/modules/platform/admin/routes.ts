import type { FastifyInstance } from 'fastify'

export function registerAdminRoutes(_app: FastifyInstance): void {}
