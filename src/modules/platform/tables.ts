import type { ColumnType, Generated } from 'kysely'

/** Table types of the platform module. Only this module's queries use them. */

type CreatedAt = ColumnType<Date, Date | string | undefined, never>
type Timestamp = ColumnType<Date, Date | string, Date | string>
type Json<T> = ColumnType<T, string, string>

export interface PartnershipTable {
  id: number
  name: string
  force_name: string
  areas_served: Json<string[]>
  updated_at: Timestamp
  version: Generated<number>
}

export interface OrganisationTable {
  id: Generated<string>
  name: string
  kind: string
  oidc_issuer: string | null
  oidc_client_id: string | null
  oidc_client_secret: string | null
  oidc_require_mfa: Generated<boolean>
  created_at: CreatedAt
  updated_at: Timestamp
  version: Generated<number>
}

export interface TeamTable {
  id: Generated<string>
  organisation_id: string
  name: string
  kind: string
  created_at: CreatedAt
  version: Generated<number>
}

export interface AppUserTable {
  id: Generated<string>
  organisation_id: string
  email: string
  display_name: string
  role: string
  password_hash: string | null
  oidc_issuer: string | null
  oidc_subject: string | null
  disabled: Generated<boolean>
  created_at: CreatedAt
  updated_at: Timestamp
  last_sign_in_at: Timestamp | null
  password_changed_at: Timestamp | null
  version: Generated<number>
}

export interface TeamMembershipTable {
  team_id: string
  user_id: string
}

export interface UserSessionTable {
  /** SHA-256 of the cookie token: a reader of the database cannot replay a session. */
  id: string
  user_id: string
  csrf_token: string
  created_at: Timestamp
  last_seen_at: Timestamp
  absolute_expires_at: Timestamp
  ip: string | null
  user_agent: string | null
  ended_at: Timestamp | null
  ended_reason: string | null
}

export interface SignInFailureTable {
  id: Generated<number>
  account_key: string
  ip: string
  failed_at: Timestamp
}

export interface SharingAgreementTable {
  id: Generated<string>
  reference: string
  title: string
  provider_organisation_id: string
  recipient_organisation_id: string
  data_classes: string[]
  purposes: string[]
  status: string
  starts_on: string
  ends_on: string | null
  requires_involvement: Generated<boolean>
  notes: string
  created_at: CreatedAt
  updated_at: Timestamp
  version: Generated<number>
}

export interface AuditEventTable {
  seq: number
  occurred_at: Timestamp
  action: string
  event: string
  outcome: string
  actor_user_id: string | null
  actor_organisation_id: string | null
  record_type: string | null
  record_ids: Json<string[]>
  record_count: number
  record_ids_sha256: string | null
  purpose: string | null
  sharing_agreement_id: string | null
  recipients: Json<AuditRecipient[]>
  request_id: string | null
  ip: string | null
  details: Json<Record<string, unknown>>
  prev_hash: string
  hash: string
}

export interface AuditRecipient {
  userId?: string
  organisationId?: string
}

export interface PlatformTables {
  partnership: PartnershipTable
  organisation: OrganisationTable
  team: TeamTable
  app_user: AppUserTable
  team_membership: TeamMembershipTable
  user_session: UserSessionTable
  sign_in_failure: SignInFailureTable
  sharing_agreement: SharingAgreementTable
  audit_event: AuditEventTable
}
