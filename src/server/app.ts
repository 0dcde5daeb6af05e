import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import fastifyCookie from '@fastify/cookie'
import fastifyFormbody from '@fastify/formbody'
import fastifyMultipart from '@fastify/multipart'
import fastifySwagger from '@fastify/swagger'
import { randomUUID } from 'node:crypto'
import { loadPartnership } from '../modules/platform/partnership.ts'
import { registerDataHubRoutes } from '../modules/data-hub/routes.ts'
import { registerAnalysisPagesRoutes } from '../modules/analysis/pages/routes.ts'
import { registerAnalysisApiRoutes } from '../modules/analysis/api/routes.ts'
import { multipartOptions } from '../modules/data-hub/upload/receive-upload.ts'
import { registerPlatformRoutes } from '../modules/platform/routes.ts'
import { registerPublicSiteRoutes } from '../modules/public-site/routes.ts'
import { registerReferralRoutes } from '../modules/referrals/index.ts'
import { registerPeopleRoutes } from '../modules/people/routes.ts'
import { registerSubjectRightsRoutes } from '../modules/people/subject-rights/index.ts'
import { registerRetentionRoutes } from '../modules/people/retention/routes.ts'
import { registerTriggerRoutes } from '../modules/triggers/routes.ts'
import { registerAssets } from './assets.ts'
import { collectRoutes, type RegisteredRoute } from './define-route.ts'
import { registerErrorHandling } from './error-handler.ts'
import { registerHealth } from './health.ts'
import { registerRendering } from './render.ts'
import { registerRequestContext, type AppDeps } from './request-context.ts'
import { registerSecurityHeaders } from './security-headers.ts'
import { createViewEnvironment } from './views.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with its access declaration, in registration order. */
    registeredRoutes: RegisteredRoute[]
    /** Reloads the partnership name shown in every page header. */
    refreshPartnership(): Promise<void>
  }
}

export interface BuildOptions {
  logger?: FastifyServerOptions['logger']
  /** Extra routes, registered like any other (tests use this to prove undeclared routes fail). */
  extraRoutes?: (app: FastifyInstance) => void | Promise<void>
}

export const BODY_LIMIT_BYTES = 1024 * 1024

export async function buildApp(deps: AppDeps, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: () => randomUUID(),
    return503OnClosing: true,
    trustProxy: process.env.UPSTREAM_TRUST_PROXY === 'true',
    routerOptions: { ignoreTrailingSlash: true },
  })
  app.decorate('registeredRoutes', collectRoutes(app))
  app.decorate('deps', deps)
  app.decorate('partnership', { name: 'Upstream', forceName: '' })
  app.decorate('refreshPartnership', async () => {
    const partnership = await loadPartnership(deps.db)
    app.partnership = { name: partnership.name, forceName: partnership.forceName }
  })
  await app.refreshPartnership()

  await app.register(fastifyCookie)
  await app.register(fastifyFormbody)
  // Before the request context: its CSRF check reads _csrf from the parsed multipart fields.
  await app.register(fastifyMultipart, multipartOptions(deps.config))
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Upstream API', version: '1', description: 'The JSON API of Upstream. Sign in first; send the CSRF token in X-CSRF-Token on writes.' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'upstream-session' } } },
    },
    hideUntagged: true,
  })
  registerRequestContext(app)
  registerRendering(app, createViewEnvironment())
  registerSecurityHeaders(app)
  registerErrorHandling(app)

  await registerAssets(app)
  registerHealth(app)
  registerPublicSiteRoutes(app)
  registerPlatformRoutes(app)
  registerDataHubRoutes(app)
  registerAnalysisPagesRoutes(app)
  registerAnalysisApiRoutes(app)
  registerReferralRoutes(app)
  registerPeopleRoutes(app)
  registerSubjectRightsRoutes(app)
  registerRetentionRoutes(app)
  registerTriggerRoutes(app)
  await options.extraRoutes?.(app)
  return app
}
