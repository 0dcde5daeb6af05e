import { readFile, stat } from 'node:fs/promises'
import { parseDay, parseLatitude, parseLongitude, parseWeight } from './point-fields.ts'
import type { PointSetBuilder } from './point-set-builder.ts'
import type { ProblemList } from './points-file-problems.ts'

/**
 * Points from a GeoJSON FeatureCollection of Point features with `properties.date` or
 * `properties.datetime`, and optional `category`, `weight`, `id` (or the feature's own id) and `area`
 * (the LSOA code).
 * GeoJSON is read whole, so it is for files of moderate size: large inputs belong in CSV, which streams.
 */

export const MAX_GEOJSON_BYTES = 256 * 1024 * 1024

type Json = Record<string, unknown>
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** A JSON value as the text the CSV reader would have seen, so both formats share one check. */
function asText(value: unknown): string | undefined {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value.trim()
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return undefined
}

/** A JSON number as it is (1e-7 is a number, though not CSV's plain notation), or its text. */
function asNumberOrText(value: unknown): string | number | undefined {
  return typeof value === 'number' ? value : asText(value)
}

export async function readPointsGeojson(
  file: string,
  builder: PointSetBuilder,
  problems: ProblemList,
): Promise<{ withoutLocation: number }> {
  const size = (await stat(file)).size
  if (size > MAX_GEOJSON_BYTES) {
    problems.add({
      reason: `the GeoJSON file is ${Math.round(size / 1048576)} MB; above ${MAX_GEOJSON_BYTES / 1048576} MB give the points as CSV, which is read as a stream`,
    })
    return { withoutLocation: 0 }
  }
  let document: unknown
  try {
    document = JSON.parse((await readFile(file, 'utf8')).replace(/^\uFEFF/, ''))
  } catch (error) {
    problems.add({ reason: `the file is not valid JSON: ${(error as Error).message}` })
    return { withoutLocation: 0 }
  }
  if (!isObject(document) || document.type !== 'FeatureCollection' || !Array.isArray(document.features)) {
    problems.add({ reason: 'the GeoJSON is not a FeatureCollection with a features array' })
    return { withoutLocation: 0 }
  }
  let withoutLocation = 0
  document.features.forEach((feature: unknown, index) => {
    const number = index + 1
    const refuse = (column: string, reason: string) => problems.add({ feature: number, column, reason })
    if (!isObject(feature) || feature.type !== 'Feature')
      return refuse('type', 'the feature is not a GeoJSON Feature')
    const geometry = feature.geometry
    if (geometry === null || geometry === undefined) {
      withoutLocation++
      return
    }
    if (!isObject(geometry) || geometry.type !== 'Point')
      return refuse('geometry', 'the geometry is not a Point')
    const coordinates = geometry.coordinates
    if (!Array.isArray(coordinates) || coordinates.length < 2) {
      return refuse('geometry.coordinates', 'the coordinates are not [longitude, latitude]')
    }
    const properties = isObject(feature.properties) ? feature.properties : {}
    const dateKey = properties.datetime !== undefined && properties.date === undefined ? 'datetime' : 'date'
    const fields = {
      'geometry.coordinates[0]': parseLongitude(asNumberOrText(coordinates[0]) ?? '?'),
      'geometry.coordinates[1]': parseLatitude(asNumberOrText(coordinates[1]) ?? '?'),
      [`properties.${dateKey}`]: parseDay(asText(properties[dateKey]) ?? '?'),
      'properties.weight': parseWeight(asNumberOrText(properties.weight) ?? '?'),
    }
    const category = asText(properties.category)
    const area = properties.area === undefined ? undefined : asText(properties.area)
    let ok = true
    for (const [column, parsed] of Object.entries(fields)) {
      if (typeof parsed === 'string') {
        refuse(column, parsed)
        ok = false
      }
    }
    if (category === undefined) {
      refuse('properties.category', 'the category is not text')
      ok = false
    }
    if (properties.area !== undefined && (area === undefined || typeof properties.area === 'number')) {
      refuse('properties.area', 'the area is not text (expected an LSOA code such as E01000001)')
      ok = false
    }
    if (!ok) return
    const reference = asText(properties.id ?? feature.id) || String(number)
    const [longitude, latitude, day, weight] = Object.values(fields) as number[]
    builder.add(longitude!, latitude!, day!, category!, weight!, reference, area)
  })
  return { withoutLocation }
}
