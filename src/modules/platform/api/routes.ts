import type { FastifyInstance } from 'fastify'

export function registerApiRoutes(_app: FastifyInstance): void {}
