import { SeededRandom, WeightedChoice } from './seeded-random.ts'

/** A list written as words separated by spaces and line breaks. */
const names = (text: string): readonly string[] => text.trim().split(/\s+/)

/**
 * Surnames with the skew of real ones, so that sharing a surname is strong evidence for "Ashcombe"
 * and weak for "Smith" (term frequency matters to a linker).
 *
 * The 100 most common surnames of England and Wales follow the order, and roughly the numbers of
 * people in thousands, of the Office for National Statistics' 2002 count of surnames on the NHS
 * Central Register (widely reported at the time: Smith about 650,000, Jones about 540,000); the
 * figures are approximate, and past rank 50 they are our interpolation between the ranks. Those
 * 100 cover about 21% of people. The other 79% are spread over about 14,000 rarer names made here
 * by joining English place-name elements ("Ash" + "ing" + "ford"), each weighed as a power law of
 * its rank so that the curve goes on from the top 100 (rank 101 ≈ 0.12% of people, the rarest
 * about 1 in 80,000), as surname frequencies do (Zipf-like; Fox & Lasker 1983).
 */
const COMMON_SURNAMES: readonly (readonly [string, number])[] = [
  ['Smith', 652],
  ['Jones', 539],
  ['Williams', 423],
  ['Taylor', 310],
  ['Brown', 290],
  ['Davies', 278],
  ['Evans', 218],
  ['Wilson', 195],
  ['Thomas', 176],
  ['Johnson', 175],
  ['Roberts', 168],
  ['Robinson', 145],
  ['Thompson', 140],
  ['Wright', 138],
  ['Walker', 136],
  ['White', 136],
  ['Edwards', 135],
  ['Hughes', 134],
  ['Green', 131],
  ['Hall', 130],
  ['Lewis', 130],
  ['Harris', 130],
  ['Clarke', 122],
  ['Patel', 118],
  ['Jackson', 117],
  ['Wood', 114],
  ['Turner', 112],
  ['Martin', 111],
  ['Cooper', 109],
  ['Hill', 108],
  ['Ward', 105],
  ['Morris', 104],
  ['Moore', 103],
  ['Clark', 103],
  ['Lee', 101],
  ['King', 101],
  ['Baker', 100],
  ['Harrison', 99],
  ['Morgan', 98],
  ['Allen', 97],
  ['James', 96],
  ['Scott', 95],
  ['Phillips', 94],
  ['Watson', 93],
  ['Davis', 92],
  ['Parker', 91],
  ['Price', 89],
  ['Bennett', 88],
  ['Young', 87],
  ['Griffiths', 86],
  ['Mitchell', 85],
  ['Kelly', 84],
  ['Cook', 83],
  ['Carter', 82],
  ['Richardson', 81],
  ['Bailey', 80],
  ['Collins', 79],
  ['Bell', 78],
  ['Shaw', 77],
  ['Murphy', 76],
  ['Miller', 75],
  ['Cox', 74],
  ['Richards', 73],
  ['Khan', 72],
  ['Marshall', 71],
  ['Anderson', 70],
  ['Simpson', 69],
  ['Ellis', 68],
  ['Adams', 68],
  ['Singh', 67],
  ['Begum', 66],
  ['Wilkinson', 65],
  ['Foster', 65],
  ['Chapman', 64],
  ['Powell', 63],
  ['Webb', 63],
  ['Rogers', 62],
  ['Gray', 62],
  ['Mason', 61],
  ['Ali', 61],
  ['Hunt', 60],
  ['Hussain', 60],
  ['Campbell', 59],
  ['Matthews', 59],
  ['Owen', 58],
  ['Palmer', 58],
  ['Holmes', 57],
  ['Mills', 57],
  ['Barnes', 56],
  ['Knight', 56],
  ['Lloyd', 56],
  ['Butler', 55],
  ['Russell', 55],
  ['Barker', 55],
  ['Fisher', 54],
  ['Stevens', 54],
  ['Jenkins', 54],
  ['Murray', 53],
  ['Dixon', 53],
  ['Harvey', 53],
]

/**
 * Family surnames of South Asian heritage households by naming tradition, weighed by our reading
 * of their frequency in the West Midlands (Khan, Hussain and Ali among the region's commonest).
 */
