import { sql, type Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'
import { EVENT_FLAGS, EVENT_KINDS, type PersonTimeline, type TimelineEvent } from '../triggers/index.ts'
import { notBeyondUse } from './subject-rights/beyond-use.ts'

/**
 * Every linked person's timeline, as the trigger rules read it: their involvements in incidents
 * across sources, and the people they lived with (households) with those people's involvements.
 * Flags come from what the sources record: a call's vulnerability flags, and the categories that
 * say it themselves (a domestic incident, a mental-health call, possession of weapons).
 */

const FLAG_SET: ReadonlySet<string> = new Set(EVENT_FLAGS)
const KIND_SET: ReadonlySet<string> = new Set(EVENT_KINDS)

/** Categories whose name is the flag, by kind of incident. */
const CATEGORY_FLAGS: Record<string, Record<string, string>> = {
  'call-for-service': {
    'domestic-incident': 'domestic-abuse',
    'mental-health': 'mental-health',
    weapons: 'weapon',
  },
  crime: { 'possession-of-weapons': 'weapon' },
}

export function flagsOf(
  kind: string,
  categoryCode: string,
  vulnerabilityCodes: readonly string[] | null,
): string[] {
  const flags = new Set((vulnerabilityCodes ?? []).filter((code) => FLAG_SET.has(code)))
  const fromCategory = CATEGORY_FLAGS[kind]?.[categoryCode]
  if (fromCategory) flags.add(fromCategory)
  return [...flags].sort()
}

interface EventRow extends TimelineEvent {
  personId: number
}

/** Timelines of the given people (all people not merged away when none are given), by person id. */
export async function loadTimelines(
  db: Kysely<Database>,
  personIds?: readonly number[],
): Promise<PersonTimeline[]> {
  if (personIds && personIds.length === 0) return []
  // People beyond use (restriction of processing) are left out, as people and as household members.
  let people = db
    .selectFrom('person')
    .select(['id', 'date_of_birth'])
    .where('merged_into', 'is', null)
    .where(notBeyondUse('person.id'))
  if (personIds) people = people.where('id', 'in', personIds)
  const persons = await people.orderBy('id').execute()
  const households = await householdLinks(db, personIds)
  const wanted = new Set<number>(persons.map((p) => p.id))
  for (const links of households.values()) for (const link of links) wanted.add(link.personId)
  const events = await eventsOf(db, personIds ? [...wanted] : undefined)
  const births = new Map<number, string | null>(persons.map((p) => [p.id, p.date_of_birth]))
  if (personIds) {
    const others = [...wanted].filter((id) => !births.has(id))
    if (others.length) {
      for (const row of await db
        .selectFrom('person')
        .select(['id', 'date_of_birth'])
        .where('id', 'in', others)
        .execute())
        births.set(row.id, row.date_of_birth)
    }
  }
  return persons.map((person) => {
    const own = events.get(person.id) ?? []
    return {
      personId: person.id,
      dateOfBirth: person.date_of_birth,
      homeLsoaCode: homeLsoa(own),
      events: own,
      household: (households.get(person.id) ?? []).map((link) => ({
        personId: link.personId,
        dateOfBirth: births.get(link.personId) ?? null,
        from: link.from,
        to: link.to,
        events: events.get(link.personId) ?? [],
      })),
    }
  })
}

/**
 * Where the person lives, for routing to a neighbourhood team: the LSOA of their latest incident
 * that has one. Sources give postcodes, not LSOAs, and no postcode lookup is loaded yet, so this
 * stands in for the home address; docs/people/README.md says so.
 */
function homeLsoa(events: readonly TimelineEvent[]): string | null {
  for (let i = events.length - 1; i >= 0; i--) if (events[i]!.lsoaCode) return events[i]!.lsoaCode
  return null
}

async function eventsOf(
  db: Kysely<Database>,
  personIds: number[] | undefined,
): Promise<Map<number, EventRow[]>> {
  let query = db
    .selectFrom('person_record_link as l')
    .innerJoin('person_involvement as v', 'v.person_record_id', 'l.person_record_id')
    .innerJoin('incident as i', 'i.id', 'v.incident_id')
    .leftJoin('call_for_service_detail as c', 'c.incident_id', 'i.id')
    .select([
      'l.person_id',
      'i.id as incident_id',
      sql<string>`to_char(coalesce(i.occurred_at::date, i.month), 'YYYY-MM-DD')`.as('date'),
      'i.kind',
      'i.category_code',
      'v.role',
      'c.vulnerability_codes',
      sql<string>`i.harm_weight::text`.as('harm_weight'),
      'i.lsoa_code',
    ])
    .where('i.kind', 'in', [...KIND_SET] as never[])
  if (personIds) query = query.where('l.person_id', 'in', personIds)
  const rows = await query
    .orderBy('l.person_id')
    .orderBy(sql`coalesce(i.occurred_at::date, i.month)`)
    .orderBy('i.id')
    .execute()
  const byPerson = new Map<number, EventRow[]>()
  const seen = new Set<string>()
  for (const row of rows) {
    // A person linked from two sources can be on one incident twice in the same role: count it once.
    const key = `${row.person_id}:${row.incident_id}:${row.role}`
    if (seen.has(key)) continue
    seen.add(key)
    let list = byPerson.get(row.person_id)
    if (!list) byPerson.set(row.person_id, (list = []))
    list.push({
      personId: row.person_id,
      incidentId: row.incident_id,
      date: row.date,
      kind: row.kind,
      categoryCode: row.category_code,
      role: row.role,
      flags: flagsOf(row.kind, row.category_code, row.vulnerability_codes),
      harmWeight: Number(row.harm_weight),
      lsoaCode: row.lsoa_code,
    })
  }
  return byPerson
}

/**
 * How long a person is taken to live at an address before their first and after their last
 * sighting there. Records show a person at an address on the dates of incidents, not when they
 * moved in or out; people stay at an address for years, so two sightings a few months apart are
 * the same household. Decision 0010.
 */
export const HOUSEHOLD_MARGIN_DAYS = 365

/** For each person, the others they lived with and the days they overlapped at an address. */
async function householdLinks(
  db: Kysely<Database>,
  personIds: readonly number[] | undefined,
): Promise<Map<number, { personId: number; from: string; to: string }[]>> {
  let query = db
    .selectFrom('household_member as m')
    .innerJoin('household_member as o', (join) =>
      join.onRef('o.household_id', '=', 'm.household_id').onRef('o.person_id', '<>', 'm.person_id'),
    )
    .select([
      'm.person_id',
      'o.person_id as other_id',
      sql<string>`to_char(greatest(m.present_from, o.present_from) - ${sql.lit(HOUSEHOLD_MARGIN_DAYS)}, 'YYYY-MM-DD')`.as(
        'from',
      ),
      sql<string>`to_char(least(m.present_to, o.present_to) + ${sql.lit(HOUSEHOLD_MARGIN_DAYS)}, 'YYYY-MM-DD')`.as(
        'to',
      ),
    ])
    .where(
      sql<boolean>`greatest(m.present_from, o.present_from) - ${sql.lit(HOUSEHOLD_MARGIN_DAYS)} <= least(m.present_to, o.present_to) + ${sql.lit(HOUSEHOLD_MARGIN_DAYS)}`,
    )
    .where(notBeyondUse('o.person_id'))
  if (personIds) query = query.where('m.person_id', 'in', personIds)
  const rows = await query.orderBy('m.person_id').orderBy('o.person_id').execute()
  const links = new Map<number, { personId: number; from: string; to: string }[]>()
  for (const row of rows) {
    let list = links.get(row.person_id)
    if (!list) links.set(row.person_id, (list = []))
    list.push({ personId: row.other_id, from: row.from, to: row.to })
  }
  return links
}
