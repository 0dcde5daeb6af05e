import type { FastifyInstance } from 'fastify'

/** Placeholder, filled in by the work it is named after. */
export function registerUploadRoutes(_app: FastifyInstance): void {}
