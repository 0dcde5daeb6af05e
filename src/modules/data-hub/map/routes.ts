import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { defineRoutes } from '../../../server/define-route.ts'
import { allowSameOriginWorkers } from '../../../server/security-headers.ts'
import { INCIDENT_KINDS } from '../tables.ts'
import { countIncidentsByCell, mapFilterOptions, MAX_CELLS } from './cell-counts.ts'
import { cellFeatures, cellRows, countClasses } from './cell-geojson.ts'
import { H3_RESOLUTIONS } from '../queries/incidents.ts'
import { viewerKinds } from '../queries/visible-kinds.ts'
import { mapQueryString, parseMapFilters, type MapFilterValues } from './map-filters.ts'

const KIND_LABELS: Record<(typeof INCIDENT_KINDS)[number], string> = {
  crime: 'Crime',
  'anti-social-behaviour': 'Anti-social behaviour',
  'stop-and-search': 'Stop and search',
  'call-for-service': 'Call for service',
  'ae-assault': 'A&E assault attendance',
  'missing-episode': 'Missing-person episode',
}

const RESOLUTION_LABELS: Record<(typeof H3_RESOLUTIONS)[number], string> = {
  7: 'Large: H3 resolution 7 (about 5 km² a cell)',
  8: 'Medium: H3 resolution 8 (about 0.7 km² a cell)',
  9: 'Small: H3 resolution 9 (about 0.1 km² a cell)',
}

const number = new Intl.NumberFormat('en-GB')

/**
 * The incident map: counts by H3 cell, in a table any browser shows and, with JavaScript, on a
 * MapLibre map drawn from /data/map.geojson with the same filters. No tiles, fonts or sprites
 * are fetched from anywhere: the style is a plain background and the cells.
 */
export function registerIncidentMapRoutes(app: FastifyInstance): void {
  const { db, clock } = app.deps
  const route = defineRoutes(app)

  route.get('/data/map', { permission: 'data:read', dataClass: 'incidents', handler: showMap })
  route.get('/data/map.geojson', { permission: 'data:read', dataClass: 'incidents', handler: sendCells })

  async function showMap(request: FastifyRequest, reply: FastifyReply) {
    const parsed = parseMapFilters(request.query, await viewerKinds(db, request, clock.now()))
    const options = await mapFilterOptions(db)
    if (!parsed.ok) {
      return reply.code(400).render('data-hub/map/map.njk', {
        pageTitle: 'Incident map',
        ...formItems(parsed.values, options),
        errors: parsed.errors,
        errorList: Object.entries(parsed.errors).map(([field, text]) => ({ text, href: `#${field}` })),
      })
    }
    const counts = await countIncidentsByCell(db, parsed.filter, parsed.resolution)
    const onMap = counts.cells.reduce((sum, cell) => sum + cell.count, 0)
    allowSameOriginWorkers(reply)
    return reply.render('data-hub/map/map.njk', {
      pageTitle: 'Incident map',
      ...formItems(parsed.values, options),
      errors: {},
      geojsonUrl: `/data/map.geojson?${mapQueryString(parsed.filter, parsed.resolution)}`,
      legend: countClasses(Math.max(0, ...counts.cells.map((c) => c.count))).map((c) => ({
        ...c,
        text: c.from === c.to ? number.format(c.from) : `${number.format(c.from)} to ${number.format(c.to)}`,
      })),
      rows: cellRows(counts.cells).map((row) => ({ ...row, countText: number.format(row.count) })),
      totals: {
        cells: number.format(counts.cells.length),
        onMap: number.format(onMap),
        onMapValue: onMap,
        matching: number.format(counts.matching),
        withoutLocation: number.format(counts.withoutLocation),
        withoutLocationValue: counts.withoutLocation,
      },
      truncated: counts.truncated,
      maxCells: number.format(MAX_CELLS),
    })
  }

  async function sendCells(request: FastifyRequest, reply: FastifyReply) {
    const parsed = parseMapFilters(request.query, await viewerKinds(db, request, clock.now()))
    if (!parsed.ok) {
      return reply
        .code(400)
        .send({ error: { code: 'invalid', message: 'The filters are not valid', fields: parsed.errors } })
    }
    const counts = await countIncidentsByCell(db, parsed.filter, parsed.resolution)
    return reply.type('application/geo+json').send(cellFeatures(counts.cells))
  }
}

function formItems(
  filters: MapFilterValues,
  options: { categories: { code: string; label: string }[]; sources: string[] },
) {
  const selected = (value: string) => ({ value, selected: filters.kind === value })
  return {
    filters,
    kindItems: [
      { value: '', text: 'Every kind', selected: !filters.kind },
      ...INCIDENT_KINDS.map((kind) => ({ ...selected(kind), text: KIND_LABELS[kind] })),
    ],
    categoryItems: [
      { value: '', text: 'Every category', selected: !filters.category },
      ...options.categories.map((c) => ({
        value: c.code,
        text: c.label,
        selected: filters.category === c.code,
      })),
    ],
    sourceItems: [
      { value: '', text: 'Every source', selected: !filters.source },
      ...options.sources.map((source) => ({
        value: source,
        text: source,
        selected: filters.source === source,
      })),
    ],
    resolutionItems: H3_RESOLUTIONS.map((r) => ({
      value: String(r),
      text: RESOLUTION_LABELS[r],
      selected: filters.resolution === String(r),
    })),
  }
}
