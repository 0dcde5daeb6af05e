import { plain, type TableInventory } from '../../platform/data-inventory.ts'

/**
 * The tables of the data.police.uk outcomes and stop-and-search formats. Both hold data as
 * published openly by data.police.uk, which anonymises it before publication (points snapped to
 * map points, ages given as ranges, no names or references): nothing in them identifies a person.
 */
export const INVENTORY: TableInventory[] = [
  {
    table: 'police_uk_outcome',
    description:
      'The outcomes of crimes month by month, from data.police.uk outcomes files, kept whether or not the crime itself has been imported.',
    dataClass: 'incident-summary',
    retention: 'public-reference',
    columns: {
      id: plain('Generated identifier'),
      import_run_id: plain('The run that first wrote it'),
      natural_key: plain('Crime ID, month, outcome and occurrence number, for de-duplication'),
      crime_id: plain('The data.police.uk Crime ID, as published'),
      month: plain('First day of the month the outcome was reached in'),
      outcome_code: plain('Stable code of the outcome category (the data.police.uk API code), or unknown'),
      outcome_label: plain('The outcome category as published'),
      reported_by: plain('The force that reported it'),
      falls_within: plain('The force area it falls within'),
      longitude: plain("Longitude of the crime's point, snapped by data.police.uk"),
      latitude: plain("Latitude of the crime's point, snapped by data.police.uk"),
      location_text: plain('The anonymised location, e.g. "On or near Holborn" or "No location"'),
      lsoa_code: plain('The LSOA of the point'),
      lsoa_name: plain('The name of that LSOA'),
    },
  },
  {
    table: 'police_uk_stop_search',
    description:
      'The details of each data.police.uk stop and search that its incident does not hold: powers, object, outcome and the anonymised description of the person searched.',
    dataClass: 'incident-summary',
    retention: 'public-reference',
    columns: {
      incident_id: plain('The stop-and-search incident these details belong to'),
      import_run_id: plain('The run that last wrote it'),
      search_type: plain('Person search, Vehicle search or Person and Vehicle search'),
      part_of_policing_operation: plain('Whether the search was part of a policing operation'),
      policing_operation: plain('The name of that operation, where given'),
      gender: plain('Gender of the person searched, as published (no one is named)'),
      age_range: plain('Age range of the person searched, as published (e.g. 18-24)'),
      self_defined_ethnicity: plain(
        'Ethnicity the person searched gave, as published; aggregate-style data with no identifier',
      ),
      officer_defined_ethnicity: plain('Ethnicity the officer recorded, as published'),
      legislation: plain('The power the search was made under'),
      object_of_search: plain('What the officer was searching for'),
      outcome: plain('What happened after the search'),
      outcome_linked_to_object_of_search: plain('Whether the outcome was linked to the object of the search'),
      removal_of_more_than_just_outer_clothing: plain('Whether more than outer clothing was removed'),
    },
  },
]
