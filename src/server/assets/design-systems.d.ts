declare module 'govuk-frontend' {
  export function initAll(options?: unknown): void
}
declare module '@ministryofjustice/frontend' {
  export function initAll(options?: unknown): void
}
