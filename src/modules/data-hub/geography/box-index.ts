import type { BoundingBox } from './point-in-polygon.ts'

/** Cells of a twentieth of a degree: about 5.5 km north to south, 3.5 km east to west in the UK. */
const CELL = 0.05

const cellOf = (value: number) => Math.floor(value / CELL)

/**
 * A grid over longitude/latitude that finds the boxes that may hold a point without testing
 * every one: each box is filed under every cell it overlaps. No database.
 */
export class BoxIndex<Id> {
  private readonly cells = new Map<string, { id: Id; box: BoundingBox }[]>()

  constructor(entries: Iterable<{ id: Id; box: BoundingBox }>) {
    for (const entry of entries) {
      for (let x = cellOf(entry.box.minLongitude); x <= cellOf(entry.box.maxLongitude); x++) {
        for (let y = cellOf(entry.box.minLatitude); y <= cellOf(entry.box.maxLatitude); y++) {
          const key = `${x}:${y}`
          const list = this.cells.get(key)
          if (list) list.push(entry)
          else this.cells.set(key, [entry])
        }
      }
    }
  }

  /** The ids of the boxes holding the point, their edges included. */
  holding(longitude: number, latitude: number): Id[] {
    const list = this.cells.get(`${cellOf(longitude)}:${cellOf(latitude)}`) ?? []
    return list
      .filter(
        ({ box }) =>
          longitude >= box.minLongitude &&
          longitude <= box.maxLongitude &&
          latitude >= box.minLatitude &&
          latitude <= box.maxLatitude,
      )
      .map(({ id }) => id)
  }
}
