import type { Command } from 'commander'
import { dataInventory } from '../data-inventory.ts'
import { DATA_CLASSES } from '../modules/platform/data-classes.ts'
import {
  RETENTION_CLASSES,
  type ColumnClassification,
  type TableInventory,
} from '../modules/platform/data-inventory.ts'
import { ORGANISATION_KIND_LABELS } from '../modules/platform/organisation-kinds.ts'
import { CSV_BOM, csvLine } from '../server/csv-writer.ts'
import { CliError } from './context.ts'

/**
 * `upstream inventory export`: the data inventory as the record of processing (UK GDPR Art 30,
 * DPA 2018 s.61) for the data protection officer. It reads the code, not the database.
 */

const FORMATS = ['markdown', 'csv', 'json'] as const
type ExportFormat = (typeof FORMATS)[number]

const FLAGS: { key: keyof Omit<ColumnClassification, 'description'>; label: string }[] = [
  { key: 'personal', label: 'personal' },
  { key: 'specialCategory', label: 'special category' },
  { key: 'criminalOffence', label: 'criminal offence' },
  { key: 'policeOnly', label: 'police only' },
]

function dataClassOf(table: TableInventory) {
  if (table.dataClass === null) return null
  const definition = DATA_CLASSES[table.dataClass]
  return {
    name: table.dataClass,
    label: definition.label,
    controller: definition.controller,
    controllerLabel: ORGANISATION_KIND_LABELS[definition.controller],
    shareable: definition.shareable,
  }
}

function flagsOf(column: ColumnClassification): string[] {
  return FLAGS.filter(({ key }) => column[key]).map(({ label }) => label)
}

export function recordAsJson(tables: readonly TableInventory[]): string {
  const record = tables.map((table) => ({
    table: table.table,
    description: table.description,
    dataClass: dataClassOf(table),
    retention: { class: table.retention, rule: RETENTION_CLASSES[table.retention] },
    columns: Object.entries(table.columns).map(([column, classification]) => ({ column, ...classification })),
  }))
  return JSON.stringify({ tables: record }, null, 2)
}

export function recordAsCsv(tables: readonly TableInventory[]): string {
  const header = [
    'table',
    'column',
    'description',
    'personal',
    'special_category',
    'criminal_offence',
    'police_only',
    'data_class',
    'controller',
    'retention_class',
    'retention_rule',
  ]
  const lines = [CSV_BOM + csvLine(header)]
  for (const table of tables) {
    const dataClass = dataClassOf(table)
    for (const [column, c] of Object.entries(table.columns)) {
      lines.push(
        csvLine([
          table.table,
          column,
          c.description,
          c.personal,
          c.specialCategory,
          c.criminalOffence,
          c.policeOnly,
          dataClass?.name ?? '',
          dataClass?.controllerLabel ?? '',
          table.retention,
          RETENTION_CLASSES[table.retention],
        ]),
      )
    }
  }
  return lines.join('').trimEnd()
}

const markdownCell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ')

export function recordAsMarkdown(tables: readonly TableInventory[]): string {
  const lines = ['# Record of processing: the Upstream data inventory', '']
  for (const table of tables) {
    const dataClass = dataClassOf(table)
    lines.push(`## ${table.table}`, '', table.description, '')
    lines.push(
      dataClass
        ? `- Data class: ${dataClass.label} (\`${dataClass.name}\`), controlled by the ${dataClass.controllerLabel.toLowerCase()}${dataClass.shareable ? '' : ', never shared'}`
        : '- Data class: none (a system table no sharing agreement covers)',
      `- Retention: \`${table.retention}\`: ${RETENTION_CLASSES[table.retention]}`,
      '',
      '| column | description | flags |',
      '|---|---|---|',
    )
    for (const [column, classification] of Object.entries(table.columns)) {
      lines.push(
        `| ${column} | ${markdownCell(classification.description)} | ${flagsOf(classification).join(', ')} |`,
      )
    }
    lines.push('')
  }
  return lines.join('\n').trimEnd()
}

const RENDERERS: Record<ExportFormat, (tables: readonly TableInventory[]) => string> = {
  markdown: recordAsMarkdown,
  csv: recordAsCsv,
  json: recordAsJson,
}

export function registerInventoryCommands(program: Command): void {
  const inventory = program
    .command('inventory')
    .description('The data inventory: every column of every table classified (checklist C1)')
  inventory
    .command('export')
    .description('Print the record of processing for the data protection officer')
    .option('--format <format>', `one of ${FORMATS.join(', ')}`, 'markdown')
    .action((options: { format: string }) => {
      const format = FORMATS.find((name) => name === options.format)
      if (!format)
        throw new CliError(`--format must be one of ${FORMATS.join(', ')}, not '${options.format}'`)
      const { tables, problems } = dataInventory()
      for (const problem of problems) console.error(`upstream: warning: ${problem}`)
      console.log(RENDERERS[format](tables))
    })
}
