/**
 * Benjamini & Hochberg (1995) false-discovery-rate adjusted p-values, as R's `p.adjust(p, "BH")`:
 * with p sorted ascending, p̃_(i) = min over j ≥ i of min(1, n / j · p_(j)). A cell is significant at
 * level q, with the expected share of false discoveries among the significant cells at most q,
 * when p̃ ≤ q.
 */
export function benjaminiHochberg(p: Float64Array): Float64Array {
  const size = p.length
  for (let i = 0; i < size; i++) {
    if (!(p[i]! >= 0 && p[i]! <= 1))
      throw new RangeError(`p-value ${i + 1} is ${p[i]}, not a probability from 0 to 1`)
  }
  const order = Int32Array.from({ length: size }, (_, i) => i).sort((a, b) => p[b]! - p[a]! || a - b)
  const adjusted = new Float64Array(size)
  let smallest = 1
  for (let rank = 0; rank < size; rank++) {
    const i = order[rank]!
    // Same arithmetic as p.adjust (n / i * p, then the running minimum) so values agree to the last bit.
    smallest = Math.min(smallest, (size / (size - rank)) * p[i]!)
    adjusted[i] = smallest
  }
  return adjusted
}
