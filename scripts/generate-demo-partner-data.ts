/**
 * Writes the demo's fictional partner files into samples/partner/: calls for service, A&E assault
 * attendances and missing-person episodes, consistent with the bundled data.police.uk sample
 * (City of London, April and May 2023). Seeded, so every run writes the same bytes:
 *
 *   node --import tsx scripts/generate-demo-partner-data.ts [output folder]
 *
 * Calls are drawn from the crimes (so more calls where there are more crimes), A&E attendances
 * from the violent crimes, and missing episodes from a few people, some missing again and again.
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'csv-parse/sync'
import { CALL_FOR_SERVICE_COLUMNS } from '../src/modules/data-hub/formats/calls-for-service.ts'
import { AE_ASSAULT_COLUMNS } from '../src/modules/data-hub/formats/ae-assaults.ts'
import { MISSING_EPISODE_COLUMNS } from '../src/modules/data-hub/formats/missing-episodes.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const STREET_FILES = ['2023-04', '2023-05'].map((month) =>
  path.join(root, 'samples/police-uk', `${month}-city-of-london-street.csv`),
)

/** Mulberry32: a small, fast, seedable generator; good enough for demo data. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SEED = 20230401
let random = seededRandom(SEED)
const chance = (p: number) => random() < p
const integer = (min: number, max: number) => min + Math.floor(random() * (max - min + 1))
function pick<T>(items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!
}
function weighted<T>(choices: readonly [T, number][]): T {
  let roll = random() * choices.reduce((sum, [, weight]) => sum + weight, 0)
  for (const [value, weight] of choices) {
    roll -= weight
    if (roll < 0) return value
  }
  return choices[choices.length - 1]![0]
}

interface Crime {
  month: string
  longitude: string
  latitude: string
  location: string
  lsoaCode: string
  crimeType: string
}

function readCrimes(): Crime[] {
  return STREET_FILES.flatMap((file) => {
    const rows = parse(readFileSync(file), { columns: true, bom: true }) as Record<string, string>[]
    return rows
      .filter((row) => row.Longitude !== '' && row.Latitude !== '')
      .map((row) => ({
        month: row.Month!,
        longitude: row.Longitude!,
        latitude: row.Latitude!,
        location: row.Location!.trim(),
        lsoaCode: row['LSOA code']!,
        crimeType: row['Crime type']!,
      }))
  })
}

const pad = (value: number) => String(value).padStart(2, '0')

/** A UK local time in the month, on a day and hour drawn from the given weights. */
function timeIn(month: string, hourWeights: readonly [number, number][]): { date: Date; text: string } {
  const [year, monthNo] = month.split('-').map(Number) as [number, number]
  const days = new Date(Date.UTC(year, monthNo, 0)).getUTCDate()
  const date = new Date(Date.UTC(year, monthNo - 1, integer(1, days), weighted(hourWeights), integer(0, 59)))
  return { date, text: localText(date) }
}

