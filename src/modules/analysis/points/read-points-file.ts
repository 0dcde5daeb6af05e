import { open } from 'node:fs/promises'
import path from 'node:path'
import type { PointSet } from '../method.ts'
import { PointSetBuilder } from './point-set-builder.ts'
import { describeProblem, ProblemList, type PointsFileProblem } from './points-file-problems.ts'
import { readPointsCsv } from './read-points-csv.ts'
import { readPointsGeojson } from './read-points-geojson.ts'

/**
 * `upstream analyse <method> --input FILE`: the points of a CSV, a data.police.uk street file or
 * a GeoJSON file, told apart by the extension, else by the first character ('{' is GeoJSON).
 * A file with any bad row gives no points but the problems, so a result never silently rests
 * on part of a file.
 */

export type PointsFileFormat = 'csv' | 'police-uk-street' | 'geojson'

export type PointsFileResult =
  | { ok: true; format: PointsFileFormat; points: PointSet; withoutLocation: number }
  | {
      ok: false
      file: string
      /** The first problems, by place (at most MAX_LISTED_PROBLEMS). */
      problems: PointsFileProblem[]
      problemCount: number
      /** The problems as text: a summary line, then one line each. */
      message: string
    }

async function looksLikeJson(file: string): Promise<boolean> {
  const handle = await open(file, 'r')
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64), 0, 64, 0)
    const start = buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart()
    return start.startsWith('{')
  } finally {
    await handle.close()
  }
}

async function detectFormat(file: string): Promise<'csv' | 'geojson'> {
  const extension = path.extname(file).toLowerCase()
  if (extension === '.geojson' || extension === '.json') return 'geojson'
  if (extension === '.csv') return 'csv'
  return (await looksLikeJson(file)) ? 'geojson' : 'csv'
}

function failure(file: string, problems: ProblemList): PointsFileResult {
  const name = path.basename(file)
  const summary =
    problems.count === 1
      ? `${name}: 1 problem`
      : `${name}: ${problems.count} problems${problems.count > problems.listed.length ? ` (the first ${problems.listed.length} below)` : ''}`
  const lines = problems.listed.map((problem) => `  ${describeProblem(problem)}`)
  return {
    ok: false,
    file: name,
    problems: problems.listed,
    problemCount: problems.count,
    message: [summary, ...lines].join('\n'),
  }
}

export async function readPointsFile(file: string): Promise<PointsFileResult> {
  const problems = new ProblemList()
  const builder = new PointSetBuilder()
  try {
    const detected = await detectFormat(file)
    let format: PointsFileFormat = detected
    let withoutLocation: number
    if (detected === 'geojson') ({ withoutLocation } = await readPointsGeojson(file, builder, problems))
    else {
      const read = await readPointsCsv(file, builder, problems)
      format = read.format ?? 'csv'
      withoutLocation = read.withoutLocation
    }
    if (problems.count) return failure(file, problems)
    return { ok: true, format, points: builder.build(), withoutLocation }
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'not a file'
          : `the file cannot be read (${code ?? message})`
    problems.add({ reason })
    return failure(file, problems)
  }
}
