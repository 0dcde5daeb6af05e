import type { PlatformTables } from '../modules/platform/tables.ts'
import type { OidcTables } from '../modules/platform/auth/oidc-tables.ts'
import type { MfaTables } from '../modules/platform/auth/mfa-tables.ts'
import type { DataHubTables } from '../modules/data-hub/tables.ts'

/** The whole database as Kysely sees it: each module contributes its own tables. */
export type Database = PlatformTables & OidcTables & MfaTables & DataHubTables
