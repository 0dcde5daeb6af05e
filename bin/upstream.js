#!/usr/bin/env node
// The `upstream` command. Runs the TypeScript sources through tsx, so no build step is needed.
import { register } from 'tsx/esm/api'

register()
const { runCli } = await import('../src/cli/main.ts')
process.exitCode = await runCli(process.argv.slice(2))
