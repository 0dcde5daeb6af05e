import { cellToParent, latLngToCell } from 'h3-js'
import type { Rejection } from './import-format.ts'

/** Field checks every format of the data hub shares: empty values, UK points, LSOA codes, H3 cells. */

/** A generous box around the United Kingdom (with Northern Ireland, Scilly and Shetland). */
export const UK_BOUNDS = { minLongitude: -8.7, maxLongitude: 1.9, minLatitude: 49.8, maxLatitude: 60.9 }

export const LSOA_CODE = /^[EW]01\d{6}$/
const DECIMAL = /^-?\d{1,3}(\.\d+)?$/

export function optional(value: string): string | null {
  return value === '' ? null : value
}

export type PointResult =
  { ok: true; longitude: number | null; latitude: number | null } | { ok: false; rejection: Rejection }

/** Both coordinates or neither; decimal; inside the United Kingdom. Rejections name the format's own columns. */
export function parseUkPoint(
  longitudeText: string,
  latitudeText: string,
  columns: { longitude: string; latitude: string } = { longitude: 'Longitude', latitude: 'Latitude' },
): PointResult {
  if (longitudeText === '' && latitudeText === '') return { ok: true, longitude: null, latitude: null }
  const refuse = (column: string, value: string, reason: string): PointResult => ({
    ok: false,
    rejection: { column, value, reason },
  })
  if (!DECIMAL.test(longitudeText))
    return refuse(columns.longitude, longitudeText, 'the longitude is not a decimal number')
  if (!DECIMAL.test(latitudeText))
    return refuse(columns.latitude, latitudeText, 'the latitude is not a decimal number')
  const longitude = Number(longitudeText)
  const latitude = Number(latitudeText)
  if (longitude < UK_BOUNDS.minLongitude || longitude > UK_BOUNDS.maxLongitude) {
    return refuse(columns.longitude, longitudeText, 'the longitude is outside the United Kingdom')
  }
  if (latitude < UK_BOUNDS.minLatitude || latitude > UK_BOUNDS.maxLatitude) {
    return refuse(columns.latitude, latitudeText, 'the latitude is outside the United Kingdom')
  }
  return { ok: true, longitude, latitude }
}

export interface H3Cells {
  h3_res7: string | null
  h3_res8: string | null
  h3_res9: string | null
}

/**
 * The point's cells at the resolutions analysis uses: res 9 from the point, 8 and 7 as its
 * parents, so a coarser cell's count is always the sum of its finer cells (and one call, not three).
 */
export function h3Cells(latitude: number | null, longitude: number | null): H3Cells {
  if (latitude === null || longitude === null) return { h3_res7: null, h3_res8: null, h3_res9: null }
  const res9 = latLngToCell(latitude, longitude, 9)
  return { h3_res7: cellToParent(res9, 7), h3_res8: cellToParent(res9, 8), h3_res9: res9 }
}
