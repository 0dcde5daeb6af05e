/**
 * Plain words for every analysis method, for a neighbourhood analyst rather than a statistician:
 * the question it answers, how to read its map and table, what the defaults mean, and what to be
 * careful about. The facts come from docs/analysis/<method>.md, which has the definitions.
 * Shown on the method's form (before its parameters) and beside a run's result.
 */

export interface DefaultExplained {
  /** The option keys this sentence explains; it quotes each one's default (or says "empty"). */
  readonly options: readonly string[]
  readonly text: string
}

export interface MethodExplanation {
  /** What the method answers, in a sentence or two. */
  readonly question: string
  /** How to read the map (where there is one) and the table, a short paragraph each. */
  readonly reading: readonly string[]
  /** What the default of every option with one means. */
  readonly defaults: readonly DefaultExplained[]
  /** One or two things to be careful about, police.uk data first. */
  readonly cautions: readonly string[]
}

const POLICE_UK_SNAPPING =
  'police.uk moves every incident to the nearest of a fixed set of anonymised map points (the middle of a street, a park, a station), so incidents pile up on those points.'

const POLICE_UK_MONTHS =
  'police.uk gives the month of each incident, not the day: every incident is dated the 1st.'

const GI_STAR: MethodExplanation = {
  question:
    'Where do incidents cluster? A hot spot is a patch of the map (a cell and the cells around it, or an LSOA and the LSOAs near it) holding clearly more incidents than an average patch of the same size. A cold spot holds clearly fewer.',
  reading: [
    'Each hexagon is an H3 cell. The map colours it by its class, and the table lists every cell with the same figures. With LSOAs there is no map (no area boundaries are loaded): the table lists every LSOA with incidents.',
    'hot-99 means the cell and its neighbours hold far more incidents than an average patch: of all the cells marked 99, no more than about 1 in 100 is expected to be a fluke. hot-95 and hot-90 are the same at 1 in 20 and 1 in 10: still unusual, but less sure. cold-99, cold-95 and cold-90 are the same for clearly fewer incidents.',
    'not-significant does not mean there is no crime in the cell. It means its patch is not clearly different from an average patch.',
    'Z says how far the patch is from average: above about 2 is high, below about −2 is low. P is the chance of a Z that far from 0 if incidents fell at random. P Fdr is P adjusted for testing every cell at once (the false discovery rate), and it decides the class. P Permutation checks P by reshuffling the counts; read it beside P for cells with few incidents.',
    'Count is the number of incidents in the cell, or their harm when weighted. Cells with 0 are the empty ring around the data, which is part of the comparison.',
  ],
  defaults: [
    {
      options: ['h3Resolution'],
      text: 'H3 resolution 9: hexagons of about 0.1 km², a few streets across (edges of about 174 m).',
    },
    {
      options: ['unit'],
      text: 'Unit h3: places are hexagonal cells. Choose lsoa to compare Lower layer Super Output Areas (or the areas of the level you group by) instead, with neighbours by distance, by an adjacency file, or by the areas whose boundaries touch.',
    },
    { options: ['rings'], text: 'Rings 1: a cell’s patch is the cell itself and the six cells touching it.' },
    {
      options: ['neighbours', 'distance'],
      text: 'Neighbours rings, distance left empty: a cell’s patch is set by the rings. Choose distance and give metres to make the patch every cell (or LSOA) whose centre lies within that distance of its own: at resolution 9, 400 m takes the cell and the six cells touching it, as rings 1 does.',
    },
    {
      options: ['permutations', 'seed'],
      text: 'Permutations 999 with seed 1: 999 reshuffles for pPermutation, whose smallest possible value is then 0.001. The same seed gives the same figures again.',
    },
    {
      options: ['weighted'],
      text: 'Weighted No: each incident counts once. Choose Yes to weigh each by the harm of its crime type.',
    },
  ],
  cautions: [
    `${POLICE_UK_SNAPPING} Cells show roughly where streets are busy, not exact addresses; at resolution 10 and finer, the snapping decides which cell an incident falls in.`,
    'The empty ring of cells around the data is part of the study area, so cells at the edge of the data often come out cold. A cold spot at the edge means “few incidents around here”, not a finding.',
    'With LSOAs, an LSOA’s centre is the average position of its incidents, not of the area itself, and only LSOAs with incidents take part.',
  ],
}

