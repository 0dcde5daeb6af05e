import { personal, plain, policeOnly, type TableInventory } from '../platform/data-inventory.ts'

/**
 * Referrals, their evidence and history (migration 0016), classified for the data inventory
 * (C1). A referral about a person is personal data under the 'referral' class, kept as a police
 * record; the police note never leaves the force. Free text (reasons, notes, actions) is
 * treated as personal: staff write about people in it.
 */
export const INVENTORY: TableInventory[] = [
  {
    table: 'team_area',
    description: 'The areas (LSOA codes) each team covers, for routing referrals raised by triggers.',
    dataClass: null,
    retention: 'configuration',
    columns: {
      team_id: plain('The team'),
      area_code: plain('An area code the team covers'),
    },
  },
  {
    table: 'referral_team_setting',
    description: 'How many open referrals a team can carry, for routing with capacity awareness.',
    dataClass: null,
    retention: 'configuration',
    columns: {
      team_id: plain('The team'),
      capacity: plain('Open referrals the team can carry'),
    },
  },
  {
    table: 'referral',
    description:
      'A referral to a team or organisation for a purpose: who it is about, why, where it is in the workflow.',
    dataClass: 'referral',
    retention: 'police-record',
    columns: {
      id: personal('Generated identifier of the referral (pseudonymous)'),
      reference: personal('The referral reference shown to staff, derived from the id'),
      person_id: personal('The person the referral is about, if one'),
      subject: personal('Who or what the referral is about, where no person is named'),
      purpose: plain('The purpose the referral is made for'),
      reason: personal('Why the referral was made (free text)', { criminalOffence: true }),
      police_note: policeOnly('A note for police staff only (free text)', {
        personal: true,
        criminalOffence: true,
      }),
      from_organisation_id: plain('The organisation that made it'),
      from_team_id: plain('The team that made it'),
      from_user_id: personal('The member of staff who made it'),
      to_organisation_id: plain('The organisation it is sent to'),
      to_team_id: plain('The team it is sent to'),
      status: personal('Where the referral is in the workflow'),
      priority: personal('How urgent the referral is (an assessment)'),
      due_at: plain('When the current stage is due'),
      assigned_user_id: personal('The member of staff working it'),
      outcome: personal('How the referral ended'),
      accepted_at: plain('When it was accepted'),
      screened_at: plain('When it was accepted or declined'),
      closed_at: plain('When it was closed or declined'),
      trigger_rule_key: personal('The trigger rule that raised it, if one'),
      trigger_rule_version: plain('The version of that rule'),
      onward_from_referral_id: personal('The referral it was referred on from'),
      version: plain('Optimistic concurrency version'),
      created_at: plain('When it was made'),
      updated_at: plain('When it last changed'),
    },
  },
  {
    table: 'referral_evidence',
    description: 'The incidents behind a referral raised by a trigger, with why each counts.',
    dataClass: 'referral',
    retention: 'police-record',
    columns: {
      id: plain('Generated identifier'),
      referral_id: personal('The referral'),
      incident_id: personal('The incident, linking the person to it', { criminalOffence: true }),
      incident_date: personal('The date of the incident'),
      why: personal('Why the incident counts for the rule', { criminalOffence: true }),
      rule_key: plain('The rule that added it'),
      rule_version: plain('The version of that rule'),
      added_at: plain('When it was added'),
      category: personal("The person's category of data subject in the incident (C3): victim, suspect...", {
        criminalOffence: true,
      }),
      source_kind: plain('The data source the incident came from'),
      import_run_id: plain('The import run the incident came in by'),
      category_source_system: plain('The records system that recorded the involvement; null when derived'),
    },
  },
  {
    table: 'referral_assessment',
    description:
      "Opinions on a referral (a trigger rule's finding, an RFG score, a priority), kept apart from the facts with their source, author and date (C3).",
    dataClass: 'referral',
    retention: 'police-record',
    columns: {
      id: plain('Generated identifier'),
      referral_id: personal('The referral'),
      kind: personal('What kind of assessment: trigger-finding, rfg-score or priority'),
      finding: personal('The assessment in words, e.g. an RFG score and its parts', {
        criminalOffence: true,
      }),
      detail: personal('The parts of the assessment, as JSON', { criminalOffence: true }),
      source: plain('Made by a rule or by a member of staff'),
      rule_key: plain('The rule that made it, if one'),
      rule_version: plain('The version of that rule'),
      author_user_id: personal('The member of staff who made it or wrote the rule version'),
      assessed_at: plain('When it was made'),
    },
  },
  {
    table: 'referral_event',
    description:
      'The append-only history of a referral: screening, assignment, actions, notes, outcome, onward referral.',
    dataClass: 'referral',
    retention: 'police-record',
    columns: {
      id: plain('Generated identifier'),
      referral_id: personal('The referral'),
      referral_version: plain('The referral version after the event'),
      occurred_at: plain('When it happened'),
      actor_user_id: personal('Who did it'),
      actor_organisation_id: plain('Their organisation'),
      kind: personal('What was done'),
      from_status: personal('The status before'),
      to_status: personal('The status after'),
      text: personal('The reason, question, note or action written (free text)', { criminalOffence: true }),
      details: personal('Outcome, assignee and onward reference, as JSON'),
    },
  },
]
