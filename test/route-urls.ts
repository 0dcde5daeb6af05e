import { randomUUID } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../src/db/schema.ts'
import type { RegisteredRoute } from '../src/server/define-route.ts'
import { ROLES, roleHasPermission, type Role } from '../src/modules/platform/roles.ts'

/**
 * Turns the route registry into requests, for the tests that walk every route (A1, A10).
 * Routes are read from app.registeredRoutes, never listed by hand.
 */

/** Ids of real rows, chosen by the parameter's name or the path segment before it ('/organisations/:id'). */
export type RealIds = Partial<Record<'organisation' | 'team' | 'user' | 'agreement', string>>

const PARAMETER = /:([A-Za-z0-9_]+)(\((?:\\.|[^)])*\))?/g

export function concreteUrl(pattern: string, realIds: RealIds = {}): string {
  const segments = pattern.split('/')
  return segments
    .map((segment, index) =>
      segment
        .replace(PARAMETER, (_match, name: string, constraint: string | undefined) => {
          const hint = `${name} ${segments[index - 1] ?? ''}`.toLowerCase()
          const known = Object.entries(realIds).find(([kind]) => hint.includes(kind))?.[1]
          const value = known ?? randomUUID()
          if (constraint && !new RegExp(constraint.slice(1, -1)).test(value)) return '1'
          return value
        })
        .replace(/\*/g, 'x'),
    )
    .join('/')
}

export const isApiUrl = (url: string) => url.startsWith('/api/')

/** Who the declaration lets in: the expectation the matrix is checked against. */
export function declarationAllows(route: RegisteredRoute, role: Role): boolean {
  const permission = route.access.permission
  return permission === 'public' || permission === 'signed-in' || roleHasPermission(role, permission)
}

/** The role to call a route as: the administrator if the route allows one, else the first role it allows. */
export function roleAllowedOn(route: RegisteredRoute): Role | undefined {
  return ['administrator' as const, ...ROLES].find((role) => declarationAllows(route, role))
}

export async function rowCountsOfEveryTable(db: Kysely<Database>): Promise<Record<string, number>> {
  const tables = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') order by c.relname`.execute(db)
  const counts: Record<string, number> = {}
  for (const { name } of tables.rows) {
    const result = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(name)}`.execute(db)
    counts[name] = result.rows[0]!.n
  }
  return counts
}

/** Tables whose row counts differ, other than those named in `except`. */
export function changedTables(before: Record<string, number>, after: Record<string, number>, except: string[]): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)])
  return [...names]
    .filter((name) => !except.includes(name) && before[name] !== after[name])
    .map((name) => `${name}: ${before[name]} → ${after[name]}`)
}
