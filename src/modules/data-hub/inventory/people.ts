import { personal, plain, type TableInventory } from '../../platform/data-inventory.ts'

/**
 * People and their involvements (migration 0008), classified for the data inventory (C1).
 * Both come from police or partner extracts about incidents, so they are kept and reviewed as
 * police records; nothing here is special category unless a source puts it in a free-text
 * address, which the format does not ask for. Shareable only under agreements (sharing.ts).
 */

export const INVENTORY: TableInventory[] = [
  {
    table: 'person_record',
    description:
      'One person as one source system knows them: names, date of birth and address, updated in place by later extracts.',
    dataClass: 'person-identity',
    retention: 'police-record',
    columns: {
      id: personal('Generated identifier of the person record (pseudonymous)'),
      source_system: plain('Code of the records system the person ID belongs to'),
      source_person_id: personal("The person's identifier in the source system"),
      first_names: personal('First names, as the source gives them'),
      last_name: personal('Last name, as the source gives it'),
      first_names_normalised: personal(
        'First names in lower case without accents or punctuation, for matching',
      ),
      last_name_normalised: personal('Last name in lower case without accents or punctuation, for matching'),
      date_of_birth: personal('Date of birth, when the source gives it'),
      address: personal('Address as the source gives it'),
      postcode: personal('Postcode of the address, in its standard form'),
      import_run_id: plain('The import run that last wrote the record'),
    },
  },
  {
    table: 'person_involvement',
    description:
      'How a person record is involved in an incident (victim, suspect, witness, missing person...), with the incident once resolved.',
    dataClass: 'person-involvement',
    retention: 'police-record',
    columns: {
      id: personal('Generated identifier of the involvement (pseudonymous)'),
      person_record_id: personal('The person record involved'),
      natural_key: personal(
        'Hash of source system, person ID, incident and role: the same involvement in a later file',
      ),
      role: personal('How the source says the person is involved: victim, suspect, child present and so on', {
        criminalOffence: true,
      }),
      category: personal('Category of data subject (C3), an enum: suspect, victim, child at risk...', {
        criminalOffence: true,
      }),
      incident_source_kind: plain('The source kind of the incident, e.g. police-uk-street'),
      incident_reference: personal("The incident's reference in its source, linking the person to it", {
        criminalOffence: true,
      }),
      incident_id: personal('The incident, once it is in the database', { criminalOffence: true }),
      import_run_id: plain('The import run that last wrote the involvement'),
    },
  },
]