const SOUTH_ASIAN_SURNAMES = {
  muslim: [
    ['Khan', 22],
    ['Hussain', 25],
    ['Ali', 24],
    ['Ahmed', 22],
    ['Akhtar', 12],
    ['Mahmood', 11],
    ['Iqbal', 10],
    ['Shah', 10],
    ['Rahman', 9],
    ['Chaudhry', 8],
    ['Malik', 9],
    ['Aslam', 6],
    ['Rashid', 6],
    ['Javed', 5],
    ['Butt', 6],
    ['Mirza', 5],
    ['Islam', 6],
    ['Uddin', 6],
    ['Miah', 7],
    ['Bhatti', 5],
  ],
  sikh: [
    ['Sandhu', 8],
    ['Gill', 8],
    ['Sidhu', 6],
    ['Bains', 5],
    ['Dhillon', 5],
    ['Sohal', 3],
    ['Johal', 4],
    ['Atwal', 3],
    ['Sahota', 3],
    ['Virdi', 3],
  ],
  hindu: [
    ['Patel', 15],
    ['Sharma', 6],
    ['Mistry', 5],
    ['Kumar', 6],
    ['Shah', 5],
    ['Parmar', 4],
    ['Chauhan', 4],
    ['Joshi', 3],
    ['Modi', 2],
    ['Lad', 2],
  ],
} as const satisfies Record<string, readonly (readonly [string, number])[]>
/** Sikh men and women who carry Singh and Kaur rather than a family surname; Muslim women who carry Begum or Bibi. */
export const SIKH_SURNAME_BY_SEX = { M: 'Singh', F: 'Kaur' } as const
export const MUSLIM_WOMEN_SURNAMES = ['Begum', 'Bibi'] as const

const FIRST_ELEMENTS = names(`
  Ash Brad Brom Cald Chad Dal Daven Ed Fair Gold Hart Hol Kings Lang Lind Mar Mid Ned Oak Pem Rad
  Red Ross Shel Stan Staf Thorn Wal Wat Wed Whit Win Wors Brind Cres Hather Nor Sut Wil Ald Bar
  Bel Bick Bur Cart Dun Ex Far Glad Hamp Heb Lox Mel Pen Ram Rud Sal Tad Wake Yat Ack Bram Crom
  Dray Elm Fen Gris Hor Ing Ken Lyn Mort Pick Ruth Sher Tem Ux Ver Wen Bux
`)
const SECOND_ELEMENTS = names(`
  ley ton field worth ford wood well by ham more ridge stone brook hurst cott dale wick combe land
  shaw thorpe den stead bridge low man ling croft burn bury ing gate er hill house ey holme wright
  mere all
`)

const MIDDLE_ELEMENTS = ['', 'ing', 'en', 'er', 'an']
const REPEATING_ENDINGS = new Set(['er', 'ing', 'ey', 'all', 'ling', 'en'])

const COMMON_SHARE = 0.21
/** Power-law exponent of the tail: a name at rank r has weight ∝ r^−TAIL_EXPONENT. */
const TAIL_EXPONENT = 0.9

function buildSurnameChoice(): WeightedChoice<string> {
  const common = new Set(COMMON_SURNAMES.map(([name]) => name))
  const tailNames = new Set<string>()
  for (const first of FIRST_ELEMENTS)
    for (const middle of MIDDLE_ELEMENTS)
      for (const second of SECOND_ELEMENTS) {
        // "Bromerer" and "Penining" read as stutters, not names.
        if (middle !== '' && REPEATING_ENDINGS.has(second)) continue
        const name = first + middle + second
        if (!common.has(name)) tailNames.add(name)
      }
  const tail = [...tailNames]
  // A fixed order of the tail, the same for every seed: only the people change with the seed.
  const order = new SeededRandom(0x5eed, 99)
  for (let i = tail.length - 1; i > 0; i--) {
    const j = order.below(i + 1)
    ;[tail[i], tail[j]] = [tail[j]!, tail[i]!]
  }
  const commonTotal = COMMON_SURNAMES.reduce((sum, [, count]) => sum + count, 0)
  const tailRaw = tail.map((_, index) => (COMMON_SURNAMES.length + 1 + index) ** -TAIL_EXPONENT)
  const tailTotal = tailRaw.reduce((a, b) => a + b, 0)
  return new WeightedChoice<string>([
    ...COMMON_SURNAMES.map(([name, count]) => [name, (COMMON_SHARE * count) / commonTotal] as const),
    ...tail.map((name, index) => [name, ((1 - COMMON_SHARE) * tailRaw[index]!) / tailTotal] as const),
  ])
}

export const SURNAMES = buildSurnameChoice()
export const FAMILY_SURNAME_CHOICE = {
  muslim: new WeightedChoice<string>(SOUTH_ASIAN_SURNAMES.muslim),
  sikh: new WeightedChoice<string>(SOUTH_ASIAN_SURNAMES.sikh),
  hindu: new WeightedChoice<string>(SOUTH_ASIAN_SURNAMES.hindu),
}