const COUNTS: MethodExplanation = {
  question:
    'How many incidents, and how much harm, in each place? And how concentrated is crime: what share of it do the busiest 1%, 5% and 10% of places hold?',
  reading: [
    'With H3 cells the map colours each cell by its number of incidents, darker for more; the legend gives the ranges. Cells with no incidents are left off the map but are in the table with 0. With LSOAs the table gives each area, with its rate per 1,000 residents where the population is loaded.',
    'Harm weighs each incident by how serious its crime type is, from the ONS Crime Severity Score (roughly the average sentence in days). A robbery counts 746 and a shoplifting 13, so one robbery weighs as much as 57 shoplifting offences.',
    'A top 5% share of 0.4 means the busiest 5% of places hold 40% of all incidents (or harm). The Gini coefficient sums it up in one number: 0 means spread evenly over the places, near 1 means nearly all in one place.',
    '“All places” counts the empty places near the data too, as the law of crime concentration is stated; “places with crime” leaves them out, so it always looks less concentrated. The JSON download has both.',
  ],
  defaults: [
    {
      options: ['unit', 'h3Resolution'],
      text: 'Unit h3 and H3 resolution 9: places are hexagonal cells of about 0.1 km², a few streets across. Choose lsoa for Lower layer Super Output Areas, with rates per 1,000 residents where the population is loaded.',
    },
    {
      options: ['weighted'],
      text: 'Weighted Yes: places are ranked by harm. Both the count and the harm are always given.',
    },
    { options: ['top'], text: 'Top 1,5,10: the shares held by the busiest 1%, 5% and 10% of places.' },
    {
      options: ['studyRings'],
      text: 'Study rings 1: “all places” are the cells with incidents and one ring of cells around them.',
    },
    {
      options: ['harmWeights'],
      text: 'Harm weights left empty: the ONS weights of each police.uk crime type, listed in the documentation.',
    },
  ],
  cautions: [
    `${POLICE_UK_SNAPPING} A busy map point near the edge of a cell puts all of its incidents in that one cell.`,
    'police.uk gives crime types, not offences, so each type takes the weight of its most common offence: violent crime weighs 184 (assault with injury), which understates its rare worst cases. Anti-social behaviour is not a crime and weighs 1. Check the weights before publishing harm figures.',
  ],
}

const NEAR_REPEAT_DEFAULTS: readonly DefaultExplained[] = [
  {
    options: ['spaceBands'],
    text: 'Space bands 0,1,100,200,400: the same map point (under 1 m apart), then under 100 m, 100 to under 200 m and 200 to under 400 m apart.',
  },
  {
    options: ['timeBands'],
    text: 'Time bands 0,1,8,15,29: the same day, then 1 to 7, 8 to 14 and 15 to 28 days apart.',
  },
  {
    options: ['permutations', 'seed'],
    text: 'Permutations 999 with seed 1: the dates are shuffled 999 times, so the smallest possible p is 0.001. The same seed gives the same figures again.',
  },
  {
    options: ['distance'],
    text: 'Distance haversine: the straight-line distance. manhattan measures east–west plus north–south, as walked on a grid of streets.',
  },
]

const NEAR_REPEAT_MONTHS = `${POLICE_UK_MONTHS} Incidents of the same month are then 0 days apart and those of consecutive months 28 to 31 days apart, so bands such as 1 to 7 days stay empty. With police.uk data choose time bands such as 0,1,32 (the same month, the next month).`

const NEAR_REPEAT: MethodExplanation = {
  question:
    'After an incident, do more incidents happen nearby soon afterwards than chance would give? And how near, and how soon?',
  reading: [
    'Each row is a distance band and a time band, such as 1 to under 100 metres and 1 to 7 days apart. Observed is the number of pairs of incidents that close in both.',
    'Expected is the number of such pairs when the dates are shuffled among the incidents at random: the places stay, the link between place and time goes.',
    'The Knox ratio is observed divided by expected. A Knox ratio of 1.5 means 50% more pairs than chance would give at that distance and time apart; 1 means as many as chance; below 1, fewer.',
    'p is the share of shuffles with at least as many pairs as observed. Below 0.05 the excess is unlikely to be chance.',
    'There is no map: the result is about how far and how long apart incidents are, not about places. Near-repeat risk turns it into a list of places to watch.',
  ],
  defaults: NEAR_REPEAT_DEFAULTS,
  cautions: [
    NEAR_REPEAT_MONTHS,
    `${POLICE_UK_SNAPPING} The “same place” band holds incidents at one map point, which may be several addresses on one street.`,
  ],
}

