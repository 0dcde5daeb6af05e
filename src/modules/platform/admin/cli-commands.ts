import type { Command } from 'commander'
import type { Kysely } from 'kysely'
import { CliError, output, withDatabase } from '../../../cli/context.ts'
import type { Database } from '../../../db/schema.ts'
import { DomainError } from '../../../errors.ts'
import { recordAudit } from '../audit/audit-log.ts'
import { checkPasswordPolicy, passwordContextWords } from '../auth/password-policy.ts'
import { ORGANISATION_KIND_LABELS, ORGANISATION_KINDS, isOrganisationKind } from '../organisation-kinds.ts'
import { loadPartnership } from '../partnership.ts'
import { ROLE_LABELS, ROLES, isRole } from '../roles.ts'
import { createOrganisation, findOrganisation, listOrganisations, type Organisation } from './organisations.ts'
import { createUser, listUsers, type User } from './users.ts'

/** `upstream users ...` and `upstream orgs ...`: the same domain functions as the admin pages. */
export function registerAdminCommands(program: Command): void {
  registerUserCommands(program)
  registerOrganisationCommands(program)
}

/** Validation problems from the domain, as one line for a terminal. */
async function oneLineErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof DomainError && error.code === 'invalid' && Object.keys(error.fields).length) {
      throw new CliError(Object.values(error.fields).join('; '))
    }
    throw error
  }
}

async function readPasswordFromStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password (then Enter and Ctrl-D): ')
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)))
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '')
}

const cliAudit = (db: Kysely<Database>, entry: Parameters<typeof recordAudit>[1]) =>
  recordAudit(db, { ...entry, details: { ...(entry.details ?? {}), via: 'cli' } })

const userJson = (user: User) => ({
  id: user.id,
  email: user.email,
  displayName: user.displayName,
  role: user.role,
  organisationId: user.organisationId,
  organisationName: user.organisationName,
  teamIds: user.teamIds,
  disabled: user.disabled,
})

const organisationJson = (organisation: Organisation) => ({
  id: organisation.id,
  name: organisation.name,
  kind: organisation.kind,
  oidcIssuer: organisation.oidcIssuer || null,
  oidcRequireMfa: organisation.oidcRequireMfa,
})

const table = (rows: string[][]) => {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)))
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n')
}

interface CreateUserOptions {
  email: string
  name: string
  role: string
  organisation: string
  createOrganisation?: boolean
  organisationKind?: string
  passwordStdin?: boolean
  json?: boolean
}

