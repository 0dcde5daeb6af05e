import { sql } from 'kysely'
import type { FastifyInstance } from 'fastify'
import { defineRoutes } from './define-route.ts'

/** For operators and load balancers: 200 when the database answers, 503 when it does not. */
export function registerHealth(app: FastifyInstance): void {
  defineRoutes(app).get('/health', {
    permission: 'public',
    schema: { hide: true } as object,
    handler: async (_request, reply) => {
      const started = performance.now()
      try {
        await sql`select 1`.execute(app.deps.db)
        return { status: 'ok', database: { driver: app.deps.driver, ok: true, milliseconds: Math.round(performance.now() - started) } }
      } catch {
        reply.code(503).header('Retry-After', '10')
        return { status: 'unavailable', database: { driver: app.deps.driver, ok: false } }
      }
    },
  })
}
