import { personal, plain, type TableInventory } from '../platform/data-inventory.ts'

/**
 * Linked people, their links, reviews, decisions and households (migration 0014), classified for
 * the data inventory (C1). Derived from police and partner
 * person records, so kept and reviewed as police records.
 */
export const INVENTORY: TableInventory[] = [
  {
    table: 'linkage_run',
    description:
      'Each run of record linkage: when, by whom, the thresholds, the counts and the estimated model (no personal data).',
    dataClass: null,
    retention: 'import-provenance',
    columns: {
      id: plain('Surrogate key'),
      status: plain('running, completed or failed'),
      started_by: personal('The user who started it; null for the system'),
      started_at: plain('When it started'),
      finished_at: plain('When it ended'),
      records: plain('Person records read'),
      identities: plain('People they were linked into'),
      linked_pairs: plain('Pairs of records linked'),
      review_pairs: plain('Pairs put in the review queue'),
      threshold: plain('Match probability from which records are linked'),
      review_from: plain('Match probability from which a pair is reviewed'),
      model: plain('The estimated m and u probabilities per comparison level'),
      error: plain('Why the run failed'),
    },
  },
  {
    table: 'person',
    description:
      'One person as the linkage sees them across sources: a display name and date of birth from their records.',
    dataClass: 'person-identity',
    retention: 'police-record',
    columns: {
      id: personal('Generated identifier of the person (pseudonymous)'),
      display_name: personal('A name from one of their records, for pages'),
      date_of_birth: personal('A date of birth from one of their records'),
      merged_into: personal('The person this one was merged into by a later run'),
      created_at: plain('When the person was first linked'),
      updated_at: plain('When the person last changed'),
    },
  },
  {
    table: 'person_record_link',
    description: 'Which person each source record belongs to, and how sure the linkage is.',
    dataClass: 'person-identity',
    retention: 'police-record',
    columns: {
      person_record_id: personal('The source record'),
      person_id: personal('The person it is linked to'),
      linkage_run_id: plain('The run that made the link'),
      match_probability: personal(
        'The highest match probability of the record with another of the person’s records',
      ),
    },
  },
  {
    table: 'link_review',
    description:
      'Pairs of records the linkage was unsure about, with the weight of each field, for a reviewer.',
    dataClass: 'person-identity',
    retention: 'police-record',
    columns: {
      id: plain('Surrogate key'),
      linkage_run_id: plain('The run that found the pair'),
      record_a: personal('The first record'),
      record_b: personal('The second record'),
      match_probability: personal('How likely the two are one person'),
      match_weight: personal('The match weight (log2 Bayes factor)'),
      explanation: personal('Per field: how the values compare and the weight it adds'),
      status: plain('open, decided or superseded'),
    },
  },
  {
    table: 'link_decision',
    description: 'Reviewers’ decisions that two records are, or are not, the same person; kept when undone.',
    dataClass: 'person-identity',
    retention: 'police-record',
    columns: {
      id: plain('Surrogate key'),
      record_a: personal('The first record'),
      record_b: personal('The second record'),
      decision: personal('same or different'),
      reason: personal('Why, in the reviewer’s words (may mention the person)'),
      decided_by: personal('The reviewer'),
      decided_at: plain('When'),
      undone_by: personal('Who undid it'),
      undone_at: plain('When it was undone'),
    },
  },
  {
    table: 'household',
    description: 'A dwelling at which linked people were seen, rebuilt by each linkage run.',
    dataClass: 'person-identity',
    retention: 'police-record',
    columns: {
      id: plain('Surrogate key'),
      address_key: personal('The dwelling key: postcode, numbers and first street word'),
      address: personal('The address as one record gives it'),
      postcode: personal('The postcode'),
      linkage_run_id: plain('The run that built it'),
    },
  },
  {
    table: 'household_member',
    description: 'Who was seen at a dwelling and over which dates, and from when as a child.',
    dataClass: 'person-identity',
    retention: 'police-record',
    columns: {
      household_id: personal('The dwelling'),
      person_id: personal('The person'),
      present_from: personal('Their first sighting there'),
      present_to: personal('Their last sighting there'),
      child_from: personal('Their first sighting there while under 18'),
    },
  },
]
