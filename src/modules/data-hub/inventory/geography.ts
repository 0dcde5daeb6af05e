import { plain, type TableInventory } from '../../platform/data-inventory.ts'

/** The geography's tables (migration 0009): published boundaries and derived memberships, nothing about people. */
export const INVENTORY: TableInventory[] = [
  {
    table: 'area',
    description:
      'Areas of the hierarchy (force, local policing area, local authority, ward, neighbourhood, LSOA): from boundary files and the LSOA and force columns of police.uk files.',
    dataClass: null,
    retention: 'public-reference',
    columns: {
      id: plain('Surrogate key'),
      level: plain('The level in the hierarchy'),
      code: plain("The area's code: ONS GSS code, a boundary file's own code, or 'derived:' and the name"),
      name: plain("The area's name"),
      parent_id: plain('The area it lies in, one level or more up'),
      geometry: plain(
        'The boundary as a GeoJSON Polygon or MultiPolygon in WGS84, when a boundary file gave one',
      ),
      min_longitude: plain('Bounding box of the boundary: west'),
      min_latitude: plain('Bounding box of the boundary: south'),
      max_longitude: plain('Bounding box of the boundary: east'),
      max_latitude: plain('Bounding box of the boundary: north'),
      source: plain('Where the area came from: a police.uk file or the name of a boundary file'),
      population: plain(
        'Residents of the area (e.g. an ONS mid-year estimate), for rates per 1,000 residents',
      ),
      population_source: plain('The population file the figure came from'),
    },
  },
  {
    table: 'area_ancestor',
    description:
      'Every (area, ancestor) pair of the hierarchy, each area its own ancestor at depth 0; derived from area.parent_id.',
    dataClass: null,
    retention: 'public-reference',
    columns: {
      area_id: plain('The area'),
      ancestor_id: plain('An area it lies in, or itself'),
      depth: plain('Levels between the two: 0 for the area itself'),
    },
  },
  {
    table: 'incident_area',
    description:
      'Which boundary polygons hold an incident by its point (membership of an LSOA by its code is read from the incident itself). Deleted with its incident, so it is kept as long as the incident is.',
    dataClass: 'incident-summary',
    retention: 'police-record',
    columns: {
      incident_id: plain('The incident'),
      area_id: plain('An area holding it'),
    },
  },
]
