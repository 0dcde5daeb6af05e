import type { PlatformTables } from '../modules/platform/tables.ts'
import type { OidcTables } from '../modules/platform/auth/oidc-tables.ts'
import type { MfaTables } from '../modules/platform/auth/mfa-tables.ts'
import type { DataHubTables } from '../modules/data-hub/tables.ts'
import type { PeopleTables } from '../modules/data-hub/people/tables.ts'
import type { GeographyTables } from '../modules/data-hub/geography/tables.ts'
import type { PartnerIncidentTables } from '../modules/data-hub/formats/partner-tables.ts'
import type { PoliceUkTables } from '../modules/data-hub/formats/police-uk-tables.ts'
import type { AnalysisTables } from '../modules/analysis/runs/tables.ts'
import type { PersonIdentityTables } from '../modules/people/tables.ts'
import type { ReferralTables } from '../modules/referrals/tables.ts'
import type { TriggerTables } from '../modules/triggers/tables.ts'
import type { MailTables } from '../modules/platform/mail/tables.ts'
import type { RestrictionTables } from '../modules/people/restrictions/tables.ts'
import type { SubjectRightsTables } from '../modules/people/subject-rights/tables.ts'
import type { RetentionTables } from '../modules/people/retention/tables.ts'

/** The whole database as Kysely sees it: each module contributes its own tables. */
export type Database = PoliceUkTables &
  PlatformTables &
  OidcTables &
  MfaTables &
  DataHubTables &
  GeographyTables &
  PeopleTables &
  PartnerIncidentTables &
  AnalysisTables &
  PersonIdentityTables &
  ReferralTables &
  TriggerTables &
  MailTables &
  RestrictionTables &
  SubjectRightsTables &
  RetentionTables
