/** What other modules may call about people: the one read path, and resolution after imports. */
export { peopleInvolvedIn, type PeopleInvolved, type PersonInvolved, type PersonIdentity } from './queries.ts'
export { resolveInvolvements, type ResolveResult } from './resolve-involvements.ts'
export { INVOLVEMENT_ROLES, type InvolvementRole } from './tables.ts'
export { normaliseName, normalisePostcode } from '../formats/people-involvements.ts'
