import type { Clock } from '../../../clock.ts'

/** Who acts on a subject's rights: the data protection officer's account, or null for the command line. */
export interface SubjectRightsActor {
  id: string | null
  organisationId: string | null
}

export interface SubjectRightsContext {
  clock?: Clock
  requestId?: string | null
  ip?: string | null
}

export const COMMAND_LINE: SubjectRightsActor = { id: null, organisationId: null }
