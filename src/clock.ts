/** Time comes from here so that tests can move it (session timeouts, throttling windows). */
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

/** A clock for tests: starts where it is told and moves only when advanced. */
export class ManualClock implements Clock {
  #time: number
  constructor(start: Date | string = '2026-01-15T09:00:00Z') {
    this.#time = new Date(start).getTime()
  }
  now(): Date {
    return new Date(this.#time)
  }
  advance(milliseconds: number): void {
    this.#time += milliseconds
  }
  advanceMinutes(minutes: number): void {
    this.advance(minutes * 60_000)
  }
}
