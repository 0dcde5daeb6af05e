import { personal, plain, type TableInventory } from '../../platform/data-inventory.ts'

/**
 * The detail tables of calls for service, A&E assault attendances and missing episodes
 * (migration 0007). Each row belongs to an incident, whose own columns core.ts classifies.
 */

const INCIDENT_ID = plain('The incident this detail belongs to')

export const INVENTORY: TableInventory[] = [
  {
    table: 'call_for_service_detail',
    description:
      'What a call for service was about, how it was graded and closed, and the vulnerabilities the call taker flagged.',
    dataClass: 'incident-summary',
    retention: 'police-record',
    columns: {
      incident_id: INCIDENT_ID,
      initial_category_code: plain("The call's category when it was taken, as a code"),
      initial_category_label: plain("The call's category when it was taken, as the file gave it"),
      final_category_code: plain("The call's category when it was closed, as a code"),
      final_category_label: plain("The call's category when it was closed, as the file gave it"),
      grade_code: plain('The response grade, as a code (emergency, priority, ...)'),
      grade_label: plain('The response grade, as the file gave it'),
      repeat_caller: personal('Whether the caller has called before about the same matter'),
      vulnerability_codes: personal(
        'Vulnerabilities of the people concerned (child, mental health, disability, ...), as codes',
        { specialCategory: true },
      ),
      vulnerability_labels: personal('The same vulnerabilities, as the file gave them', {
        specialCategory: true,
      }),
      closing_code: plain('How the call was closed, as a code'),
      closing_label: plain('How the call was closed, as the file gave it'),
    },
  },
  {
    // Anonymous under ISTV, but pseudonymous here: the trust can tell the patient from its
    // attendance reference (incident.source_reference), so what describes the attendance is personal.
    table: 'ae_assault_detail',
    description:
      'An emergency department attendance for an assault: the ISTV minimum dataset and the assailant details as the patient gave them.',
    dataClass: 'health-injury',
    retention: 'partner-record',
    columns: {
      incident_id: INCIDENT_ID,
      site_code: plain('ODS code of the emergency department that treated the patient'),
      arrival_at: personal('When the patient arrived at the emergency department', { specialCategory: true }),
      assault_date: personal('The day of the assault', { specialCategory: true }),
      assault_at: personal('When the assault happened, where the patient could say', {
        specialCategory: true,
      }),
      location_type_code: personal('The kind of place of the assault, as a code', { specialCategory: true }),
      location_type_label: personal('The kind of place of the assault, as the file gave it', {
        specialCategory: true,
      }),
      method_code: personal('The primary means of assault (weapon or body part), as a code', {
        specialCategory: true,
      }),
      method_label: personal('The primary means of assault, as the file gave it', { specialCategory: true }),
      method_description: personal('The means of assault in the clinician’s words', {
        specialCategory: true,
      }),
      assailant_count: personal('How many assailants the patient reported', { criminalOffence: true }),
      assailant_relationship_code: personal("The assailant's relationship to the patient, as a code", {
        criminalOffence: true,
      }),
      assailant_relationship_label: personal(
        "The assailant's relationship to the patient, as the file gave it",
        {
          criminalOffence: true,
        },
      ),
      assailant_gender_code: personal("The assailants' gender as the patient gave it, as a code", {
        criminalOffence: true,
      }),
      assailant_gender_label: personal("The assailants' gender, as the file gave it", {
        criminalOffence: true,
      }),
    },
  },
  {
    table: 'missing_episode_detail',
    description:
      'A missing-person episode: who (by the source’s person reference), when, where they were found and the risk grading.',
    dataClass: 'missing-episode',
    retention: 'police-record',
    columns: {
      incident_id: INCIDENT_ID,
      person_reference: personal("The source's identifier of the missing person (linked to people records)"),
      reported_missing_at: personal('When the person was reported missing'),
      returned_at: personal('When the person returned or was found; empty while still missing'),
      missing_from_type_code: personal(
        'The kind of place they went missing from (home, children’s home, ...)',
      ),
      missing_from_type_label: personal('The kind of place they went missing from, as the file gave it'),
      found_location_text: personal('Where the person was found'),
      found_longitude: personal('Where the person was found: longitude'),
      found_latitude: personal('Where the person was found: latitude'),
      risk_level_code: personal('The risk grading of the episode (an assessment), as a code'),
      risk_level_label: personal('The risk grading of the episode, as the file gave it'),
    },
  },
]
