/**
 * The shared WebAssembly memory that holds the Knox test's close pairs, their runs and each thread's
 * permuted days and counts: the counting kernel (gap-count-kernel.ts) reads it, and worker threads share
 * it rather than a copy each. It grows as the pairs are found (a shared memory grows in place, up to the
 * 4 GiB a 32-bit WebAssembly memory can address; only the pages written take room).
 */
import { invalid } from '../../../errors.ts'

const PAGE_BYTES = 65_536
const MAXIMUM_PAGES = 65_536
export const ALIGNMENT = 16

export const alignUp = (bytes: number) => Math.ceil(bytes / ALIGNMENT) * ALIGNMENT

export function sharedMemory(): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: 1, maximum: MAXIMUM_PAGES, shared: true })
}

/** Grows `memory` to at least `bytes`; a DomainError naming what did not fit when 4 GiB is not enough. */
export function ensureBytes(memory: WebAssembly.Memory, bytes: number, what: () => string) {
  const pages = memory.buffer.byteLength / PAGE_BYTES
  const needed = Math.ceil(bytes / PAGE_BYTES)
  if (needed <= pages) return
  // Doubling, so that pushing pairs one by one grows the memory a few dozen times at most.
  const target = Math.min(MAXIMUM_PAGES, Math.max(needed, 2 * pages))
  try {
    if (needed > MAXIMUM_PAGES) throw new RangeError('beyond 4 GiB')
    try {
      memory.grow(target - pages)
    } catch {
      memory.grow(needed - pages)
    }
  } catch (error) {
    if (!(error instanceof RangeError)) throw error
    throw invalid({
      spaceBands: `${what()}: more than the Knox test's memory holds (at most 4 GiB); a smaller largest space band gives fewer`,
    })
  }
}

/** int32 values appended at a byte offset of a shared memory (the close pairs' `second`). */
export class SharedInt32List {
  count = 0
  private view: Int32Array

  constructor(
    readonly memory: WebAssembly.Memory,
    readonly byteOffset: number,
    private readonly what: (count: number) => string,
  ) {
    this.view = new Int32Array(memory.buffer, byteOffset)
  }

  /** Appends `values[0 .. length − 1]`. */
  pushAll(values: Int32Array, length: number) {
    const count = this.count + length
    if (count > this.view.length) {
      ensureBytes(this.memory, this.byteOffset + 4 * count, () => this.what(count))
      this.view = new Int32Array(this.memory.buffer, this.byteOffset)
    }
    this.view.set(values.subarray(0, length), this.count)
    this.count = count
  }

  /** The values so far (a view of the memory). */
  values(): Int32Array {
    return new Int32Array(this.memory.buffer, this.byteOffset, this.count)
  }
}
