import type { IncidentKind } from '../../data-hub/index.ts'
import type { MethodOption } from '../method.ts'
import type { AnyAnalysisMethod } from '../methods.ts'
import type { AnalysisRunRecord } from '../runs/queries.ts'
import type { AnalysisRunSummary } from '../runs/run-list.ts'

/** Shapes analysis runs and method options for the Nunjucks views. */

const dateTime = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'Europe/London',
})

const STATUS_TEXT: Record<AnalysisRunSummary['status'], string> = {
  queued: 'Waiting to start',
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
}

const STATUS_TAG: Record<AnalysisRunSummary['status'], string> = {
  queued: 'govuk-tag--grey',
  running: 'govuk-tag--blue',
  completed: 'govuk-tag--green',
  failed: 'govuk-tag--red',
  cancelled: 'govuk-tag--yellow',
}

function duration(ms: number | null): string {
  if (ms === null) return ''
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`
}

/** The filter a run read, in words: "crime, 2023-04 to 2023-05". */
export function filterText(filter: Record<string, unknown> | null, input: string): string {
  if (!filter) return `File ${input}`
  const parts: string[] = []
  if (filter.kind) parts.push(String(filter.kind))
  if (filter.category) parts.push(`category ${String(filter.category)}`)
  if (filter.from || filter.to)
    parts.push(`${String(filter.from ?? 'first')} to ${String(filter.to ?? 'latest')}`)
  if (filter.area) parts.push(`area ${String(filter.area)}`)
  if (filter.source) parts.push(`source ${String(filter.source)}`)
  if (filter.areaLevel) parts.push(`areas by ${String(filter.areaLevel)}`)
  return parts.length ? parts.join(', ') : 'Every incident the analyst could see'
}

export function runRow(run: AnalysisRunSummary) {
  return {
    id: run.id,
    href: `/analysis/runs/${run.id}`,
    method: run.method,
    statusText: STATUS_TEXT[run.status],
    statusTag: STATUS_TAG[run.status],
    input: filterText(run.filter, run.input),
    startedBy: run.startedByName ?? 'command line',
    created: dateTime.format(run.createdAt),
    duration: duration(run.durationMs),
  }
}

export function runStatus(run: AnalysisRunRecord, method: AnyAnalysisMethod | undefined) {
  const finished = run.status === 'completed' || run.status === 'failed' || run.status === 'cancelled'
  const parameters = Object.entries(run.parameters).map(([key, value]) => {
    const option = method?.options.find((o) => o.key === key)
    return { key: option?.flag ?? key, value: Array.isArray(value) ? value.join(', ') : String(value) }
  })
  return {
    id: run.id,
    method: run.method,
    title: method?.title ?? run.method,
    status: run.status,
    statusText: STATUS_TEXT[run.status],
    statusTag: STATUS_TAG[run.status],
    finished,
    percent: Math.round(run.progress * 100),
    stage: run.stage ?? '',
    error: run.error,
    input: filterText(run.filter, run.input),
    points: typeof run.inputDetail.points === 'number' ? run.inputDetail.points.toLocaleString('en-GB') : '',
    withoutLocation:
      typeof run.inputDetail.withoutLocation === 'number'
        ? run.inputDetail.withoutLocation.toLocaleString('en-GB')
        : '',
    dataVersion: run.dataVersion,
    created: dateTime.format(run.createdAt),
    duration: duration(run.durationMs),
    parameters,
  }
}

function optionHint(option: MethodOption): string {
  const parts = [option.description]
  if (option.type === 'number-list') parts.push('Numbers separated by commas.')
  if (option.minimum !== undefined && option.maximum !== undefined)
    parts.push(`From ${option.minimum} to ${option.maximum}.`)
  if (option.default !== undefined) {
    const shown = Array.isArray(option.default) ? option.default.join(',') : String(option.default)
    parts.push(`Leave empty for ${shown}.`)
  }
  return parts.join(' ')
}

/** One form field per option: a select for a choice, yes/no radios for a switch, a text input otherwise. */
export function optionFields(
  method: AnyAnalysisMethod,
  values: Record<string, string>,
  errors: Record<string, string>,
) {
  return method.options.map((option) => {
    const value = values[option.key] ?? ''
    const base = {
      id: option.key,
      name: option.key,
      label: option.flag.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase()),
      hint: optionHint(option),
      error: errors[option.key],
      value,
    }
    if (option.type === 'enum') {
      const fallback = value || String(option.default ?? '')
      return {
        ...base,
        control: 'select',
        items: [
          ...(option.default === undefined ? [{ value: '', text: 'Choose', selected: !fallback }] : []),
          ...(option.choices ?? []).map((choice) => ({
            value: choice,
            text: choice,
            selected: fallback === choice,
          })),
        ],
      }
    }
    if (option.type === 'boolean') {
      const chosen = value || (option.default === undefined ? '' : String(option.default))
      return {
        ...base,
        control: 'radios',
        items: [
          { value: 'true', text: 'Yes', checked: chosen === 'true' },
          { value: 'false', text: 'No', checked: chosen === 'false' },
        ],
      }
    }
    const numeric = option.type === 'integer' || option.type === 'number'
    return {
      ...base,
      control: 'input',
      inputmode: numeric ? 'decimal' : undefined,
      width: numeric ? 'govuk-input--width-10' : 'govuk-input--width-20',
    }
  })
}

export function filterFields(
  values: Record<string, string>,
  errors: Record<string, string>,
  kinds: readonly IncidentKind[],
) {
  const field = (name: string) => ({ id: name, name, value: values[name] ?? '', error: errors[name] })
  return {
    kind: {
      ...field('kind'),
      items: [
        { value: '', text: 'Every kind you may see', selected: !values.kind },
        ...kinds.map((kind) => ({ value: kind, text: kind, selected: values.kind === kind })),
      ],
    },
    category: field('category'),
    from: field('from'),
    to: field('to'),
    area: field('area'),
    source: field('source'),
  }
}
