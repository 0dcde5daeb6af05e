import path from 'node:path'

/**
 * Every environment variable Upstream reads, validated once at start.
 * The README's configuration table is written from this list; keep them in step.
 */
export interface Config {
  production: boolean
  port: number
  host: string
  /** PostgreSQL connection string; when absent the embedded PGlite data folder is used. */
  databaseUrl: string | undefined
  dataDir: string
  /** Folder outside the database where audit chain checkpoints are appended. */
  auditCheckpointDir: string
  sessionSecret: string
  /** Public base URL, used for OpenID Connect redirects and links in email. */
  publicUrl: string
  /** Outgoing mail server (smtp:// or smtps://); without it notifications wait in the outbox. */
  smtpUrl: string | undefined
  mailFrom: string
  /** Load the demo partnership and demo users on first start. */
  demoData: boolean
  logLevel: string
  /** Serve the OpenAPI document in production (always served in development). */
  exposeApiDocs: boolean
  /** Largest file the upload page accepts, in bytes; larger uploads get 413. */
  uploadMaxBytes: number
  /** Run on every uploaded file with its path appended: exit 0 clean, 1 infected, anything else an error. */
  antivirusCommand: string | undefined
  /** How long a break-glass opening of a restricted record lasts, in hours (A7: at most 24). */
  breakGlassHours: number
}

export const DEVELOPMENT_SESSION_SECRET = 'development-only-secret-do-not-use-in-production'

export const DEFAULT_UPLOAD_MAX_BYTES = 100 * 1024 * 1024

export class ConfigError extends Error {
  override name = 'ConfigError'
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production'
  const dataDir = path.resolve(env.UPSTREAM_DATA_DIR ?? 'data')
  const port = Number(env.PORT ?? 3000)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be a whole number from 0 to 65535, not '${env.PORT}'`)
  }
  const sessionSecret = env.UPSTREAM_SESSION_SECRET ?? (production ? '' : DEVELOPMENT_SESSION_SECRET)
  if (production) {
    if (!sessionSecret) {
      throw new ConfigError('UPSTREAM_SESSION_SECRET is not set: production needs a secret of at least 32 characters')
    }
    if (sessionSecret === DEVELOPMENT_SESSION_SECRET || sessionSecret.length < 32) {
      throw new ConfigError('UPSTREAM_SESSION_SECRET is the development default or shorter than 32 characters')
    }
    if (env.DEBUG) {
      throw new ConfigError('DEBUG is set: production refuses to start in debug mode')
    }
  }
  const uploadMaxBytes = Number(env.UPSTREAM_UPLOAD_MAX_BYTES ?? DEFAULT_UPLOAD_MAX_BYTES)
  if (!Number.isSafeInteger(uploadMaxBytes) || uploadMaxBytes < 1) {
    throw new ConfigError(`UPSTREAM_UPLOAD_MAX_BYTES must be a whole number of bytes above 0, not '${env.UPSTREAM_UPLOAD_MAX_BYTES}'`)
  }
  const breakGlassHours = Number(env.UPSTREAM_BREAK_GLASS_HOURS ?? 24)
  if (!Number.isInteger(breakGlassHours) || breakGlassHours < 1 || breakGlassHours > 24) {
    throw new ConfigError(`UPSTREAM_BREAK_GLASS_HOURS must be a whole number of hours from 1 to 24, not '${env.UPSTREAM_BREAK_GLASS_HOURS}'`)
  }
  const smtpUrl = env.UPSTREAM_SMTP_URL?.trim() || undefined
  if (smtpUrl && !/^smtps?:\/\/[^/?#]+/.test(smtpUrl)) {
    throw new ConfigError(`UPSTREAM_SMTP_URL must be smtp://host:port or smtps://host:port, not '${smtpUrl.replace(/\/\/[^@/]*@/, '//…@')}'`)
  }
  const mailFrom = env.UPSTREAM_MAIL_FROM?.trim() || 'upstream@localhost'
  if (!/^[^@\s]+@[^@\s]+$/.test(mailFrom) && !/<[^@\s<>]+@[^@\s<>]+>$/.test(mailFrom)) {
    throw new ConfigError(`UPSTREAM_MAIL_FROM must be an email address, not '${mailFrom}'`)
  }
  const publicUrl = (env.UPSTREAM_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, '')
  return {
    production,
    port,
    host: env.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir,
    auditCheckpointDir: path.resolve(env.UPSTREAM_AUDIT_CHECKPOINT_DIR ?? path.join(dataDir, 'audit-checkpoints')),
    sessionSecret,
    publicUrl,
    smtpUrl,
    mailFrom,
    demoData: env.UPSTREAM_DEMO_DATA ? env.UPSTREAM_DEMO_DATA === 'true' : !production,
    logLevel: env.LOG_LEVEL ?? (production ? 'info' : 'warn'),
    exposeApiDocs: production ? env.UPSTREAM_EXPOSE_API_DOCS === 'true' : true,
    uploadMaxBytes,
    antivirusCommand: env.UPSTREAM_ANTIVIRUS_COMMAND?.trim() || undefined,
    breakGlassHours,
  }
}
