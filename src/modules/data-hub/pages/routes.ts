import type { FastifyInstance } from 'fastify'

/** Placeholder, filled in by the work it is named after. */
export function registerDataPagesRoutes(_app: FastifyInstance): void {}
