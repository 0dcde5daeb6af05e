/**
 * JSON schemas of the referral API: Fastify serialises answers through them (a key not listed
 * here never leaves the server) and @fastify/swagger documents them.
 */

import { errorResponses, nullable } from '../../server/api-schemas.ts'
import { DATA_SUBJECT_CATEGORIES } from '../platform/data-subject-categories.ts'

const errors = errorResponses(400, 401, 403, 404, 409)
const common = { tags: ['referrals'], security: [{ session: [] }] }
const text = (description: string) => ({ type: 'string', description })
const idParameter = {
  type: 'object',
  properties: { id: { type: 'string', description: 'The referral id' } },
  required: ['id'],
}

const summary = {
  type: 'object',
  required: [
    'id',
    'reference',
    'purpose',
    'status',
    'priority',
    'overdue',
    'createdAt',
    'personWithheld',
    'subject',
  ],
  properties: {
    id: { type: 'integer' },
    reference: { type: 'string' },
    purpose: { type: 'string' },
    status: { type: 'string' },
    priority: { type: 'string' },
    dueAt: nullable('string', { format: 'date-time' }),
    overdue: { type: 'boolean' },
    createdAt: { type: 'string', format: 'date-time' },
    from: { type: 'string' },
    to: { type: 'string' },
    team: nullable('string'),
    assignedTo: nullable('string'),
    personName: { type: 'string', description: 'Only where the agreements share identity for the purpose' },
    personWithheld: { type: 'boolean' },
    subject: { type: 'string' },
    ruleKey: nullable('string'),
  },
}

const referral = {
  type: 'object',
  required: ['id', 'reference', 'version', 'purpose', 'status', 'priority', 'history', 'actions'],
  properties: {
    id: { type: 'integer' },
    reference: { type: 'string' },
    version: { type: 'integer', description: 'Send it back with every change (optimistic concurrency)' },
    purpose: { type: 'string' },
    status: { type: 'string' },
    priority: { type: 'string' },
    dueAt: nullable('string', { format: 'date-time' }),
    overdue: { type: 'boolean' },
    createdAt: { type: 'string', format: 'date-time' },
    closedAt: nullable('string', { format: 'date-time' }),
    outcome: nullable('string'),
    reason: { type: 'string' },
    subject: { type: 'string' },
    from: {
      type: 'object',
      properties: {
        organisationId: { type: 'string' },
        organisation: { type: 'string' },
        team: nullable('string'),
        user: nullable('string'),
      },
    },
    to: {
      type: 'object',
      properties: {
        organisationId: { type: 'string' },
        organisation: { type: 'string' },
        teamId: nullable('string'),
        team: nullable('string'),
      },
    },
    assignedTo: {
      type: ['object', 'null'],
      properties: { id: { type: 'string' }, name: nullable('string') },
    },
    trigger: {
      type: ['object', 'null'],
      properties: { ruleKey: { type: 'string' }, ruleVersion: { type: 'integer' } },
    },
    onwardFrom: {
      type: ['object', 'null'],
      properties: { id: { type: 'integer' }, reference: { type: 'string' } },
    },
    person: {
      type: 'object',
      description: 'Only where the agreements share identity for the purpose',
      properties: {
        id: { type: 'integer' },
        displayName: { type: 'string' },
        dateOfBirth: nullable('string'),
      },
    },
    personWithheld: { type: 'boolean' },
    evidence: {
      type: 'array',
      description: 'Only where the agreements share the evidence for the purpose',
      items: {
        type: 'object',
        required: ['incidentId', 'category', 'source', 'date'],
        properties: {
          incidentId: { type: 'integer' },
          incidentDate: { type: 'string' },
          why: { type: 'string' },
          ruleKey: nullable('string'),
          ruleVersion: nullable('integer'),
          addedAt: { type: 'string', format: 'date-time' },
          category: {
            type: 'string',
            enum: [...DATA_SUBJECT_CATEGORIES],
            description: "The referral's person's category of data subject in the incident (a fact)",
          },
          source: {
            type: 'object',
            required: ['kind', 'name', 'importRunId', 'recordedBy'],
            description: 'Where the item came from',
            properties: {
              kind: { type: 'string', description: 'The data source (import format) of the incident' },
              name: { type: 'string' },
              importRunId: { type: 'integer', description: 'The import run the incident came in by' },
              recordedBy: nullable('string', {
                description:
                  "The records system that recorded the person's involvement; null when the category is derived from the household",
              }),
            },
          },
          date: { type: 'string', description: 'The date of the incident, YYYY-MM-DD' },
        },
      },
    },
    evidenceCount: { type: 'integer' },
    assessments: {
      type: 'array',
      description:
        'Opinions about the subject, never recorded facts (DPA s.38): the trigger rule finding and score only where the evidence is shared',
      items: {
        type: 'object',
        required: ['assessment', 'kind', 'finding', 'source', 'author', 'assessedAt'],
        properties: {
          assessment: { type: 'boolean', enum: [true] },
          kind: { type: 'string', enum: ['trigger-finding', 'rfg-score', 'priority'] },
          finding: { type: 'string' },
          detail: { type: 'object', additionalProperties: true },
          source: {
            type: 'object',
            description: 'The rule (key and version) or the member of staff that made it',
            properties: {
              rule: { type: 'object', properties: { key: { type: 'string' }, version: { type: 'integer' } } },
              user: nullable('string'),
            },
          },
          author: nullable('string', { description: 'Null for a rule shipped with Upstream' }),
          assessedAt: { type: 'string', format: 'date-time' },
        },
      },
    },
    policeNote: { type: 'string', description: 'Police staff only' },
    history: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          version: { type: 'integer' },
          occurredAt: { type: 'string', format: 'date-time' },
          kind: { type: 'string' },
          actor: nullable('string'),
          actorOrganisation: nullable('string'),
          fromStatus: nullable('string'),
          toStatus: nullable('string'),
          text: { type: 'string' },
        },
      },
    },
    actions: { type: 'array', items: { type: 'string' }, description: 'What the caller may do next' },
    withheld: { type: 'array', items: { type: 'string' } },
  },
}

