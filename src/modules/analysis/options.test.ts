import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { DomainError } from '../../errors.ts'
import { defineMethod } from './method.ts'
import { methodOptionsSchema, parseMethodOptions } from './options.ts'

/** A method with one option of each kind, to hold the parser to each rule. */
const sample = defineMethod<Record<string, unknown>, null>({
  name: 'sample',
  title: 'Sample',
  description: 'Options of every type.',
  options: [
    {
      key: 'rings',
      flag: 'rings',
      description: 'Rings of neighbours',
      type: 'integer',
      minimum: 1,
      maximum: 10,
      default: 1,
    },
    {
      key: 'bandwidth',
      flag: 'bandwidth',
      description: 'Bandwidth in metres',
      type: 'number',
      minimum: 0,
      required: true,
    },
    {
      key: 'spaceBands',
      flag: 'space-bands',
      description: 'Distance bands',
      type: 'number-list',
      minimum: 0,
      default: [0, 100],
    },
    {
      key: 'kernel',
      flag: 'kernel',
      description: 'Kernel',
      type: 'enum',
      choices: ['quartic', 'gaussian'],
      default: 'quartic',
    },
    { key: 'adjust', flag: 'adjust', description: 'Adjust p-values', type: 'boolean', default: false },
    { key: 'label', flag: 'label', description: 'A label', type: 'string' },
  ],
  check: (options): Record<string, string> =>
    (options.rings as number) > 5 && options.kernel === 'gaussian'
      ? { rings: 'a gaussian kernel takes at most 5 rings' }
      : {},
  run: () => null,
  summarise: () => '',
})

function problems(raw: Record<string, unknown>, naming: 'flag' | 'key' = 'flag'): Record<string, string> {
  try {
    parseMethodOptions(sample, raw, naming)
  } catch (error) {
    assert.ok(error instanceof DomainError && error.code === 'invalid')
    return error.fields
  }
  assert.fail('the options were accepted')
}

describe('parseMethodOptions', () => {
  test('fills in defaults and converts the text of command-line flags', () => {
    assert.deepEqual(
      parseMethodOptions(sample, { bandwidth: '250.5', spaceBands: '0,1,100', adjust: 'true' }),
      {
        rings: 1,
        bandwidth: 250.5,
        spaceBands: [0, 1, 100],
        kernel: 'quartic',
        adjust: true,
      },
    )
  })

  test('takes JSON values from the API, a number list as an array', () => {
    const options = parseMethodOptions(
      sample,
      { rings: 3, bandwidth: 10, spaceBands: [0, 5], adjust: false, label: ' x ' },
      'key',
    )
    assert.deepEqual(options, {
      rings: 3,
      bandwidth: 10,
      spaceBands: [0, 5],
      kernel: 'quartic',
      adjust: false,
      label: 'x',
    })
  })

  test('names each bad option by its flag and says what it must be', () => {
    assert.deepEqual(
      problems({ rings: 'x', bandwidth: '-1', spaceBands: '0,a', kernel: 'box', adjust: 'maybe' }),
      {
        '--rings': "--rings must be a whole number from 1 to 10, not 'x'",
        '--bandwidth': "--bandwidth must be a number of at least 0, not '-1'",
        '--space-bands':
          "--space-bands must be a list of numbers of at least 0, separated by commas (such as 0,1,100), not '0,a'",
        '--kernel': "--kernel must be one of quartic, gaussian, not 'box'",
        '--adjust': "--adjust must be true or false, not 'maybe'",
      },
    )
  })

  test('names problems by key for the API', () => {
    assert.deepEqual(problems({ rings: 2.5, bandwidth: 1 }, 'key'), {
      rings: "rings must be a whole number from 1 to 10, not '2.5'",
    })
  })

  test('a required option without a default must be given', () => {
    assert.deepEqual(problems({}), { '--bandwidth': '--bandwidth is required: Bandwidth in metres' })
  })

  test('an option the method does not have is refused, listing the ones it has', () => {
    assert.match(
      problems({ bandwidth: 1, ring: 2 }, 'key').ring!,
      /^ring is not an option of sample: its options are rings, bandwidth, /,
    )
  })

  test("the method's own check runs after the single options, named by flag", () => {
    assert.deepEqual(problems({ bandwidth: 1, rings: '6', kernel: 'gaussian' }), {
      '--rings': 'a gaussian kernel takes at most 5 rings',
    })
  })

  test('a generated integer outside its range, or not whole, is always refused with the flag named', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer().filter((n) => n < 1 || n > 10),
          fc.double({ noNaN: true }).filter((n) => !Number.isInteger(n)),
          fc.string(),
        ),
        (rings) => {
          fc.pre(!(typeof rings === 'string' && /^\s*[+]?0*([1-9]|10)\s*$/.test(rings)))
          assert.ok(
            problems({ bandwidth: 1, rings })['--rings']?.startsWith(
              '--rings must be a whole number from 1 to 10, not ',
            ),
          )
        },
      ),
    )
  })

  test('a generated whole number in range is always taken as it is', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), (rings) => {
        assert.equal(parseMethodOptions(sample, { bandwidth: 1, rings: String(rings) }).rings, rings)
      }),
    )
  })
})

describe('methodOptionsSchema', () => {
  test('declares each option with its type, bounds and default, and the required ones', () => {
    const schema = methodOptionsSchema(sample) as {
      properties: Record<string, Record<string, unknown>>
      required: string[]
    }
    assert.deepEqual(schema.properties.rings, {
      type: 'integer',
      minimum: 1,
      maximum: 10,
      description: 'Rings of neighbours',
      default: 1,
    })
    assert.deepEqual(schema.properties.spaceBands, {
      type: 'array',
      items: { type: 'number', minimum: 0 },
      minItems: 1,
      description: 'Distance bands',
      default: [0, 100],
    })
    assert.deepEqual(schema.properties.kernel!.enum, ['quartic', 'gaussian'])
    assert.deepEqual(schema.required, ['bandwidth'])
  })
})
