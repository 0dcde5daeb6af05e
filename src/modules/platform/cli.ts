import type { Command } from 'commander'
import { registerAdminCommands } from './admin/cli-commands.ts'
import { registerAuditCommands } from './audit/cli.ts'
import { registerMailCommands } from './mail/cli.ts'

/** The platform's commands: users, orgs, audit, mail. */
export function registerPlatformCommands(program: Command): void {
  registerAdminCommands(program)
  registerAuditCommands(program)
  registerMailCommands(program)
}
