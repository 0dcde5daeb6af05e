import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { DomainError } from '../../errors.ts'
import { defineRoutes } from '../../server/define-route.ts'
import { purposesAllowed } from './access.ts'
import { actionFrom, actOnReferral } from './act-on-referral.ts'
import { referralConversion } from './conversion.ts'
import { parseInboxQuery } from './inbox-query.ts'
import { makeReferral, makeReferralInputFrom, type MakeReferralInput } from './make-referral.ts'
import { historyItem, inboxPage, outcomeItems, purposeLabel, subjectOf } from './presenters.ts'
import {
  assignableUsers,
  referralDestinations,
  referralId,
  referralInbox,
  teamsOf,
  viewReferral,
  type ReferralHistoryItem,
  type ReferralView,
} from './queries.ts'
import { ACTION_ROUTES, contextOf, deniedAnswer, notFoundAnswer, viewerOf } from './route-helpers.ts'
import { OUTCOME_LABELS, PRIORITIES, PRIORITY_LABELS, STATUS_LABELS } from './workflow.ts'
import { PURPOSE_LABELS } from '../platform/data-classes.ts'
import { assessmentRow, evidenceRow } from './assessment-presenters.ts'

/**
 * The referral pages: the team inbox, a referral with its evidence, history and action forms,
 * the "make a referral" form and conversion by rule. Every form is a plain POST with its CSRF
 * token and the version it was read at, so each works without JavaScript.
 */

const errorListOf = (fields: Record<string, string>) =>
  Object.entries(fields).map(([field, text]) => ({ text, href: `#${field}` }))

