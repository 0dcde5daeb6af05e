/** One person record as a source holds it: free text, cleaned by normalise.ts before comparison. */
export interface PersonRecord {
  readonly source: string
  readonly recordId: string
  readonly firstName: string
  readonly lastName: string
  /** YYYY-MM-DD or DD/MM/YYYY; empty when unknown. */
  readonly dateOfBirth: string
  readonly address: string
  readonly postcode: string
}
