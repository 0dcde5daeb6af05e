/** What other modules may call about people's rights: the "beyond use" checks, the routes and the command. */
export { isBeyondUse, notBeyondUse, recordNotBeyondUse } from './beyond-use.ts'
export { registerSubjectRightsRoutes } from './routes.ts'
export { registerSubjectRightsCommands } from './cli.ts'