export function registerReferralPageRoutes(app: FastifyInstance): void {
  const route = defineRoutes(app)
  const { db, clock } = app.deps

  route.get('/referrals', {
    permission: 'referrals:read',
    dataClass: 'personal',
    audit: 'consult',
    handler: async (request, reply) => {
      const { query, errors } = parseInboxQuery(request.query)
      const teams = await teamsOf(db, request.user!.organisationId)
      if (Object.keys(errors).length) {
        reply.code(400)
        const empty = inboxPage(
          { referrals: [], total: 0, page: 1, pageCount: 1, purposes: ['safeguarding'] },
          query,
          teams,
        )
        return reply.render('referrals/pages/inbox.njk', {
          pageTitle: 'Referrals',
          ...empty,
          errors,
          errorList: errorListOf(errors),
        })
      }
      const page = await referralInbox(db, viewerOf(request), query, contextOf(request, clock))
      return reply.render('referrals/pages/inbox.njk', {
        pageTitle: 'Referrals',
        ...inboxPage(page, query, teams),
        errors: {},
      })
    },
  })

  async function renderNewForm(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Partial<MakeReferralInput>,
    errors: Record<string, string> = {},
  ) {
    const allowed = await purposesAllowed(db, viewerOf(request), clock.now())
    const destinations = await referralDestinations(db)
    return reply.render('referrals/pages/new.njk', {
      pageTitle: 'Make a referral',
      values,
      errors,
      errorList: errorListOf(errors),
      noPurpose: allowed.referral.size === 0,
      purposeItems: [...allowed.referral.keys()].map((purpose) => ({
        value: purpose,
        text: PURPOSE_LABELS[purpose],
        hint: {
          text: allowed.identity.has(purpose)
            ? 'You may name a person for this purpose.'
            : 'You may not name a person for this purpose: describe who or what it is about without identifying them.',
        },
        checked: values.purpose === purpose,
      })),
      mayNamePerson: allowed.identity.size > 0,
      mayWritePoliceNote: request.user!.organisationKind === 'police_force',
      destinationItems: [
        { value: '', text: 'Choose a team or organisation' },
        ...destinations.map((d) => ({ value: d.value, text: d.text, selected: d.value === values.to })),
      ],
      priorityItems: PRIORITIES.map((p) => ({
        value: p,
        text: PRIORITY_LABELS[p],
        checked: (values.priority ?? 'normal') === p,
      })),
    })
  }

  route.get('/referrals/new', {
    permission: 'referrals:make',
    dataClass: 'organisation',
    handler: (request, reply) => renderNewForm(request, reply, { priority: 'normal' }),
  })

  route.post('/referrals', {
    permission: 'referrals:make',
    dataClass: 'personal',
    audit: 'collect',
    handler: async (request, reply) => {
      const input = makeReferralInputFrom(request.body)
      try {
        const made = await makeReferral(db, viewerOf(request), input, contextOf(request, clock))
        return reply.redirect(`/referrals/${made.id}?done=made`, 303)
      } catch (error) {
        if (!(error instanceof DomainError) || error.code !== 'invalid') throw error
        reply.code(400)
        return renderNewForm(request, reply, input, error.fields)
      }
    },
  })

  route.get('/referrals/conversion', {
    permission: 'referrals:screen',
    dataClass: 'none',
    handler: async (request, reply) => {
      const rules = await referralConversion(db, request.user!.organisationId)
      const percent = (value: number | null) => (value === null ? '–' : `${(value * 100).toFixed(0)}%`)
      return reply.render('referrals/pages/conversion.njk', {
        pageTitle: 'Referrals by trigger rule',
        rows: rules.map((rule) => ({
          ...rule,
          share: percent(rule.acceptedShare),
          interval: rule.acceptedShareInterval
            ? `${percent(rule.acceptedShareInterval[0])} to ${percent(rule.acceptedShareInterval[1])}`
            : '–',
          outcomes: Object.entries(rule.outcomes)
            .filter(([, n]) => n > 0)
            .map(([outcome, n]) => `${OUTCOME_LABELS[outcome as keyof typeof OUTCOME_LABELS]}: ${n}`)
            .join('; '),
        })),
      })
    },
  })

  async function renderReferral(
    request: FastifyRequest,
    reply: FastifyReply,
    referral: ReferralView,
    page: {
      errors?: Record<string, string>
      values?: Record<string, string>
      conflict?: { message: string; changes: ReferralHistoryItem[] }
    } = {},
  ) {
    const screener = referral.capacity.screener
    const users =
      screener && referral.actions.includes('assign')
        ? await assignableUsers(db, referral.toOrganisationId)
        : []
    const destinations = referral.actions.includes('refer-on') ? await referralDestinations(db) : []
    const errors = page.errors ?? {}
    const done =
      typeof (request.query as Record<string, unknown>).done === 'string'
        ? String((request.query as Record<string, unknown>).done)
        : ''
    return reply.render('referrals/pages/referral.njk', {
      pageTitle: `Referral ${referral.reference}`,
      referral,
      subject: subjectOf(referral),
      purpose: purposeLabel(referral.purpose),
      status: STATUS_LABELS[referral.status],
      priority: PRIORITY_LABELS[referral.priority],
      outcome: referral.outcome ? OUTCOME_LABELS[referral.outcome] : null,
      history: [...referral.history].reverse().map(historyItem),
      evidenceRows: referral.evidence?.map(evidenceRow),
      assessmentRows: referral.assessments.map(assessmentRow),
      errors,
      values: page.values ?? {},
      errorList: errorListOf(errors),
      conflict: page.conflict
        ? { message: page.conflict.message, changes: page.conflict.changes.map(historyItem) }
        : null,
      flash: done ? (done === 'made' ? `Referral ${referral.reference} made` : 'Saved') : undefined,
      can: Object.fromEntries(referral.actions.map((a) => [a, true])),
      userItems: [
        { value: '', text: 'Choose someone' },
        ...users.map((u) => ({ value: u.id, text: u.name, selected: u.id === referral.assignedUserId })),
      ],
      destinationItems: [
        { value: '', text: 'Choose a team or organisation' },
        ...destinations
          .filter((d) => d.organisationId !== referral.toOrganisationId || d.value.startsWith('team:'))
          .map((d) => ({ value: d.value, text: d.text })),
      ],
      outcomeItems: outcomeItems(),
    })
  }

  route.get('/referrals/:id', {
    permission: 'referrals:read',
    dataClass: 'personal',
    audit: 'consult',
    handler: async (request, reply) => {
      const read = await viewReferral(
        db,
        viewerOf(request),
        referralId((request.params as { id: string }).id),
        contextOf(request, clock),
      )
      if (read.kind === 'not-found') return notFoundAnswer(request, reply)
      if (read.kind === 'denied') return deniedAnswer(request, reply, read.reason)
      return renderReferral(request, reply, read.referral)
    },
  })

  for (const form of ACTION_ROUTES) {
    route.post(`/referrals/:id/${form.path}`, {
      permission: form.permission,
      dataClass: 'personal',
      audit: 'alter',
      handler: async (request, reply) => {
        const id = referralId((request.params as { id: string }).id)
        const rereadAnd = async (then: (referral: ReferralView) => unknown) => {
          const read = await viewReferral(db, viewerOf(request), id, contextOf(request, clock))
          if (read.kind === 'not-found') return notFoundAnswer(request, reply)
          if (read.kind === 'denied') return deniedAnswer(request, reply, read.reason)
          return then(read.referral)
        }
        const body = (request.body ?? {}) as Record<string, string>
        try {
          const { action, version } = actionFrom(request.body, form.actions)
          const result = await actOnReferral(
            db,
            viewerOf(request),
            id,
            version,
            action,
            contextOf(request, clock),
          )
          if (result.kind === 'not-found') return notFoundAnswer(request, reply)
          if (result.kind === 'denied') return deniedAnswer(request, reply, result.reason)
          if (result.kind === 'conflict') {
            reply.code(409)
            return rereadAnd((referral) => renderReferral(request, reply, referral, { conflict: result }))
          }
          return reply.redirect(`/referrals/${result.referralId}?done=${action.kind}`, 303)
        } catch (error) {
          if (!(error instanceof DomainError) || error.code !== 'invalid') throw error
          reply.code(400)
          return rereadAnd((referral) =>
            renderReferral(request, reply, referral, { errors: error.fields, values: body }),
          )
        }
      },
    })
  }
}
