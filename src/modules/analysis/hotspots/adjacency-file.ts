/**
 * A given adjacency of areas, as CSV text: a header `area,neighbour`, then one row per pair of
 * adjacent areas (either order; the symmetric closure is taken, repeats are ignored). A row with an
 * empty neighbour names an area with no neighbour (an island), so that it belongs to the study area.
 * Problems are named by line and column and the text never makes the parser throw.
 */
import { CsvTokenizer, type CsvRecord } from '../../data-hub/index.ts'

export interface Adjacency {
  /** Every area the text names, sorted as strings. */
  readonly areas: string[]
  /** Pairs of positions in `areas`, each pair once with the smaller position first, sorted. */
  readonly pairs: [number, number][]
}

export type AdjacencyParse = { ok: true; adjacency: Adjacency } | { ok: false; message: string }

const MAX_LISTED = 5
/** Area codes are identifiers (an LSOA code has 9 characters): a long field is a wrong column. */
const MAX_CODE_LENGTH = 64
const hasControlCharacter = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x20 || code === 0x7f) return true
  }
  return false
}

/** The text's first problems (MAX_LISTED of them, with a total), or its adjacency. */
export function parseAdjacency(text: string): AdjacencyParse {
  const records: CsvRecord[] = []
  const tokenizer = new CsvTokenizer()
  tokenizer.push(text.replace(/^\uFEFF/, ''), records)
  const unreadable = tokenizer.end(records)
  const problems: string[] = []
  if (unreadable) problems.push(`line ${unreadable.line}: ${unreadable.message}`)
  const [header, ...rows] = records
  if (!header) {
    return {
      ok: false,
      message: 'the adjacency is empty: expected a header area,neighbour and a row per pair',
    }
  }
  const names = header.fields.map((name) => name.trim().toLowerCase())
  if (names.length !== 2 || names[0] !== 'area' || names[1] !== 'neighbour') {
    return {
      ok: false,
      message: `line ${header.line}: the header must be area,neighbour, not ${shown(header.fields.join(','))}`,
    }
  }
  const positions = new Map<string, number>()
  const codePairs: [string, string][] = []
  const codeProblem = (code: string): string | null =>
    code.length > MAX_CODE_LENGTH
      ? `is ${code.length} characters long, more than an area code's ${MAX_CODE_LENGTH}`
      : hasControlCharacter(code)
        ? 'holds a control character'
        : null
  for (const { fields, line } of rows) {
    if (fields.length !== 2) {
      problems.push(`line ${line}: expected 2 columns (area,neighbour), found ${fields.length}`)
      continue
    }
    const area = fields[0]!.trim()
    const neighbour = fields[1]!.trim()
    if (area === '') {
      problems.push(`line ${line}, column area: empty; every row names an area`)
      continue
    }
    const areaProblem = codeProblem(area)
    const neighbourProblem = codeProblem(neighbour)
    if (areaProblem) problems.push(`line ${line}, column area: ${shown(area)} ${areaProblem}`)
    if (neighbourProblem)
      problems.push(`line ${line}, column neighbour: ${shown(neighbour)} ${neighbourProblem}`)
    if (areaProblem || neighbourProblem) continue
    if (area === neighbour) {
      problems.push(
        `line ${line}, column neighbour: ${shown(area)} is the area itself; Gi* includes each area in its own ` +
          `neighbourhood already (an area with no neighbour is a row with an empty neighbour: ${area},)`,
      )
      continue
    }
    positions.set(area, 0)
    if (neighbour !== '') {
      positions.set(neighbour, 0)
      codePairs.push([area, neighbour])
    }
  }
  if (problems.length === 0 && positions.size === 0) problems.push('the adjacency has a header but no rows')
  if (problems.length > 0) {
    const listed = problems.slice(0, MAX_LISTED).join('; ')
    const more = problems.length > MAX_LISTED ? ` (and ${problems.length - MAX_LISTED} more problems)` : ''
    return { ok: false, message: `${listed}${more}` }
  }
  const areas = [...positions.keys()].sort()
  areas.forEach((code, position) => positions.set(code, position))
  const size = areas.length
  const unique = new Set<number>()
  for (const [a, b] of codePairs) {
    const i = positions.get(a)!
    const j = positions.get(b)!
    unique.add(Math.min(i, j) * size + Math.max(i, j))
  }
  const pairs = [...unique]
    .sort((a, b) => a - b)
    .map((pair): [number, number] => [Math.floor(pair / size), pair % size])
  return { ok: true, adjacency: { areas, pairs } }
}

function shown(text: string): string {
  return `'${text.length > 40 ? `${text.slice(0, 40)}…` : text}'`
}