const NEAR_REPEAT_RISK: MethodExplanation = {
  question:
    'Which of the latest incidents may soon be followed by another nearby, and how far around them and for how long should the neighbourhood team look?',
  reading: [
    'Each row is one of the latest incidents, newest first, with a radius in metres and the date until which a follow-up nearby is more likely than usual.',
    'The radius and the days come from the Knox test bands with clearly more pairs than chance: p below 0.05 and a Knox ratio of at least 1.2. The farthest distance and the longest time of those bands are used, a generous reading for a briefing.',
    'When no band passes, no incident is listed: the data show no near-repeat pattern.',
    'Active on latest date says whether the risk period still runs on the latest date in the data.',
  ],
  defaults: [
    ...NEAR_REPEAT_DEFAULTS,
    {
      options: ['days'],
      text: 'Days 14: the latest incidents are those of the last 14 days up to the latest date in the data.',
    },
    {
      options: ['significance', 'minimumRatio'],
      text: 'Significance 0.05 and minimum ratio 1.2: a band signals risk when its p is below 0.05 and it has at least 20% more pairs than chance, so that a tiny excess in a large data set is not briefed as risk.',
    },
  ],
  cautions: [
    `${NEAR_REPEAT_MONTHS} The latest 14 days are then the incidents of the latest month, and risk periods in days are rough.`,
    'The risk is for the area around an incident, taken from the pattern over all incidents; it is not a prediction for one address or one victim.',
  ],
}

const REPEAT_LOCATIONS: MethodExplanation = {
  question:
    'Which places keep having incidents? A repeat location has at least a minimum number of incidents within a window of days.',
  reading: [
    'Places are ranked by the number of incidents in their busiest window, then by harm, then by the most recent. Start at the top.',
    'Count and harm are those of the busiest window; first date and last date are its first and last incidents. Incidents at place counts all of the place’s incidents over the whole period.',
    'With radius 0 a place is one exact map point. With a radius, nearby points join the busiest point around them, never further from it than the radius; points says how many joined.',
  ],
  defaults: [
    { options: ['radius'], text: 'Radius 0: a place is one exact map point.' },
    {
      options: ['windowDays', 'minimum'],
      text: 'Window days 365 and minimum 2: a place repeats when it has at least 2 incidents within 365 days.',
    },
    { options: ['limit'], text: 'Limit 100: the 100 top-ranked places are listed.' },
    {
      options: ['harmWeights'],
      text: 'Harm weights left empty: the ONS weights of each police.uk crime type, as in counts and harm.',
    },
  ],
  cautions: [
    `${POLICE_UK_SNAPPING} A repeat location in police.uk data is such a point, shared by nearby addresses, not one home or shop: check local records before naming an address.`,
    `${POLICE_UK_MONTHS} A window shorter than a month cannot tell the incidents of one month apart.`,
  ],
}

const KERNEL_DENSITY: MethodExplanation = {
  question:
    'Where are incidents densest? A smooth surface of incidents per square kilometre rather than counts in boxes, with contour lines around the densest areas.',
  reading: [
    'Each incident is spread over a small hill around where it happened, out to the bandwidth; the surface adds the hills up. A cell’s density is what the hills give at its centre.',
    'A density of 400 means as many incidents as 400 per km² would give: about 4 in a hectare (100 m by 100 m) around that spot.',
    'The table lists every cell with a density above 0, by the longitude and latitude of its centre. The contours in the JSON download surround the areas above the 50th, 75th, 90th, 95th and 99th percentiles of the densities: the 99th rings the densest 1%.',
  ],
  defaults: [
    {
      options: ['kernel', 'bandwidth'],
      text: 'Kernel quartic, bandwidth 250: each incident counts out to 250 metres from where it happened and no further, most near the middle.',
    },
    { options: ['cellSize'], text: 'Cell size 50: the surface is worked out on squares of 50 m by 50 m.' },
    {
      options: ['levels'],
      text: 'Levels left empty: contours at the 50th, 75th, 90th, 95th and 99th percentiles of the densities.',
    },
    {
      options: ['h3Resolution'],
      text: 'H3 resolution left empty: densities are listed by grid square rather than by hexagon.',
    },
  ],
  cautions: [
    'The bandwidth shapes the picture more than anything else: a wide one merges nearby hot spots, a narrow one breaks them up. Compare two bandwidths before drawing conclusions.',
    `${POLICE_UK_SNAPPING} A bandwidth under about 100 m draws peaks at those points rather than where incidents happened. Densities near the edge of the data look low because nothing beyond it is counted.`,
  ],
}