function localText(date: Date): string {
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`
}

const EVENING: [number, number][] = Array.from({ length: 24 }, (_, hour) => [
  hour,
  hour >= 20 || hour <= 2 ? 4 : hour >= 7 && hour < 20 ? 2 : 1,
])
const DAYTIME: [number, number][] = Array.from({ length: 24 }, (_, hour) => [
  hour,
  hour >= 8 && hour < 19 ? 3 : 1,
])

function csv(columns: readonly string[], rows: string[][]): string {
  const quote = (value: string) => (/[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value)
  return [columns, ...rows].map((row) => row.map(quote).join(',')).join('\n') + '\n'
}

const CALL_CATEGORY_OF_CRIME: Record<string, string> = {
  'Violence and sexual offences': 'violence',
  'Theft from the person': 'theft',
  'Other theft': 'theft',
  Shoplifting: 'theft',
  'Bicycle theft': 'theft',
  Burglary: 'burglary',
  Robbery: 'robbery',
  'Vehicle crime': 'vehicle-crime',
  'Criminal damage and arson': 'criminal-damage',
  Drugs: 'drugs',
  'Possession of weapons': 'weapons',
  'Public order': 'public-order',
  'Anti-social behaviour': 'anti-social-behaviour',
  'Other crime': 'other',
}
const URGENT = new Set([
  'violence',
  'robbery',
  'weapons',
  'domestic-incident',
  'concern-for-safety',
  'mental-health',
])
const FLAGS = [
  'child',
  'older-person',
  'mental-health',
  'disability',
  'substance-misuse',
  'homeless',
  'repeat-victim',
]

function callsFor(crimes: Crime[]): string {
  const calls: { at: Date; row: string[] }[] = []
  for (const crime of crimes) {
    if (!chance(0.45)) continue
    let final = CALL_CATEGORY_OF_CRIME[crime.crimeType] ?? 'other'
    if (final === 'violence' && chance(0.2)) final = 'domestic-incident'
    // Some calls turn out to be about something else than the caller first said.
    const initial = chance(0.15) ? pick(['suspicious-circumstances', 'concern-for-safety', 'other']) : final
    calls.push(call(crime, initial, final))
    // A few calls at busy places are not crimes at all.
    if (chance(0.12)) {
      const category = pick([
        'concern-for-safety',
        'mental-health',
        'road-traffic-collision',
        'alarm',
        'lost-or-found-property',
      ])
      calls.push(call(crime, category, category))
    }
  }
  calls.sort((a, b) => a.at.getTime() - b.at.getTime())
  const perDay = new Map<string, number>()
  const rows = calls.map(({ at, row }) => {
    const day = localText(at).slice(0, 10).replaceAll('-', '')
    const number = (perDay.get(day) ?? 0) + 1
    perDay.set(day, number)
    return [`CAD-${day}-${String(number).padStart(4, '0')}`, ...row]
  })
  return csv(CALL_FOR_SERVICE_COLUMNS, rows)
}

function call(crime: Crime, initial: string, final: string): { at: Date; row: string[] } {
  const at = timeIn(crime.month, URGENT.has(final) || final === 'public-order' ? EVENING : DAYTIME)
  const grade = URGENT.has(final)
    ? weighted([
        ['emergency', 6],
        ['priority', 3],
        ['scheduled', 1],
      ] as [string, number][])
    : weighted([
        ['priority', 3],
        ['scheduled', 4],
        ['resolved-without-deployment', 3],
      ] as [string, number][])
  const flags = new Set<string>()
  if (final === 'domestic-incident') flags.add('domestic-abuse')
  if (final === 'mental-health') flags.add('mental-health')
  if (chance(0.2)) flags.add(pick(FLAGS))
  const closing =
    grade === 'resolved-without-deployment'
      ? pick(['advice-given', 'resolved-by-phone', 'referred-to-partner'])
      : final === 'concern-for-safety' || final === 'mental-health'
        ? pick(['referred-to-partner', 'advice-given', 'no-further-action'])
        : weighted([
            ['crime-recorded', 6],
            ['arrest', 1],
            ['unable-to-trace', 1],
            ['duplicate-call', 1],
          ] as [string, number][])
  return {
    at: at.date,
    row: [
      at.text,
      crime.longitude,
      crime.latitude,
      crime.location,
      crime.lsoaCode,
      initial,
      final,
      grade,
      chance(0.15) ? 'Y' : 'N',
      [...flags].join(';'),
      closing,
    ],
  }
}

function locationTypeOf(location: string): string {
  if (/Nightclub|Pub|Bar/i.test(location)) return 'licensed-premises'
  if (/Station|Liverpool Street|Cannon Street|Moorgate/.test(location)) return 'public-transport'
  if (/Shopping Area|Supermarket/.test(location)) return 'shop'
  if (/Park|Garden/.test(location)) return 'park'
  return weighted([
    ['street', 6],
    ['licensed-premises', 3],
    ['other-night-time-venue', 1],
    ['workplace', 1],
  ] as [string, number][])
}

function aeAttendancesFor(crimes: Crime[]): string {
  const attendances: { at: Date; row: string[] }[] = []
  for (const crime of crimes) {
    if (crime.crimeType !== 'Violence and sexual offences' || !chance(0.3)) continue
    const assault = timeIn(crime.month, EVENING)
    const arrival = new Date(assault.date.getTime() + integer(20, 180) * 60_000)
    const method = weighted([
      ['body', 55],
      ['glass', 10],
      ['blunt-object', 10],
      ['knife', 12],
      ['other', 5],
      ['not-known', 8],
    ] as [string, number][])
    const geocoded = chance(0.85)
    const place = crime.location.replace(/^On or near\s*/, '')
    attendances.push({
      at: assault.date,
      row: [
        localText(arrival),
        // Patients cannot always say when it happened: the time is then left out.
        chance(0.1) ? assault.text.slice(0, 10) : assault.text,
        locationTypeOf(crime.location),
        place === '' ? 'City of London' : `Near ${place}`,
        geocoded ? crime.longitude : '',
        geocoded ? crime.latitude : '',
        geocoded ? crime.lsoaCode : '',
        method,
        method === 'other' ? pick(['chair', 'belt', 'dog']) : '',
        chance(0.1)
          ? ''
          : String(
              weighted([
                [1, 6],
                [2, 3],
                [3, 1],
              ] as [number, number][]),
            ),
        weighted([
          ['stranger', 6],
          ['acquaintance', 2],
          ['partner', 1],
          ['door-staff', 1],
          ['not-known', 1],
        ] as [string, number][]),
        weighted([
          ['male', 8],
          ['female', 1],
          ['mixed', 1],
          ['not-known', 1],
        ] as [string, number][]),
      ],
    })
  }
  attendances.sort((a, b) => a.at.getTime() - b.at.getTime())
  const rows = attendances.map(({ row }, index) => [
    'SVH01',
    `ED-2023-${String(4001 + index).padStart(6, '0')}`,
    ...row,
  ])
  return csv(AE_ASSAULT_COLUMNS, rows)
}

interface Person {
  reference: string
  home: Crime
  homeType: string
  /** Days into April 2023 each episode starts, and the risk of each. */
  episodes: [number, string][]
}

function missingEpisodesFor(crimes: Crime[]): string {
  const named = crimes.filter((crime) => crime.location !== 'On or near')
  const place = () => pick(named)
  const people: Person[] = [
    // Three times in 90 days from the same children's home: the repeat-missing trigger's case.
    {
      reference: 'SV-P-0001',
      home: place(),
      homeType: 'childrens-home',
      episodes: [
        [3, 'medium'],
        [28, 'medium'],
        [52, 'high'],
      ],
    },
    {
      reference: 'SV-P-0002',
      home: place(),
      homeType: 'childrens-home',
      episodes: [
        [9, 'low'],
        [40, 'medium'],
      ],
    },
    {
      reference: 'SV-P-0003',
      home: place(),
      homeType: 'home',
      episodes: [
        [14, 'low'],
        [33, 'low'],
      ],
    },
    { reference: 'SV-P-0004', home: place(), homeType: 'hospital', episodes: [[21, 'high']] },
    {
      reference: 'SV-P-0005',
      home: place(),
      homeType: 'foster-placement',
      episodes: [
        [6, 'medium'],
        [45, 'medium'],
      ],
    },
    { reference: 'SV-P-0006', home: place(), homeType: 'home', episodes: [[17, 'no-apparent-risk']] },
    { reference: 'SV-P-0007', home: place(), homeType: 'care-home', episodes: [[25, 'high']] },
    { reference: 'SV-P-0008', home: place(), homeType: 'supported-accommodation', episodes: [[30, 'low']] },
    { reference: 'SV-P-0009', home: place(), homeType: 'home', episodes: [[38, 'medium']] },
    { reference: 'SV-P-0010', home: place(), homeType: 'school', episodes: [[47, 'low']] },
    { reference: 'SV-P-0011', home: place(), homeType: 'home', episodes: [[55, 'no-apparent-risk']] },
    // Still missing at the end of the sample.
    { reference: 'SV-P-0012', home: place(), homeType: 'childrens-home', episodes: [[59, 'high']] },
  ]
  const episodes: { at: Date; row: string[] }[] = []
  for (const person of people) {
    for (const [day, risk] of person.episodes) {
      const reported = new Date(Date.UTC(2023, 3, 1 + day, weighted(EVENING), integer(0, 59)))
      const stillMissing = person.reference === 'SV-P-0012'
      const returned = new Date(reported.getTime() + integer(2, 40) * 3_600_000)
      const found = stillMissing ? null : place()
      episodes.push({
        at: reported,
        row: [
          person.reference,
          localText(reported),
          stillMissing ? '' : localText(returned),
          risk,
          person.homeType,
          person.home.location,
          person.home.longitude,
          person.home.latitude,
          person.home.lsoaCode,
          found?.location ?? '',
          found?.longitude ?? '',
          found?.latitude ?? '',
        ],
      })
    }
  }
  episodes.sort((a, b) => a.at.getTime() - b.at.getTime())
  const rows = episodes.map(({ row }, index) => [`MIS-2023-${String(101 + index).padStart(4, '0')}`, ...row])
  return csv(MISSING_EPISODE_COLUMNS, rows)
}

/** The three files' contents, by file name. */
export function generateDemoPartnerFiles(): Record<string, string> {
  random = seededRandom(SEED)
  const crimes = readCrimes()
  return {
    'calls-for-service.csv': callsFor(crimes),
    'ae-assaults.csv': aeAttendancesFor(crimes),
    'missing-episodes.csv': missingEpisodesFor(crimes),
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const folder = path.resolve(process.argv[2] ?? path.join(root, 'samples/partner'))
  mkdirSync(folder, { recursive: true })
  for (const [name, content] of Object.entries(generateDemoPartnerFiles())) {
    writeFileSync(path.join(folder, name), content)
    console.log(`${path.join(folder, name)}: ${content.trimEnd().split('\n').length - 1} rows`)
  }
}
