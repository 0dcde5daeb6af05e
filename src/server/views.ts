import path from 'node:path'
import { fileURLToPath } from 'node:url'
import nunjucks from 'nunjucks'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/**
 * One Nunjucks environment for every page. Templates are found by module-qualified
 * paths: 'layout.njk' (this folder), 'platform/admin/users.njk' (src/modules/...),
 * 'govuk/components/...' and 'moj/components/...' from the design systems.
 */
export function createViewEnvironment(options: { watch?: boolean } = {}): nunjucks.Environment {
  const loader = new nunjucks.FileSystemLoader(
    [
      path.join(root, 'src/server/views'),
      path.join(root, 'src/modules'),
      path.join(root, 'node_modules/govuk-frontend/dist'),
      path.join(root, 'node_modules/@ministryofjustice/frontend'),
    ],
    { watch: options.watch ?? false, noCache: false },
  )
  const env = new nunjucks.Environment(loader, { autoescape: true, throwOnUndefined: false })
  env.addFilter('isoDateTime', (value: Date | string | null | undefined) =>
    value ? new Date(value).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '',
  )
  env.addFilter('ukDate', (value: Date | string | null | undefined) =>
    value
      ? new Date(value).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
      : '',
  )
  return env
}
