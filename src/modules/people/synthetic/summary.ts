import type { GeneratedRecord } from './person-records.ts'
import { RECORD_ERRORS, type RecordError } from './record-errors.ts'

/** What a file of synthetic records holds: its people, their hard cases, and how often each error came out. */
export interface PersonRecordsSummary {
  records: number
  people: number
  households: number
  truePairs: number
  twinPairs: number
  namesakeSons: number
  peopleWhoMoved: number
  peopleWithMaidenName: number
  distinctSurnames: number
  commonestSurnames: { surname: string; shareOfPeople: number }[]
  recordsBySource: Record<string, number>
  recordsWithError: Record<RecordError, number>
  recordsWithoutErrors: number
}

/** Counts as records pass by (memory grows with the people, not the records), then sums up. */
export class PersonRecordsTally {
  private records = 0
  private withoutErrors = 0
  private readonly recordsPerPerson = new Map<string, number>()
  private readonly households = new Set<number>()
  private readonly surnameOf = new Map<string, string>()
  private readonly twinOf = new Map<string, string>()
  private readonly namesakes = new Set<string>()
  private readonly movers = new Set<string>()
  private readonly maidenNames = new Set<string>()
  private readonly bySource = new Map<string, number>()
  private readonly byError = new Map<RecordError, number>()

  add({ record, person, errors }: GeneratedRecord): void {
    this.records++
    if (errors.length === 0) this.withoutErrors++
    this.recordsPerPerson.set(person.id, (this.recordsPerPerson.get(person.id) ?? 0) + 1)
    this.households.add(person.householdId)
    this.surnameOf.set(person.id, person.surname)
    if (person.twinId !== null) this.twinOf.set(person.id, person.twinId)
    if (person.namesakeOfId !== null) this.namesakes.add(person.id)
    if (person.previousAddress !== null) this.movers.add(person.id)
    if (person.birthSurname !== null) this.maidenNames.add(person.id)
    this.bySource.set(record.source, (this.bySource.get(record.source) ?? 0) + 1)
    for (const error of errors) this.byError.set(error, (this.byError.get(error) ?? 0) + 1)
  }

  summary(): PersonRecordsSummary {
    const people = this.recordsPerPerson.size
    let truePairs = 0
    for (const count of this.recordsPerPerson.values()) truePairs += (count * (count - 1)) / 2
    const surnames = new Map<string, number>()
    for (const surname of this.surnameOf.values()) surnames.set(surname, (surnames.get(surname) ?? 0) + 1)
    return {
      records: this.records,
      people,
      households: this.households.size,
      truePairs,
      // Both twins must have records for the pair to be a trap for a linker.
      twinPairs: [...this.twinOf.values()].filter((twin) => this.recordsPerPerson.has(twin)).length / 2,
      namesakeSons: this.namesakes.size,
      peopleWhoMoved: this.movers.size,
      peopleWithMaidenName: this.maidenNames.size,
      distinctSurnames: surnames.size,
      commonestSurnames: [...surnames]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 10)
        .map(([surname, count]) => ({
          surname,
          shareOfPeople: Math.round((count / people) * 10_000) / 10_000,
        })),
      recordsBySource: Object.fromEntries([...this.bySource].sort((a, b) => b[1] - a[1])),
      recordsWithError: Object.fromEntries(
        RECORD_ERRORS.map((error) => [error, this.byError.get(error) ?? 0]),
      ) as Record<RecordError, number>,
      recordsWithoutErrors: this.withoutErrors,
    }
  }
}
