import type { Command } from 'commander'

/** The platform's commands: users, orgs, audit. */
export function registerPlatformCommands(_program: Command): void {}