export const listReferralsSchema = {
  ...common,
  summary: 'The referrals sent to (box=received) or made by (box=sent) the caller’s organisation',
  querystring: {
    type: 'object',
    properties: {
      box: text('received (default) or sent'),
      status: text(
        'open (default), all, or one status: new, needs_information, accepted, declined, assigned, in_progress, closed',
      ),
      priority: text('low, normal, high or urgent'),
      team: text('A team id'),
      overdue: text('yes: only open referrals past their time limit'),
      assigned: text('anyone (default), me or nobody'),
      sort: text('due (default), created, priority, reference or status'),
      direction: text('asc (default) or desc'),
      page: text('From 1'),
      pageSize: text('1 to 100, default 25'),
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['referrals', 'total', 'page', 'pageCount'],
      properties: {
        referrals: { type: 'array', items: summary },
        total: { type: 'integer' },
        page: { type: 'integer' },
        pageCount: { type: 'integer' },
      },
    },
    ...errors,
  },
}

export const getReferralSchema = {
  ...common,
  summary: 'One referral, as far as the agreements let the caller see it',
  params: idParameter,
  response: { 200: referral, ...errors },
}

export const makeReferralSchema = {
  ...common,
  summary: 'Make a referral',
  body: {
    type: 'object',
    properties: {
      purpose: text(
        'The purpose: safeguarding, crime-prevention, problem-solving, evaluation or strategic-planning',
      ),
      to: text("'team:<id>' or 'organisation:<id>'"),
      priority: text('low, normal, high or urgent'),
      reason: text('Why the referral is made'),
      subject: text('Who or what it is about, where no person is named'),
      personId: text('A person id, where the agreements let the caller name the person for the purpose'),
      policeNote: text('Police staff only'),
    },
  },
  response: {
    201: { type: 'object', properties: { id: { type: 'integer' }, reference: { type: 'string' } } },
    ...errors,
  },
}

export const actOnReferralSchema = (actions: readonly string[]) => ({
  ...common,
  summary: `Act on a referral: ${actions.join(', ')}`,
  params: idParameter,
  body: {
    type: 'object',
    required: ['action', 'version'],
    properties: {
      action: { type: 'string', enum: [...actions] },
      version: {
        type: 'integer',
        description: 'The version read; a stale one answers 409 with what changed',
      },
      reason: text('decline, refer-on'),
      question: text('request-information'),
      text: text('supply-information, note, action'),
      userId: text('assign'),
      outcome: text('close'),
      note: text('accept, close'),
      to: text("refer-on: 'team:<id>' or 'organisation:<id>'"),
    },
  },
  response: {
    200: {
      type: 'object',
      properties: {
        id: { type: 'integer' },
        version: { type: 'integer' },
        onward: { type: 'object', properties: { id: { type: 'integer' }, reference: { type: 'string' } } },
      },
    },
    ...errors,
  },
})
