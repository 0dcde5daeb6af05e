import { invalid } from '../../errors.ts'
import type { AnyAnalysisMethod } from './methods.ts'
import type { MethodOption } from './method.ts'

/**
 * A method's options from the command line (text) or the API (JSON values): checked one by one
 * against the method's declarations, defaults filled in, then against each other by the method.
 * Every problem is named by its flag (`--rings`) or, for the API, its key (`rings`).
 */

export type OptionValue = number | string | boolean | number[]
export type MethodOptions = Record<string, OptionValue>

/** How problems name an option: its CLI flag or its API key. */
export type OptionNaming = 'flag' | 'key'

const INTEGER = /^[+-]?\d+$/
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return `'${text.length > 40 ? `${text.slice(0, 40)}…` : text}'`
}

/** "from 1 to 10", "of at least 0", or '' when unbounded. */
function range(option: MethodOption): string {
  const { minimum, maximum } = option
  if (minimum !== undefined && maximum !== undefined) return ` from ${minimum} to ${maximum}`
  if (minimum !== undefined) return ` of at least ${minimum}`
  if (maximum !== undefined) return ` of at most ${maximum}`
  return ''
}

const inRange = (option: MethodOption, value: number) =>
  (option.minimum === undefined || value >= option.minimum) &&
  (option.maximum === undefined || value <= option.maximum)

function toNumber(value: unknown, whole: boolean): number | undefined {
  if (typeof value === 'number')
    return Number.isFinite(value) && (!whole || Number.isInteger(value)) ? value : undefined
  if (typeof value !== 'string') return undefined
  const text = value.trim()
  return (whole ? INTEGER : NUMBER).test(text) ? Number(text) : undefined
}

/** The value of one option, or the message saying what it must be. */
function parseOption(
  option: MethodOption,
  value: unknown,
  name: string,
): { value: OptionValue } | { problem: string } {
  const must = (what: string) => ({ problem: `${name} must be ${what}, not ${shown(value)}` })
  switch (option.type) {
    case 'integer':
    case 'number': {
      const whole = option.type === 'integer'
      const number = toNumber(value, whole)
      if (number === undefined || !inRange(option, number))
        return must(`${whole ? 'a whole number' : 'a number'}${range(option)}`)
      return { value: number }
    }
    case 'number-list': {
      const items =
        typeof value === 'string' ? value.split(',') : Array.isArray(value) ? (value as unknown[]) : null
      const numbers = items?.map((item) => toNumber(item, false))
      if (!numbers?.length || numbers.some((n) => n === undefined || !inRange(option, n))) {
        return must(`a list of numbers${range(option)}, separated by commas (such as 0,1,100)`)
      }
      return { value: numbers as number[] }
    }
    case 'enum': {
      const choices = option.choices ?? []
      if (typeof value !== 'string' || !choices.includes(value)) return must(`one of ${choices.join(', ')}`)
      return { value }
    }
    case 'boolean': {
      if (typeof value === 'boolean') return { value }
      if (value === 'true' || value === 'false') return { value: value === 'true' }
      return must('true or false')
    }
    case 'string': {
      if (typeof value !== 'string' || value.trim() === '') return must('some text')
      return { value: value.trim() }
    }
  }
}

/** The name problems use for an option. */
export const optionName = (option: MethodOption, naming: OptionNaming) =>
  naming === 'flag' ? `--${option.flag}` : option.key

/**
 * The method's options with defaults, or a DomainError ('invalid') naming each bad option.
 * `raw` is keyed by option key (the CLI passes commander's camelCase keys, the API its JSON);
 * keys that are not options of the method are refused, so a typo is not silently ignored.
 */
export function parseMethodOptions(
  method: AnyAnalysisMethod,
  raw: Record<string, unknown>,
  naming: OptionNaming = 'flag',
): MethodOptions {
  const options: MethodOptions = {}
  const problems: Record<string, string> = {}
  const known = new Set(method.options.map((option) => option.key))
  for (const key of Object.keys(raw)) {
    if (!known.has(key) && raw[key] !== undefined) {
      const name = naming === 'flag' ? `--${key}` : key
      problems[name] =
        `${name} is not an option of ${method.name}: its options are ${method.options.map((o) => optionName(o, naming)).join(', ') || 'none'}`
    }
  }
  for (const option of method.options) {
    const name = optionName(option, naming)
    const given = Object.hasOwn(raw, option.key) ? raw[option.key] : undefined
    if (given === undefined || given === null) {
      if (option.default !== undefined) {
        options[option.key] = Array.isArray(option.default)
          ? [...(option.default as number[])]
          : (option.default as OptionValue)
      } else if (option.required) problems[name] = `${name} is required: ${option.description}`
      continue
    }
    const parsed = parseOption(option, given, name)
    if ('problem' in parsed) problems[name] = parsed.problem
    else options[option.key] = parsed.value
  }
  if (!Object.keys(problems).length && method.check) {
    // The method names its problems by key; give them the caller's names.
    for (const [key, message] of Object.entries(method.check(options) as Record<string, string>)) {
      const option = method.options.find((o) => o.key === key)
      problems[option ? optionName(option, naming) : key] = message
    }
  }
  if (Object.keys(problems).length) throw invalid(problems)
  return options
}

/** The JSON schema of a method's options, for the API's method list and its OpenAPI document. */
export function methodOptionsSchema(method: AnyAnalysisMethod): Record<string, unknown> {
  const properties: Record<string, Record<string, unknown>> = {}
  for (const option of method.options) {
    const bounds = {
      ...(option.minimum !== undefined ? { minimum: option.minimum } : {}),
      ...(option.maximum !== undefined ? { maximum: option.maximum } : {}),
    }
    const common = {
      description: option.description,
      ...(option.default !== undefined ? { default: option.default } : {}),
    }
    const byType: Record<MethodOption['type'], Record<string, unknown>> = {
      integer: { type: 'integer', ...bounds },
      number: { type: 'number', ...bounds },
      'number-list': { type: 'array', items: { type: 'number', ...bounds }, minItems: 1 },
      enum: { type: 'string', enum: [...(option.choices ?? [])] },
      boolean: { type: 'boolean' },
      string: { type: 'string', minLength: 1 },
    }
    properties[option.key] = { ...byType[option.type], ...common }
  }
  const required = method.options.filter((o) => o.required && o.default === undefined).map((o) => o.key)
  return {
    type: 'object',
    additionalProperties: false,
    properties,
    ...(required.length ? { required } : {}),
  }
}