const EMERGING_HOTSPOTS: MethodExplanation = {
  question:
    'Where are hot spots appearing, growing, fading or coming and going? It finds the hot and cold spots of every month (or week), tests each cell for a trend, and names each cell’s story.',
  reading: [
    'The map colours each cell by its category. new: a hot spot for the first time in the latest month. consecutive: hot in an unbroken run up to the latest month. persistent: hot in at least 90% of months, with no clear trend; intensifying: the same, getting stronger; diminishing: the same, getting weaker. sporadic: hot now, and on and off before. oscillating: hot now, but a cold spot at some time before. historical: hot in at least 90% of months, but not in the latest. Cold spots have the same names the other way round; no-pattern cells are pale.',
    'The latest month decides: a cell hot in it has a hot-spot category, a cell cold in it a cold-spot one.',
    'Counts and z give the cell’s figures month by month, oldest first. Trend is the Mann-Kendall test of its z-scores: tau above 0 means rising, below 0 falling, and its p says how sure.',
  ],
  defaults: [
    {
      options: ['h3Resolution', 'rings'],
      text: 'H3 resolution 8 and rings 1: cells of about 0.7 km², each compared together with the six cells touching it.',
    },
    { options: ['slice'], text: 'Slice month: one hot spot test per calendar month.' },
    {
      options: ['timeWindow', 'globalWindow'],
      text: 'Time window 1 and global window cube: each month’s test looks at that month alone, against every cell in every month, so a place where crime keeps rising becomes an intensifying hot spot.',
    },
    {
      options: ['confidence'],
      text: 'Confidence 90: a cell-month is a hot or cold spot at 90% confidence, and a trend counts at the same level.',
    },
    {
      options: ['weighted'],
      text: 'Weighted No: each incident counts once. Choose Yes to weigh each by the harm of its crime type.',
    },
    {
      options: ['fdr'],
      text: 'FDR No: each cell-month is tested on its own. Choose Yes to adjust each month’s p-values for the number of cells tested (Benjamini-Hochberg), so fewer flukes are called hot or cold spots.',
    },
  ],
  cautions: [
    'Each month is tested on its own, so by chance alone a cell is a hot spot in about one month in twenty at 90%. Sporadic and oscillating are what chance produces most often: give more weight to consecutive, persistent, intensifying, diminishing and historical, and prefer 95 or 99 for long series.',
    `${POLICE_UK_MONTHS} Use month slices with police.uk data. With fewer than 10 months, 90% of months means every month and a trend is rarely significant; cells at the edge of the data are often cold spots only because nothing is recorded beyond them.`,
  ],
}

