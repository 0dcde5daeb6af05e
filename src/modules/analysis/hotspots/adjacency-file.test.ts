import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { parseAdjacency } from './adjacency-file.ts'

const root = new URL('../../../../', import.meta.url)
const fixture = JSON.parse(
  readFileSync(new URL('test/fixtures/analysis/gi-star-contiguity.json', root), 'utf8'),
) as { codes: string[]; neighbours: string[][]; islands: string[] }
const fixtureCsv = readFileSync(
  new URL('test/fixtures/analysis/gi-star-contiguity-adjacency.csv', root),
  'utf8',
)

function parsed(text: string) {
  const result = parseAdjacency(text)
  assert.ok(result.ok, result.ok ? '' : result.message)
  return result.adjacency
}

function problem(text: string): string {
  const result = parseAdjacency(text)
  assert.ok(!result.ok, 'the text is refused')
  return result.message
}

describe('an adjacency as area,neighbour rows', () => {
  test("spdep's poly2nb list written as rows reads back as the same neighbours, islands included", () => {
    const { areas, pairs } = parsed(fixtureCsv)
    assert.deepEqual(areas, [...fixture.codes].sort())
    const read = new Map(areas.map((code) => [code, [] as string[]]))
    for (const [a, b] of pairs) {
      read.get(areas[a]!)!.push(areas[b]!)
      read.get(areas[b]!)!.push(areas[a]!)
    }
    for (const [i, code] of fixture.codes.entries()) {
      assert.deepEqual(read.get(code)!.sort(), [...fixture.neighbours[i]!].sort(), code)
    }
    assert.deepEqual(
      fixture.islands.map((code) => read.get(code)),
      fixture.islands.map(() => []),
    )
  })

  test('takes the symmetric closure: either order, repeats once, header in any case, CRLF and a BOM', () => {
    const { areas, pairs } = parsed('\uFEFFArea , NEIGHBOUR\r\nB,A\r\nA,B\r\nA,C\r\n"D",\r\n')
    assert.deepEqual(areas, ['A', 'B', 'C', 'D'])
    assert.deepEqual(pairs, [
      [0, 1],
      [0, 2],
    ])
  })

  test('names the line and column of each problem', () => {
    assert.match(problem(''), /the adjacency is empty/)
    assert.match(problem('area,neighbour\n'), /a header but no rows/)
    assert.match(problem('from,to\nA,B\n'), /^line 1: the header must be area,neighbour, not 'from,to'/)
    assert.match(
      problem('area,neighbour\nA,B,C\n'),
      /^line 2: expected 2 columns \(area,neighbour\), found 3/,
    )
    assert.match(problem('area,neighbour\nA,B\n,B\n'), /^line 3, column area: empty/)
    assert.match(problem('area,neighbour\nA,A\n'), /^line 2, column neighbour: 'A' is the area itself.*A,\)$/)
    assert.match(
      problem(`area,neighbour\nA,${'x'.repeat(65)}\n`),
      /^line 2, column neighbour: 'x+…' is 65 characters/,
    )
    assert.match(problem('area,neighbour\nA,"B\n'), /^line 2: /)
  })

  test('lists the first five problems and how many more there are', () => {
    const rows = Array.from({ length: 8 }, (_, i) => `R${i},R${i}`)
    const message = problem(['area,neighbour', ...rows].join('\n'))
    assert.equal(message.split('; line').length, 5)
    assert.match(message, /\(and 3 more problems\)$/)
  })

  test('any text gives an adjacency or a message, never an exception', () => {
    const pieces = fc.constantFrom(
      'area',
      'neighbour',
      ',',
      '\n',
      '\r\n',
      '"',
      'A',
      'B',
      ' ',
      '\u0000',
      'é',
      '',
    )
    const text = fc.oneof(
      fc.string(),
      fc.array(pieces, { maxLength: 40 }).map((parts) => parts.join('')),
      fc.array(pieces, { maxLength: 30 }).map((parts) => `area,neighbour\n${parts.join('')}`),
    )
    fc.assert(
      fc.property(text, (input) => {
        const result = parseAdjacency(input)
        if (result.ok) {
          const size = result.adjacency.areas.length
          for (const [a, b] of result.adjacency.pairs) assert.ok(0 <= a && a < b && b < size)
        } else assert.ok(result.message.length > 0)
      }),
      { numRuns: 2000 },
    )
  })

  test('any list of pairs reads back as its symmetric closure', () => {
    const code = fc.constantFrom('E01000001', 'E01000002', 'E01000003', 'W01000004', 'X')
    fc.assert(
      fc.property(fc.array(fc.tuple(code, code), { minLength: 1, maxLength: 20 }), (given) => {
        const rows = given.filter(([a, b]) => a !== b)
        fc.pre(rows.length > 0)
        const { areas, pairs } = parsed(['area,neighbour', ...rows.map((row) => row.join(','))].join('\n'))
        const expected = new Set(rows.map(([a, b]) => [a, b].sort().join('|')))
        assert.deepEqual(new Set(pairs.map(([a, b]) => `${areas[a]}|${areas[b]}`)), expected)
        assert.deepEqual(areas, [...new Set(rows.flat())].sort())
      }),
    )
  })
})
