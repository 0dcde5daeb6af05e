import { personal, plain, type TableInventory } from '../../platform/data-inventory.ts'

/**
 * Restricted records, staff interests, break-glass openings and involvement grants (migration
 * 0019), for the data inventory (C1). They say who may open a person's record, so they are kept
 * with the person's record as police information.
 */
export const INVENTORY: TableInventory[] = [
  {
    table: 'person_restriction',
    description: 'A person’s record restricted to named users, why, by whom, and its reviews and lifting.',
    dataClass: 'person-identity',
    retention: 'police-record',
    columns: {
      id: plain('Surrogate key (R-n in messages)'),
      person_id: personal('The person whose record is restricted'),
      kind: personal('high-profile, staff-member-or-relative or high-risk'),
      reason: personal('Why, in the words of the person who set it (may describe the person)'),
      set_by: personal('The user who set it, its owner'),
      set_at: plain('When it was set'),
      last_reviewed_at: plain('When it was last kept after review'),
      last_reviewed_by: personal('Who kept it'),
      review_reason: personal('Why it was kept, in the reviewer’s words'),
      next_review_at: plain('When it next comes up for review (90 days after it was set or kept)'),
      lifted_at: plain('When it was lifted'),
      lifted_by: personal('Who lifted it'),
      lift_reason: personal('Why it was lifted'),
      version: plain('Optimistic-concurrency version'),
    },
  },
  {
    table: 'person_restriction_user',
    description: 'The users a restricted record opens for.',
    dataClass: 'person-identity',
    retention: 'police-record',
    columns: {
      restriction_id: plain('The restriction'),
      user_id: personal('A user named in it'),
    },
  },
  {
    table: 'staff_interest',
    description:
      'A member of staff who is a person in Upstream or their relative, and so may never open their record.',
    dataClass: 'person-identity',
    retention: 'police-record',
    columns: {
      id: plain('Surrogate key (SI-n in messages)'),
      user_id: personal('The member of staff'),
      person_id: personal('The person they are, or are related to'),
      relationship: personal('self or relative'),
      declared_by: personal('The administrator or supervisor who declared it'),
      declared_at: plain('When'),
    },
  },
  {
    table: 'break_glass_access',
    description:
      'Each opening of a restricted record by break-glass: who, the reason they typed, and until when.',
    dataClass: 'person-identity',
    retention: 'police-record',
    columns: {
      id: plain('Surrogate key'),
      user_id: personal('The user who broke the glass'),
      person_id: personal('The person whose record was opened'),
      restriction_id: plain('The restriction broken'),
      reason: personal('Why, in the user’s words (may describe the person)'),
      started_at: plain('When'),
      expires_at: plain('When the access ends'),
    },
  },
  {
    table: 'involvement_grant',
    description:
      'Time-limited access to a restricted record for a task (14 days) or an involved worker (6 months).',
    dataClass: 'person-identity',
    retention: 'police-record',
    columns: {
      id: plain('Surrogate key (G-n in messages)'),
      user_id: personal('The user given access'),
      person_id: personal('The person whose record it opens'),
      kind: plain('task or involved-worker'),
      granted_by: personal('Who gave it'),
      granted_at: plain('When'),
      expires_at: plain('When it ends'),
      notice_sent_at: plain('When the holder was told it ends within 7 days'),
    },
  },
]
