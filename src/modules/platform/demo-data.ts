import fs from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'
import { hashPassword } from './auth/passwords.ts'
import { ROLE_LABELS, type Role } from './roles.ts'

/**
 * A demo partnership for the quick start: organisations of each kind, teams, one user of
 * each role with a random password, and sharing agreements between them. Loaded once,
 * into an empty database only.
 */
export interface DemoCredential {
  email: string
  password: string
  role: Role
  organisation: string
}

const ORGANISATIONS = [
  { key: 'police', name: 'Severnvale Police', kind: 'police_force' },
  { key: 'pcc', name: 'Office of the Severnvale Police and Crime Commissioner', kind: 'pcc_office' },
  { key: 'council', name: 'Severnvale Council', kind: 'council' },
  { key: 'nhs', name: 'Severnvale Hospitals NHS Trust', kind: 'nhs_trust' },
  { key: 'fire', name: 'Severnvale Fire and Rescue Service', kind: 'fire_service' },
  { key: 'charity', name: 'Safer Families Severnvale', kind: 'charity' },
] as const

const USERS: { email: string; name: string; role: Role; organisation: (typeof ORGANISATIONS)[number]['key'] }[] = [
  { email: 'admin@demo.upstream.local', name: 'Alex Administrator', role: 'administrator', organisation: 'police' },
  { email: 'analyst@demo.upstream.local', name: 'Anita Analyst', role: 'analyst', organisation: 'police' },
  { email: 'officer@demo.upstream.local', name: 'Owen Officer', role: 'officer', organisation: 'police' },
  { email: 'supervisor@demo.upstream.local', name: 'Sam Supervisor', role: 'supervisor', organisation: 'police' },
  { email: 'practitioner@demo.upstream.local', name: 'Priya Practitioner', role: 'partner_practitioner', organisation: 'council' },
  { email: 'lead@demo.upstream.local', name: 'Lee Strategic', role: 'strategic_lead', organisation: 'pcc' },
  { email: 'auditor@demo.upstream.local', name: 'Dana Auditor', role: 'auditor', organisation: 'pcc' },
]

export async function isEmptyDatabase(db: Kysely<Database>): Promise<boolean> {
  const row = await db.selectFrom('app_user').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n) === 0
}

export async function loadDemoData(db: Kysely<Database>, now: Date): Promise<DemoCredential[]> {
  const credentials: DemoCredential[] = []
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('partnership')
      .values({
        id: 1,
        name: 'Severnvale Community Safety Partnership',
        force_name: 'Severnvale Police',
        areas_served: JSON.stringify(['Severnvale North', 'Severnvale South', 'Riverside']),
        updated_at: now,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute()
    const orgIds: Record<string, string> = {}
    for (const org of ORGANISATIONS) {
      const row = await trx
        .insertInto('organisation')
        .values({ name: org.name, kind: org.kind, oidc_issuer: null, oidc_client_id: null, oidc_client_secret: null, updated_at: now })
        .returning('id')
        .executeTakeFirstOrThrow()
      orgIds[org.key] = row.id
    }
    const teams = [
      { name: 'Riverside Neighbourhood Team', kind: 'neighbourhood_team', organisation: 'police' },
      { name: 'Severnvale North Problem-Solving Hub', kind: 'problem_solving_hub', organisation: 'council' },
    ]
    const teamIds: string[] = []
    for (const team of teams) {
      const row = await trx
        .insertInto('team')
        .values({ name: team.name, kind: team.kind, organisation_id: orgIds[team.organisation]! })
        .returning('id')
        .executeTakeFirstOrThrow()
      teamIds.push(row.id)
    }
    for (const user of USERS) {
      const password = `demo-${randomBytes(9).toString('base64url')}`
      const row = await trx
        .insertInto('app_user')
        .values({
          email: user.email,
          display_name: user.name,
          role: user.role,
          organisation_id: orgIds[user.organisation]!,
          password_hash: await hashPassword(password),
          oidc_issuer: null,
          oidc_subject: null,
          updated_at: now,
          password_changed_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      if (user.organisation === 'police' && user.role !== 'administrator') {
        await trx.insertInto('team_membership').values({ team_id: teamIds[0]!, user_id: row.id }).execute()
      }
      if (user.organisation === 'council') {
        await trx.insertInto('team_membership').values({ team_id: teamIds[1]!, user_id: row.id }).execute()
      }
      credentials.push({ email: user.email, password, role: user.role, organisation: ORGANISATIONS.find((o) => o.key === user.organisation)!.name })
    }
    await trx
      .insertInto('sharing_agreement')
      .values({
        reference: 'ISA-2026-001',
        title: 'Safeguarding referrals between police and council',
        provider_organisation_id: orgIds.police!,
        recipient_organisation_id: orgIds.council!,
        data_classes: ['person-identity', 'person-involvement', 'referral'],
        purposes: ['safeguarding'],
        status: 'active',
        starts_on: now.toISOString().slice(0, 10),
        ends_on: null,
        requires_involvement: true,
        notes: 'Demo agreement: the council receives what it needs to work a safeguarding referral.',
        updated_at: now,
      })
      .execute()
    await trx
      .insertInto('sharing_agreement')
      .values({
        reference: 'ISA-2026-002',
        title: 'Anonymised assault attendances from the emergency department',
        provider_organisation_id: orgIds.nhs!,
        recipient_organisation_id: orgIds.police!,
        data_classes: ['health-injury'],
        purposes: ['crime-prevention', 'problem-solving'],
        status: 'active',
        starts_on: now.toISOString().slice(0, 10),
        ends_on: null,
        requires_involvement: false,
        notes: 'Demo agreement after the Cardiff Model: anonymised, aggregated use only.',
        updated_at: now,
      })
      .execute()
  })
  return credentials
}

export function describeCredentials(credentials: DemoCredential[]): string {
  const lines = credentials.map((c) => `  ${ROLE_LABELS[c.role].padEnd(34)} ${c.email.padEnd(36)} ${c.password}`)
  return ['Demo users (role, email, password):', ...lines].join('\n')
}

/** Written beside the data so the passwords are not lost when the terminal scrolls. */
export function saveCredentials(dataDir: string, credentials: DemoCredential[]): string {
  const file = path.join(dataDir, 'demo-users.txt')
  fs.mkdirSync(dataDir, { recursive: true })
  fs.writeFileSync(file, describeCredentials(credentials) + '\n', { mode: 0o600 })
  return file
}
