/**
 * The small part of oidc-provider 9 that the OpenID Connect tests use. The package ships no
 * types (they live in @types/oidc-provider, which lags behind); these follow its source.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'

  export interface AccountClaims {
    sub: string
    [claim: string]: unknown
  }

  export interface Account {
    accountId: string
    claims(use: string, scope: string): Promise<AccountClaims> | AccountClaims
  }

  export interface ClientMetadata {
    client_id: string
    client_secret?: string
    redirect_uris: string[]
    grant_types?: string[]
    response_types?: string[]
    token_endpoint_auth_method?: string
  }

  export interface InteractionResult {
    login?: { accountId: string; amr?: string[]; acr?: string; remember?: boolean }
    consent?: { grantId?: string }
    error?: string
    error_description?: string
  }

  export interface Interaction {
    uid: string
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> }
    params: Record<string, unknown>
  }

  export interface GrantInstance {
    addOIDCScope(scope: string): void
    save(): Promise<string>
  }

  export interface KoaContextWithOidc {
    oidc: {
      client?: { clientId: string }
      session?: { accountId?: string; grantIdFor(clientId: string): string | undefined }
      result?: InteractionResult
      provider: Provider
    }
  }

  export interface Configuration {
    clients?: ClientMetadata[]
    findAccount?: (context: KoaContextWithOidc, sub: string) => Promise<Account | undefined>
    claims?: Record<string, string[] | null>
    interactions?: { url?: (context: KoaContextWithOidc, interaction: Interaction) => string | Promise<string> }
    loadExistingGrant?: (context: KoaContextWithOidc) => Promise<GrantInstance | undefined>
    features?: Record<string, { enabled: boolean } & Record<string, unknown>>
    cookies?: { keys?: string[] }
    pkce?: { required?: () => boolean }
    [option: string]: unknown
  }

  export class Provider {
    constructor(issuer: string, configuration?: Configuration)
    readonly issuer: string
    callback(): (request: IncomingMessage, response: ServerResponse) => void
    interactionDetails(request: IncomingMessage, response: ServerResponse): Promise<Interaction>
    interactionFinished(
      request: IncomingMessage,
      response: ServerResponse,
      result: InteractionResult,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>
    Grant: {
      new (properties: { accountId: string; clientId: string }): GrantInstance
      find(id: string): Promise<GrantInstance | undefined>
    }
    on(event: string, listener: (...args: unknown[]) => void): this
  }

  export default Provider
}
