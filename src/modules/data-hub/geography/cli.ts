import path from 'node:path'
import type { Command } from 'commander'
import { CliError, output, withDatabase } from '../../../cli/context.ts'
import { describeProblem } from './boundary-file.ts'
import { isAreaLevel, loadBoundaryFile, type LoadBoundariesResult } from './load-boundaries.ts'
import { describePopulationProblem, loadPopulationFile } from './load-population.ts'
import { listAreas } from './queries.ts'
import { AREA_LEVELS, type AreaLevel } from './tables.ts'

function level(option: string, value: string | undefined): AreaLevel | undefined {
  if (value === undefined) return undefined
  if (!isAreaLevel(value))
    throw new CliError(`${option} must be one of ${AREA_LEVELS.join(', ')}, not '${value}'`)
  return value
}

function describeLoad(result: Extract<LoadBoundariesResult, { status: 'loaded' }>): string {
  const lines = [
    `${result.file}: ${result.features} ${result.level} area(s): ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged`,
    `  ${result.withParent} with a parent; ${result.membershipsAdded} incident membership(s) added`,
  ]
  if (result.withoutParent.length) {
    const shown = result.withoutParent.slice(0, 20).join(', ')
    const more = result.withoutParent.length > 20 ? ` and ${result.withoutParent.length - 20} more` : ''
    lines.push(`  no parent found for ${result.withoutParent.length}: ${shown}${more}`)
  }
  return lines.join('\n')
}

export function registerGeographyCommands(program: Command): void {
  const areas = program
    .command('areas')
    .description('Areas: forces, local authorities, wards, neighbourhoods, LSOAs')
  areas
    .command('load')
    .description('Load a GeoJSON boundary file (WGS84 Polygons/MultiPolygons) as areas of one level')
    .argument('<file>', 'the .geojson file')
    .requiredOption('--level <level>', `the level of its areas: ${AREA_LEVELS.join(', ')}`)
    .requiredOption('--code-property <name>', "the feature property holding each area's code, e.g. WD23CD")
    .requiredOption('--name-property <name>', "the feature property holding each area's name, e.g. WD23NM")
    .option('--parent-level <level>', "set each area's parent: the area of this level whose polygon holds it")
    .option(
      '--parent-code-property <name>',
      "take the parent from this property's code instead, e.g. LAD23CD",
    )
    .option('--json', 'print the result as JSON')
    .action(
      async (
        file: string,
        options: {
          level: string
          codeProperty: string
          nameProperty: string
          parentLevel?: string
          parentCodeProperty?: string
          json?: boolean
        },
      ) => {
        const load = {
          file: path.resolve(file),
          level: level('--level', options.level)!,
          codeProperty: options.codeProperty,
          nameProperty: options.nameProperty,
          parentLevel: level('--parent-level', options.parentLevel),
          parentCodeProperty: options.parentCodeProperty,
        }
        const result = await withDatabase('areas load', (database) => loadBoundaryFile(database.db, load))
        if (result.status === 'rejected') {
          if (options.json) output(true, result, () => '')
          throw new CliError(
            `${result.file} was not loaded:\n${result.problems.map((p) => `  ${describeProblem(p)}`).join('\n')}`,
          )
        }
        output(options.json, result, () => describeLoad(result))
      },
    )
  areas
    .command('population')
    .description(
      'Set the residents of known areas from a CSV of area code and population (e.g. ONS mid-year LSOA estimates)',
    )
    .argument('<file>', 'the .csv file, a header line then one row per area')
    .option('--level <level>', `the level of its areas: ${AREA_LEVELS.join(', ')}`, 'lsoa')
    .option(
      '--code-column <name>',
      "the column of area codes (default: found by name, e.g. 'LSOA 2021 Code')",
    )
    .option('--population-column <name>', "the column of residents (default: found by name, e.g. 'Total')")
    .option('--json', 'print the result as JSON')
    .action(
      async (
        file: string,
        options: { level: string; codeColumn?: string; populationColumn?: string; json?: boolean },
      ) => {
        const load = {
          file: path.resolve(file),
          level: level('--level', options.level)!,
          codeColumn: options.codeColumn,
          populationColumn: options.populationColumn,
        }
        const result = await withDatabase('areas population', (database) =>
          loadPopulationFile(database.db, load),
        )
        if (result.status === 'rejected') {
          if (options.json) output(true, result, () => '')
          throw new CliError(
            `${result.file} was not loaded, no population was set:\n${result.problems.map((p) => `  ${describePopulationProblem(p)}`).join('\n')}`,
          )
        }
        output(options.json, result, () => {
          const lines = [
            `${result.file}: ${result.rows} row(s); population set for ${result.areasSet} ${result.level} area(s)`,
          ]
          if (result.unknownCodes > 0) {
            const more =
              result.unknownCodes > result.unknownCodesListed.length
                ? ` and ${result.unknownCodes - result.unknownCodesListed.length} more`
                : ''
            lines.push(
              `  ${result.unknownCodes} code(s) name no known ${result.level}: ${result.unknownCodesListed.join(', ')}${more}`,
            )
          }
          return lines.join('\n')
        })
      },
    )
  areas
    .command('list')
    .description('List the areas in hierarchy order, with the number of incidents in each')
    .option('--level <level>', `only areas of this level: ${AREA_LEVELS.join(', ')}`)
    .option('--json', 'print the areas as JSON')
    .action(async (options: { level?: string; json?: boolean }) => {
      const filter = { level: level('--level', options.level) }
      const found = await withDatabase('areas list', (database) => listAreas(database.db, filter))
      output(options.json, { areas: found }, () =>
        found.length
          ? found
              .map((area) => {
                const indent = filter.level ? '' : '  '.repeat(area.path.length - 1)
                const boundary = area.hasBoundary ? ', boundary' : ''
                return `${indent}${area.name} (${area.level} ${area.code}${boundary}): ${area.incidents} incident(s)`
              })
              .join('\n')
          : 'No areas yet: import a police.uk file or load a boundary file.',
      )
    })
}
