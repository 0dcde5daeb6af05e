import type { FastifyInstance } from 'fastify'
import { registerReferralApiRoutes } from './api-routes.ts'
import { registerReferralPageRoutes } from './page-routes.ts'

/** Every route of the referrals module: the pages under /referrals and the API under /api/v1/referrals. */
export function registerReferralRoutes(app: FastifyInstance): void {
  registerReferralPageRoutes(app)
  registerReferralApiRoutes(app)
}
