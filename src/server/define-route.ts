import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifySchema,
  HTTPMethods,
  RouteOptions,
} from 'fastify'
import { isPermission, type Permission } from '../modules/platform/roles.ts'
import type { AuditAction } from '../modules/platform/audit/audit-log.ts'

/**
 * Every route says who may call it, beside its path. Deny by default: a route registered
 * without a valid declaration stops the server from building (see checkRouteDeclaration).
 */
export type Access = Permission | 'public' | 'signed-in'

/** The class of data a route shows or changes; 'none' for pages without records. */
export type DataClass = 'none' | 'account' | 'organisation' | 'audit' | 'personal' | 'incidents' | 'imports'

export interface RouteAccess {
  permission: Access
  dataClass: DataClass
  /** The audit operation the handler records, where it records one. */
  audit?: AuditAction
}

export interface RouteSpec {
  permission: Access
  dataClass?: DataClass
  audit?: AuditAction
  schema?: FastifySchema
  bodyLimit?: number
  handler: (request: FastifyRequest, reply: FastifyReply) => unknown
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess
  }
}

type Verb = 'get' | 'post' | 'put' | 'patch' | 'delete'

export interface RouteDefiner {
  get(url: string, spec: RouteSpec): void
  post(url: string, spec: RouteSpec): void
  put(url: string, spec: RouteSpec): void
  patch(url: string, spec: RouteSpec): void
  delete(url: string, spec: RouteSpec): void
}

export function defineRoutes(app: FastifyInstance): RouteDefiner {
  const add = (method: HTTPMethods) => (url: string, spec: RouteSpec) => {
    app.route({
      method,
      url,
      schema: spec.schema,
      bodyLimit: spec.bodyLimit,
      config: { access: { permission: spec.permission, dataClass: spec.dataClass ?? 'none', audit: spec.audit } },
      handler: spec.handler as RouteOptions['handler'],
    })
  }
  const verbs: Record<Verb, HTTPMethods> = { get: 'GET', post: 'POST', put: 'PUT', patch: 'PATCH', delete: 'DELETE' }
  return Object.fromEntries(Object.entries(verbs).map(([verb, method]) => [verb, add(method)])) as unknown as RouteDefiner
}

export class UndeclaredRouteError extends Error {
  override name = 'UndeclaredRouteError'
}

const isValidAccess = (value: unknown): value is Access =>
  value === 'public' || value === 'signed-in' || isPermission(value)

/** Called from Fastify's onRoute hook for every route, including plugins' routes. */
export function checkRouteDeclaration(route: RouteOptions): void {
  const access = (route.config as { access?: RouteAccess } | undefined)?.access
  const methods = Array.isArray(route.method) ? route.method.join(',') : route.method
  if (!access || !isValidAccess(access.permission)) {
    throw new UndeclaredRouteError(
      `Route ${methods} ${route.url} declares no valid permission: register it with defineRoutes(app) and a permission`,
    )
  }
}

export interface RegisteredRoute {
  method: string
  url: string
  access: RouteAccess
}

/** Collects every route as it is registered, for the route/role tests and the docs. */
export function collectRoutes(app: FastifyInstance): RegisteredRoute[] {
  const routes: RegisteredRoute[] = []
  app.addHook('onRoute', (route) => {
    checkRouteDeclaration(route)
    const access = (route.config as { access: RouteAccess }).access
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, access })
  })
  return routes
}
