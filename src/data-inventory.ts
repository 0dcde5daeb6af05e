import { INVENTORY as analysis } from './modules/analysis/inventory.ts'
import { INVENTORY as dataHubCore } from './modules/data-hub/inventory/core.ts'
import { INVENTORY as dataHubGeography } from './modules/data-hub/inventory/geography.ts'
import { INVENTORY as dataHubPartnerIncidents } from './modules/data-hub/inventory/partner-incidents.ts'
import { INVENTORY as dataHubPeople } from './modules/data-hub/inventory/people.ts'
import { INVENTORY as dataHubPoliceUk } from './modules/data-hub/inventory/police-uk.ts'
import {
  mergeInventories,
  type MergedInventory,
  type ModuleInventory,
} from './modules/platform/data-inventory.ts'
import { INVENTORY as platform } from './modules/platform/inventory.ts'
import { INVENTORY as people } from './modules/people/inventory.ts'
import { INVENTORY as peopleRestrictions } from './modules/people/restrictions/inventory.ts'
import { INVENTORY as peopleRetention } from './modules/people/retention/inventory.ts'
import { INVENTORY as peopleSubjectRights } from './modules/people/subject-rights/inventory.ts'
import { INVENTORY as referrals } from './modules/referrals/inventory.ts'
import { INVENTORY as triggers } from './modules/triggers/inventory.ts'

/**
 * The whole data inventory (checklist C1): every module's list of its tables. A module that
 * creates tables adds its list here; test/data-inventory.test.ts holds it against the database.
 */
export const MODULE_INVENTORIES: readonly ModuleInventory[] = [
  { module: 'platform', entries: platform },
  { module: 'data-hub/core', entries: dataHubCore },
  { module: 'data-hub/police-uk', entries: dataHubPoliceUk },
  { module: 'data-hub/partner-incidents', entries: dataHubPartnerIncidents },
  { module: 'data-hub/people', entries: dataHubPeople },
  { module: 'data-hub/geography', entries: dataHubGeography },
  { module: 'analysis', entries: analysis },
  { module: 'people', entries: people },
  { module: 'people/restrictions', entries: peopleRestrictions },
  { module: 'people/retention', entries: peopleRetention },
  { module: 'people/subject-rights', entries: peopleSubjectRights },
  { module: 'referrals', entries: referrals },
  { module: 'triggers', entries: triggers },
]

export function dataInventory(): MergedInventory {
  return mergeInventories(MODULE_INVENTORIES)
}