function registerUserCommands(program: Command): void {
  const users = program.command('users').description('User accounts of the staff site')

  users
    .command('create')
    .description(
      'Create a user account. Without --password-stdin an initial password is generated and printed once. ' +
        'For the first administrator of a new installation, add --create-organisation --organisation-kind police_force.',
    )
    .requiredOption('--email <email>', 'their email address, used to sign in')
    .requiredOption('--name <name>', 'their full name')
    .requiredOption('--role <role>', `their role: ${ROLES.join(', ')}`)
    .requiredOption('--organisation <id-or-name>', 'the id or exact name of their organisation')
    .option('--create-organisation', 'create the organisation when none has this name')
    .option('--organisation-kind <kind>', `the kind of the organisation to create: ${ORGANISATION_KINDS.join(', ')}`)
    .option('--password-stdin', 'read the password from standard input instead of generating one')
    .option('--json', 'print the result as JSON')
    .action(async (options: CreateUserOptions) => {
      if (!isRole(options.role)) throw new CliError(`Unknown role '${options.role}': use one of ${ROLES.join(', ')}`)
      if (options.createOrganisation && !isOrganisationKind(options.organisationKind)) {
        throw new CliError(`--create-organisation needs --organisation-kind, one of ${ORGANISATION_KINDS.join(', ')}`)
      }
      const password = options.passwordStdin ? await readPasswordFromStdin() : undefined
      const result = await withDatabase('users create', ({ db }) =>
        oneLineErrors(async () => {
          const now = new Date()
          let organisation = await findOrganisation(db, options.organisation)
          let createdOrganisation = false
          if (!organisation) {
            if (!options.createOrganisation) {
              throw new CliError(
                `No organisation has the id or name '${options.organisation}': see 'upstream orgs list', or add --create-organisation --organisation-kind <kind>`,
              )
            }
            organisation = await createOrganisation(
              db,
              { name: options.organisation, kind: options.organisationKind!, oidcIssuer: '', oidcClientId: '', oidcClientSecret: '', oidcRequireMfa: false },
              now,
            )
            createdOrganisation = true
            await cliAudit(db, { action: 'collect', event: 'CREATE_ORGANISATION', recordType: 'organisation', recordIds: [organisation.id], occurredAt: now })
          }
          if (password !== undefined) {
            const partnership = await loadPartnership(db)
            const problem = checkPasswordPolicy(password, passwordContextWords(partnership.name, partnership.forceName, organisation.name))
            if (problem) throw new CliError(problem)
          }
          const created = await createUser(
            db,
            { email: options.email, displayName: options.name, role: options.role, organisationId: organisation.id, teamIds: [] },
            now,
            { password },
          )
          await cliAudit(db, { action: 'collect', event: 'CREATE_USER', recordType: 'user', recordIds: [created.user.id], occurredAt: now })
          return { ...created, organisation, createdOrganisation }
        }),
      )
      output(
        options.json,
        { user: userJson(result.user), createdOrganisation: result.createdOrganisation, ...(result.initialPassword ? { initialPassword: result.initialPassword } : {}) },
        () =>
          [
            ...(result.createdOrganisation ? [`Created organisation ${result.organisation.name} (${result.organisation.kindLabel}).`] : []),
            `Created ${ROLE_LABELS[result.user.role]} ${result.user.displayName} <${result.user.email}> in ${result.user.organisationName}.`,
            ...(result.initialPassword
              ? [
                  `Initial password (shown only this once): ${result.initialPassword}`,
                  `Give this password to ${result.user.displayName}; they should change it after signing in.`,
                ]
              : []),
          ].join('\n'),
      )
    })

  users
    .command('list')
    .description('List every user account with its role and organisation')
    .option('--json', 'print the users as JSON')
    .action(async (options: { json?: boolean }) => {
      const all = await withDatabase('users list', async ({ db }) => {
        const found: User[] = []
        for (let page = 1; ; page++) {
          const result = await listUsers(db, {}, page)
          found.push(...result.users)
          if (page >= result.pageCount) break
        }
        await cliAudit(db, { action: 'consult', event: 'LIST_USERS', recordType: 'user', recordIds: found.map((user) => user.id) })
        return found
      })
      output(options.json, all.map(userJson), () =>
        all.length === 0
          ? 'There are no users yet: create the first administrator with upstream users create --role administrator ...'
          : table([
              ['EMAIL', 'NAME', 'ROLE', 'ORGANISATION', 'STATUS'],
              ...all.map((user) => [user.email, user.displayName, user.role, user.organisationName, user.disabled ? 'disabled' : 'enabled']),
            ]),
      )
    })
}

function registerOrganisationCommands(program: Command): void {
  const orgs = program.command('orgs').description('Organisations of the partnership')

  orgs
    .command('create')
    .description('Create an organisation (police force, council, NHS trust, charity...)')
    .requiredOption('--name <name>', 'its name, unique in the partnership')
    .requiredOption('--kind <kind>', `its kind: ${ORGANISATION_KINDS.join(', ')}`)
    .option('--json', 'print the result as JSON')
    .action(async (options: { name: string; kind: string; json?: boolean }) => {
      if (!isOrganisationKind(options.kind)) throw new CliError(`Unknown organisation kind '${options.kind}': use one of ${ORGANISATION_KINDS.join(', ')}`)
      const organisation = await withDatabase('orgs create', ({ db }) =>
        oneLineErrors(async () => {
          const now = new Date()
          const created = await createOrganisation(
            db,
            { name: options.name, kind: options.kind, oidcIssuer: '', oidcClientId: '', oidcClientSecret: '', oidcRequireMfa: false },
            now,
          )
          await cliAudit(db, { action: 'collect', event: 'CREATE_ORGANISATION', recordType: 'organisation', recordIds: [created.id], occurredAt: now })
          return created
        }),
      )
      output(options.json, organisationJson(organisation), () => `Created organisation ${organisation.name} (${ORGANISATION_KIND_LABELS[organisation.kind]}), id ${organisation.id}`)
    })

  orgs
    .command('list')
    .description('List the organisations with their kind and id')
    .option('--json', 'print the organisations as JSON')
    .action(async (options: { json?: boolean }) => {
      const organisations = await withDatabase('orgs list', ({ db }) => listOrganisations(db))
      output(options.json, organisations.map(organisationJson), () =>
        organisations.length === 0
          ? 'There are no organisations yet: create one with upstream orgs create --name N --kind K'
          : table([['ID', 'KIND', 'NAME'], ...organisations.map((o) => [o.id, o.kind, o.name])]),
      )
    })
}
