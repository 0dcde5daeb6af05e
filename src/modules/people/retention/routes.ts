import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { DomainError } from '../../../errors.ts'
import { defineRoutes } from '../../../server/define-route.ts'
import { sendProblem } from '../../../server/request-context.ts'
import { recordAudit } from '../../platform/audit/audit-log.ts'
import { errorListOf, formText, formVersion, queryText } from '../../platform/admin/forms.ts'
import { partnershipDate } from '../../platform/sharing.ts'
import { decideRetention } from './decisions.ts'
import { erasePerson } from './erase.ts'
import { erasureSummary } from './erasure-summary.ts'
import { MOPI_GROUPS } from './mopi-groups.ts'
import { assessRetention, recordsDueForReview, type DueRecord } from './schedule.ts'

/**
 * The review queue of records due for review, with its retain and dispose decisions (C4), and the
 * DPO's erasure of a person behind a confirmation page (C5). Pages show source references, never
 * names: a reviewer opens the person's page, for a stated purpose, to see more.
 */
export function registerRetentionRoutes(app: FastifyInstance): void {
  const route = defineRoutes(app)
  const { db, clock, config } = app.deps
  const viewer = (request: FastifyRequest) => request.user as NonNullable<FastifyRequest['user']>

  const renderQueue = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: Record<string, unknown> = {},
  ) => {
    const now = clock.now()
    const today = partnershipDate(now)
    await assessRetention(db, now)
    const due = await recordsDueForReview(db, today)
    await recordAudit(db, {
      action: 'consult',
      event: 'VIEW_RETENTION_QUEUE',
      actorUserId: viewer(request).id,
      actorOrganisationId: viewer(request).organisationId,
      recordType: 'person_record',
      recordIds: due.map((record) => String(record.recordId)),
      requestId: request.id,
      ip: request.ip,
      occurredAt: now,
    })
    return reply.render('people/retention/pages/queue.njk', {
      pageTitle: 'Records due for review',
      today,
      groups: Object.values(MOPI_GROUPS),
      records: due.map((record) => queueRow(record, today)),
      decided: queryText(request, 'decided'),
      ...extra,
    })
  }

  route.get('/people/retention', {
    permission: 'people:retention',
    dataClass: 'personal',
    audit: 'consult',
    handler: (request, reply) => renderQueue(request, reply),
  })

  route.post('/people/retention/:recordId', {
    permission: 'people:retention',
    dataClass: 'personal',
    audit: 'alter',
    handler: async (request, reply) => {
      const recordId = idParam(request, 'recordId')
      if (recordId === null) return notFoundPage(request, reply)
      const input = {
        recordId,
        decision: formText(request.body, 'decision'),
        rationale: formText(request.body, 'rationale'),
        reviewInYears: formText(request.body, 'reviewInYears'),
        version: formVersion(request.body),
      }
      const now = clock.now()
      try {
        const outcome = await decideRetention(db, viewer(request), input, {
          now,
          today: partnershipDate(now),
          dataDir: config.dataDir,
          requestId: request.id,
          ip: request.ip,
        })
        return reply.code(303).redirect(`/people/retention?decided=${outcome.decision}`)
      } catch (error) {
        if (!(error instanceof DomainError)) throw error
        if (error.code === 'not_found') return notFoundPage(request, reply)
        const fields = error.code === 'invalid' ? error.fields : {}
        const anchors = Object.fromEntries(
          Object.keys(fields).map((field) => [field, `${field}-${recordId}`]),
        )
        reply.code(error.code === 'invalid' ? 400 : 409)
        return renderQueue(request, reply, {
          failedRecordId: recordId,
          values: input,
          errors: fields,
          conflict: error.code === 'conflict' ? error.message : undefined,
          errorList:
            error.code === 'invalid'
              ? errorListOf(fields, anchors)
              : [{ text: error.message, href: `#record-${recordId}` }],
        })
      }
    },
  })

  route.get('/people/:id/erase', {
    permission: 'people:erase',
    dataClass: 'personal',
    audit: 'consult',
    handler: async (request, reply) => {
      const id = idParam(request)
      const summary = id === null ? null : await erasureSummary(db, id)
      if (id === null || summary === null) return notFoundPage(request, reply)
      await recordAudit(db, {
        action: 'consult',
        event: 'VIEW_ERASURE_CONFIRMATION',
        actorUserId: viewer(request).id,
        actorOrganisationId: viewer(request).organisationId,
        recordType: 'person',
        recordIds: [String(id)],
        requestId: request.id,
        ip: request.ip,
        occurredAt: clock.now(),
      })
      return reply.render('people/retention/pages/erase.njk', {
        pageTitle: `Erase person ${id}`,
        summary,
        values: { reason: '' },
      })
    },
  })

  route.post('/people/:id/erase', {
    permission: 'people:erase',
    dataClass: 'personal',
    audit: 'erase',
    handler: async (request, reply) => {
      const id = idParam(request)
      const summary = id === null ? null : await erasureSummary(db, id)
      if (id === null || summary === null) return notFoundPage(request, reply)
      const values = { reason: formText(request.body, 'reason'), confirm: formText(request.body, 'confirm') }
      const errors: Record<string, string> = {}
      if (values.confirm !== 'yes')
        errors.confirm = 'Confirm that everything listed is to be erased: it cannot be undone'
      if (!values.reason.trim())
        errors.reason = 'Enter why the person is erased (a reference or the ground, not a name)'
      if (Object.keys(errors).length === 0) {
        try {
          const user = viewer(request)
          await erasePerson(db, id, {
            by: user.id,
            byOrganisationId: user.organisationId,
            reason: values.reason,
            now: clock.now(),
            dataDir: config.dataDir,
            requestId: request.id,
            ip: request.ip,
          })
          return reply.render('people/retention/pages/erased.njk', {
            pageTitle: 'Person erased',
            personId: id,
          })
        } catch (error) {
          if (!(error instanceof DomainError)) throw error
          if (error.code === 'not_found') return notFoundPage(request, reply)
          if (error.code !== 'invalid') throw error
          Object.assign(errors, error.fields)
        }
      }
      reply.code(400)
      return reply.render('people/retention/pages/erase.njk', {
        pageTitle: `Erase person ${id}`,
        summary,
        values,
        errors,
        errorList: errorListOf(errors),
      })
    },
  })
}

function queueRow(record: DueRecord, today: string) {
  return {
    ...record,
    overdue: record.nextReviewOn <= today,
    defaultYears: record.group === null ? 1 : MOPI_GROUPS[record.group].reviewAfterYears,
  }
}

function idParam(request: FastifyRequest, name = 'id'): number | null {
  const text = (request.params as Record<string, string | undefined>)[name] ?? ''
  const id = Number(text)
  return /^\d{1,15}$/.test(text) && Number.isSafeInteger(id) ? id : null
}

function notFoundPage(request: FastifyRequest, reply: FastifyReply) {
  return sendProblem(request, reply, 404, 'not_found', 'Not found', [
    'The record or person may have been erased already, or the address is wrong.',
  ])
}
