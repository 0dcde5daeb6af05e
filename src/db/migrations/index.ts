import type { Migration } from 'kysely'
import * as platform from './0001-platform.ts'
import * as authMfa from './0002-auth-mfa.ts'
import * as oidc from './0003-oidc.ts'
import * as dataHub from './0004-data-hub.ts'
import * as incidentKinds from './0005-incident-kinds.ts'
import * as policeUkOutcomesStopSearch from './0006-police-uk-outcomes-stop-search.ts'
import * as partnerIncidents from './0007-partner-incidents.ts'
import * as people from './0008-people.ts'
import * as geography from './0009-geography.ts'
import * as analysisRuns from './0010-analysis-runs.ts'
import * as incidentIndexes from './0011-incident-indexes.ts'
import * as areaPopulation from './0012-area-population.ts'
import * as analysisRunHeartbeat from './0013-analysis-run-heartbeat.ts'
import * as personIdentities from './0014-person-identities.ts'
import * as triggerRules from './0015-trigger-rules.ts'
import * as referrals from './0016-referrals.ts'
import * as triggerRuns from './0017-trigger-runs.ts'
import * as mailOutbox from './0018-mail-outbox.ts'
import * as restrictedRecords from './0019-restricted-records.ts'
import * as dataSubjectCategories from './0020-data-subject-categories.ts'
import * as retentionAndErasure from './0021-retention-and-erasure.ts'
import * as subjectRights from './0022-subject-rights.ts'
import * as rowSecurity from './0023-row-security.ts'
import * as rowSecurityOfRestrictionsAndRights from './0024-row-security-of-restrictions-and-rights.ts'
import * as mailDelivery from './0025-mail-delivery.ts'
import * as referralPriorityRaised from './0026-referral-priority-raised.ts'

/**
 * Every migration, in order. Listed by hand rather than read from the folder so that the
 * set is fixed at build time and a stray file cannot run.
 */
export const migrations: Record<string, Migration> = {
  '0001-platform': platform,
  '0002-auth-mfa': authMfa,
  '0003-oidc': oidc,
  '0004-data-hub': dataHub,
  '0005-incident-kinds': incidentKinds,
  '0006-police-uk-outcomes-stop-search': policeUkOutcomesStopSearch,
  '0007-partner-incidents': partnerIncidents,
  '0008-people': people,
  '0009-geography': geography,
  '0010-analysis-runs': analysisRuns,
  '0011-incident-indexes': incidentIndexes,
  '0012-area-population': areaPopulation,
  '0013-analysis-run-heartbeat': analysisRunHeartbeat,
  '0014-person-identities': personIdentities,
  '0015-trigger-rules': triggerRules,
  '0016-referrals': referrals,
  '0017-trigger-runs': triggerRuns,
  '0018-mail-outbox': mailOutbox,
  '0019-restricted-records': restrictedRecords,
  '0020-data-subject-categories': dataSubjectCategories,
  '0021-retention-and-erasure': retentionAndErasure,
  '0022-subject-rights': subjectRights,
  '0023-row-security': rowSecurity,
  '0024-row-security-of-restrictions-and-rights': rowSecurityOfRestrictionsAndRights,
  '0025-mail-delivery': mailDelivery,
  '0026-referral-priority-raised': referralPriorityRaised,
}