const EXCEEDANCE: MethodExplanation = {
  question:
    'Is the latest month’s count of a crime type higher than the same time of year in past years makes plausible? An alarm flags such a rise, as public-health teams flag an outbreak.',
  reading: [
    'Each row is one group (a crime type, unless you chose otherwise) in one of the latest months checked. Alarms come first.',
    'Expected is what past years at the same time of year predict. Threshold is the highest count still plausible. An observed count above the threshold raises an alarm.',
    'Score is how far the count is from expected towards the threshold: 0.5 is halfway, above 1 is an alarm.',
    'too-few-cases: fewer than 5 incidents in the last 4 months, too few to judge. no-fit: the baseline could not be worked out. Dispersion 1 means counts vary as much as chance would; 2 means twice as much, which widens the threshold.',
  ],
  defaults: [
    {
      options: ['period', 'years', 'window'],
      text: 'Period month, years 3, window left empty: each month is compared with the same month and the month either side of it in the 3 years before.',
    },
    {
      options: ['alpha'],
      text: 'Alpha 0.05: when nothing has changed, a group raises a false alarm in about 1 month in 20.',
    },
    {
      options: ['groupBy', 'h3Resolution'],
      text: 'Group by category: one series per crime type. With h3, one per map cell at H3 resolution 7 (about 5 km²).',
    },
    { options: ['periods'], text: 'Periods 4: the latest 4 months are checked.' },
    {
      options: ['thresholdMethod', 'seasonalPeriods'],
      text: 'Threshold method delta and seasonal periods 1: the original Farrington threshold, from the months around the same time of year only.',
    },
    {
      options: ['reweight', 'trend'],
      text: 'Reweight Yes and trend Yes: past unusual months count less in the baseline, and a steady rise or fall over the years is allowed for when it is clear.',
    },
  ],
  cautions: [
    'It needs history: with 3 years of baseline and monthly counts, at least 41 months of data. With less, the run stops and says how much it has.',
    'With many groups some alarms are chance: at 0.05, one group in twenty can alarm in a month when nothing has changed. A change in recording, such as a new crime type, also looks like a rise.',
  ],
}

const SPATIAL_POINT_PATTERN_TEST: MethodExplanation = {
  question:
    'Has the pattern moved? For two periods (or two crime types), does each area hold a similar share of the incidents? The S index is the share of areas where it does.',
  reading: [
    'The base is the first pattern (say April) and the test the second (say May). An area’s share is its incidents as a percentage of all the base (or test) incidents.',
    'In the table, S index −1 means the area’s share rose from base to test, +1 that it fell, 0 that it is similar. Local S is the other way round: +1 for a rise.',
    'A global S of 0.8 means 80% of areas hold a similar share in both. 1 means the same spread; near 0, nearly every area changed. Shares, not counts, are compared: twice as many crimes in the same places gives 1.',
    'With the classic method, lower and upper bound the area’s test share over the random samples; a base share outside them is a change.',
  ],
  defaults: [
    {
      options: ['split', 'areas', 'h3Resolution'],
      text: 'Split period, areas h3, H3 resolution 8: two periods compared over hexagons of about 0.7 km².',
    },
    {
      options: ['method', 'samples', 'samplePercent', 'seed'],
      text: 'Method classic, samples 100, sample percent 85, seed 1: Andresen’s test, drawing 100 samples of 85% of the test incidents. The same seed gives the same result.',
    },
    {
      options: ['confidence'],
      text: 'Confidence 95: an area counts as changed when its base share is outside the middle 95% of the samples.',
    },
    {
      options: ['differenceTest', 'adjustment'],
      text: 'Difference test chi-square-n-minus-1 and adjustment benjamini-yekutieli (proportion-difference method only): the defaults of the R package sppt_diff, which allow for testing many areas at once.',
    },
  ],
  cautions: [
    'Areas with few incidents change share easily by chance, and the classic test does not allow for testing many areas at once; the proportion-difference method does.',
    `${POLICE_UK_MONTHS} Periods should be whole months, such as 2023-04-01 to 2023-04-30.`,
  ],
}

/** By method name, as in the registry (src/modules/analysis/methods.ts). */
export const METHOD_EXPLANATIONS: Readonly<Record<string, MethodExplanation>> = {
  'gi-star': GI_STAR,
  counts: COUNTS,
  'near-repeat': NEAR_REPEAT,
  'near-repeat-risk': NEAR_REPEAT_RISK,
  'repeat-locations': REPEAT_LOCATIONS,
  'kernel-density': KERNEL_DENSITY,
  'emerging-hotspots': EMERGING_HOTSPOTS,
  exceedance: EXCEEDANCE,
  'spatial-point-pattern-test': SPATIAL_POINT_PATTERN_TEST,
}

export function methodExplanation(name: string): MethodExplanation | undefined {
  return Object.hasOwn(METHOD_EXPLANATIONS, name) ? METHOD_EXPLANATIONS[name] : undefined
}
