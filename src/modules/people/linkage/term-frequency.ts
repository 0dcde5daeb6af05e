/**
 * Term-frequency adjustment of an exact name match (Winkler 1989's value-specific frequencies, in
 * Splink's form): two records agreeing on SMITH is weaker evidence than two agreeing on a rare
 * name. For an exact match on value v, u is taken as the share of records with v rather than the
 * comparison's average u, which adds log2(u_exact / tf(v)) to the match weight. The boost for rare
 * values is capped, as a misspelling shared by chance would otherwise count for as much as a
 * genuinely rare name.
 */
export const MOST_TERM_FREQUENCY_BOOST = 3

export function termFrequencyAdjustment(frequency: number, uExact: number): number {
  if (!(frequency > 0) || !(uExact > 0)) return 0
  return Math.min(MOST_TERM_FREQUENCY_BOOST, Math.log2(uExact / frequency))
}
