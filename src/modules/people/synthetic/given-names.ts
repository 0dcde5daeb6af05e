import { WeightedChoice } from './seeded-random.ts'

/** A list written as words separated by spaces and line breaks. */
const names = (text: string): readonly string[] => text.trim().split(/\s+/)

/**
 * Given names by sex and decade of birth, written for this generator after the rankings in the
 * Office for National Statistics' "Baby names in England and Wales" releases: the historical
 * top-100 lists for 1944, 1954, 1964, 1974, 1984 and 1994 ("Baby names in England and Wales: from
 * 1904", ONS 2014) and the annual lists for 1996–2023. Each list is in rank order, the most
 * popular first; ONS counts are not reproduced, so a name's weight falls with its rank as
 * 1 / (rank + 3) within its decade. A shared pool of less common names (`OTHER_*`) takes the rest of
 * the weight, more of it in later decades, as names became more varied (the ONS releases show the
 * top names' share falling decade by decade).
 */
type Sex = 'F' | 'M'

const FEMALE_BY_DECADE: Record<number, readonly string[]> = {
  1940: names(`
    Margaret Patricia Jean Mary Joan Sheila Barbara Doreen Maureen Brenda Joyce Betty Dorothy
    Valerie Pauline Gwendoline Kathleen Irene Audrey Eileen Marion Shirley Elizabeth Ann June Sylvia
    Christine Janet
  `),
  1950: names(`
    Susan Linda Christine Margaret Janet Patricia Carol Elizabeth Mary Anne Ann Jane Jacqueline
    Barbara Sandra Gillian Pauline Elaine Lesley Angela Pamela Helen Valerie Jennifer Wendy Lynne
    Sheila Judith
  `),
  1960: names(`
    Susan Julie Karen Jacqueline Deborah Tracey Jane Helen Diane Sharon Tracy Angela Sarah Alison
    Caroline Amanda Sandra Linda Catherine Elizabeth Carol Joanne Wendy Janet Dawn Christine Nicola
    Lorraine
  `),
  1970: names(`
    Sarah Claire Nicola Emma Lisa Joanne Michelle Helen Samantha Karen Amanda Rachel Louise Julie
    Clare Rebecca Sharon Victoria Caroline Kelly Elizabeth Catherine Zoe Dawn Joanna Kerry Donna
    Suzanne
  `),
  1980: names(`
    Sarah Laura Gemma Emma Rebecca Claire Victoria Samantha Rachel Amy Jennifer Nicola Katie Lisa
    Kelly Natalie Louise Michelle Hayley Hannah Stacey Zoe Charlotte Joanne Kirsty Danielle
    Catherine Lauren
  `),
  1990: names(`
    Rebecca Lauren Jessica Charlotte Hannah Sophie Amy Emily Laura Emma Chloe Sarah Megan Katie
    Bethany Jade Danielle Georgia Rachel Samantha Natasha Stephanie Victoria Holly Abigail Shannon
    Kayleigh Kimberley
  `),
  2000: names(`
    Emily Ellie Jessica Sophie Chloe Lucy Olivia Charlotte Katie Megan Grace Hannah Amy Holly Lauren
    Emma Molly Abigail Caitlin Bethany Mia Amelia Ella Rebecca Georgia Eleanor Leah Courtney
  `),
  2010: names(`
    Amelia Olivia Isla Emily Poppy Ava Isabella Jessica Lily Sophie Grace Sophia Mia Evie Ruby Ella
    Scarlett Isabelle Chloe Sienna Freya Phoebe Charlotte Daisy Alice Florence Ivy Rosie
  `),
}

const MALE_BY_DECADE: Record<number, readonly string[]> = {
  1940: names(`
    John David Michael Peter Robert Anthony Brian Alan William James Kenneth Roy Derek Keith Ronald
    Terence Colin Raymond Dennis George Barry Geoffrey Malcolm Thomas Richard Trevor Graham Leslie
  `),
  1950: names(`
    David John Stephen Michael Peter Robert Paul Alan Christopher Richard Anthony Andrew Ian Kevin
    Brian William Keith Martin Graham Philip Barry Colin Gary Trevor Kenneth Nigel Roger Steven
  `),
  1960: names(`
    David Paul Andrew Mark John Michael Stephen Ian Robert Richard Christopher Peter Simon Anthony
    Kevin Gary Steven Martin James Philip Alan Neil Nigel Timothy Colin Graham Jonathan Darren
  `),
  1970: names(`
    Paul Mark David Andrew Richard Christopher James Simon Michael Matthew Stephen Lee John Robert
    Darren Daniel Steven Jason Nicholas Jonathan Ian Neil Peter Stuart Anthony Martin Kevin Craig
  `),
  1980: names(`
    Christopher James David Daniel Michael Matthew Andrew Richard Paul Mark Thomas Adam Robert John
    Lee Benjamin Steven Jonathan Craig Stephen Simon Nicholas Peter Anthony Alexander Gary Ian Ryan
  `),
  1990: names(`
    Thomas James Jack Daniel Matthew Ryan Joshua Luke Samuel Jordan Adam Michael Alexander
    Christopher Benjamin Joseph Liam Jake William Andrew George Lewis Oliver David Robert Kieran
    Callum Jamie
  `),
  2000: names(`
    Jack Joshua Thomas James Daniel Samuel Oliver William Benjamin Joseph Harry Matthew Lewis Luke
    Ethan George Adam Alfie Callum Alexander Mohammed Ryan Charlie Jake Liam Cameron Connor Dylan
  `),
  2010: names(`
    Oliver Jack Harry Jacob Charlie Thomas George Oscar James William Noah Alfie Joshua Muhammad
    Henry Leo Archie Ethan Joseph Freddie Samuel Alexander Logan Daniel Isaac Max Mohammed Arthur
  `),
}

const OTHER_FEMALE = names(`
  Alexandra Alice Anna Beverley Bridget Carly Cheryl Colette Deborah Denise Eleanor Eva Fiona
  Frances Georgina Gail Harriet Heather Imogen Isobel Jasmine Jenna Josephine Julia Kate Kathryn
  Katherine Kimberley Leanne Lindsey Lydia Maria Marie Maya Melanie Melissa Millie Naomi Nadine
  Paige Patricia Rosemary Ruth Sally Sara Siobhan Stella Tanya Teresa Tina Vanessa Yvonne Abbie
  Aimee Bella Carys Demi Esme Faye Gabriella Hollie Jodie Kayla Leah Lola Martha Nina Orla Robyn
  Tilly Willow
`)
const OTHER_MALE = names(`
  Aaron Adrian Aiden Alistair Bradley Brandon Carl Charles Clive Dale Dean Declan Dominic Douglas
  Edward Elliot Frank Frederick Gavin Gordon Harvey Hugh Jamal Jeffrey Jordan Karl Kieran Leon
  Louis Marcus Nathan Neville Owen Patrick Phillip Reece Rhys Ricky Ross Scott Sean Shane Terry
  Toby Tyler Victor Wayne Zachary Albert Ashley Bailey Corey Dexter Elijah Finley Gabriel Jayden
  Kai Mason Nathaniel Reuben Riley Sebastian Stanley Theo Tommy Vincent
`)

/**
 * Names in households of South Asian heritage (Asian or Asian British people are about one in eight
 * of the West Midlands region's residents at the 2021 Census, more in Birmingham), by the naming
 * tradition of the family's faith, not split by decade. Written for this generator.
 */
const MUSLIM_FEMALE = names(`
  Aisha Fatima Zainab Amina Maryam Nadia Sana Samina Shazia Parveen Nasreen Ayesha Hafsa Khadija
  Noor Safa Iqra Rukhsana Sabrina Yasmin
`)
const MUSLIM_MALE = names(`
  Mohammed Muhammad Ali Ahmed Imran Asif Tariq Bilal Hassan Usman Zain Amir Kamran Adnan Faisal
  Yusuf Ibrahim Ayaan Shahid Zubair
`)
const SIKH_FEMALE = names(`
  Harpreet Manjit Simran Jaspreet Kiran Gurpreet Amarjit Sukhwinder Rajinder Baljit Navdeep
  Mandeep Parminder Jasvinder Harleen Amrit
`)
const SIKH_MALE = names(`
  Gurpreet Harjit Jaspal Amarjit Sukhwinder Rajinder Baljit Navdeep Mandeep Parminder Kuldeep
  Gurdeep Ranjit Harvinder Jaswant Arjan
`)
const HINDU_FEMALE = names(`
  Priya Anjali Neha Pooja Sunita Anita Meena Nisha Asha Divya Kavita Shreya Riya Hema Bhavna
  Krisha
`)
const HINDU_MALE = names(`
  Rajesh Sanjay Vikram Arjun Rohan Amit Anil Ashok Deepak Nikhil Rahul Vijay Kiran Dilip Hitesh
  Dev
`)

/**
 * Short forms and other spellings a record may carry instead of the registered name. Written for
 * this generator from common English usage (and the Mohammed spellings seen in UK birth registers).
 */
export const NAME_VARIANTS: Readonly<Record<string, readonly string[]>> = {
  Robert: ['Bob', 'Rob', 'Bobby', 'Robbie'],
  Elizabeth: ['Liz', 'Beth', 'Lizzie', 'Betty'],
  Catherine: ['Kate', 'Cathy', 'Katherine', 'Kathryn'],
  Katherine: ['Kate', 'Kathy', 'Catherine'],
  Kathryn: ['Kate', 'Katherine'],
  William: ['Bill', 'Will', 'Billy', 'Liam'],
  James: ['Jim', 'Jimmy', 'Jamie'],
  Margaret: ['Maggie', 'Peggy', 'Meg'],
  Richard: ['Rick', 'Dick', 'Richie'],
  Michael: ['Mike', 'Mick', 'Micky'],
  Christopher: ['Chris', 'Kit'],
  Anthony: ['Tony', 'Antony'],
  Thomas: ['Tom', 'Tommy'],
  Daniel: ['Dan', 'Danny'],
  Jennifer: ['Jenny', 'Jen'],
  Samantha: ['Sam', 'Sammy'],
  Rebecca: ['Becky', 'Becca'],
  Alexander: ['Alex', 'Sandy'],
  Alexandra: ['Alex', 'Lexi'],
  Susan: ['Sue', 'Suzy'],
  Deborah: ['Debbie', 'Debra'],
  Patricia: ['Pat', 'Trish', 'Tricia'],
  Kimberley: ['Kim', 'Kimberly'],
  Stephen: ['Steve', 'Steven'],
  Steven: ['Steve', 'Stephen'],
  David: ['Dave', 'Davey'],
  Peter: ['Pete'],
  Joseph: ['Joe', 'Joey'],
  Edward: ['Ed', 'Eddie', 'Ted'],
  Victoria: ['Vicky', 'Tori'],
  Jessica: ['Jess', 'Jessie'],
  Matthew: ['Matt', 'Mathew'],
  Nicholas: ['Nick', 'Nicky'],
  Benjamin: ['Ben', 'Benji'],
  Jonathan: ['Jon', 'Jonny'],
  Andrew: ['Andy', 'Drew'],
  Kenneth: ['Ken', 'Kenny'],
  Charlotte: ['Charlie', 'Lottie'],
  Charles: ['Charlie', 'Chas'],
  Frederick: ['Fred', 'Freddie'],
  Frances: ['Fran'],
  Gillian: ['Gill', 'Jill'],
  Jacqueline: ['Jackie'],
  Joanne: ['Jo', 'Joanna'],
  Nicola: ['Nicky', 'Nikki'],
  Philip: ['Phil', 'Phillip'],
  Phillip: ['Phil', 'Philip'],
  Rachel: ['Rach', 'Rachael'],
  Sarah: ['Sara'],
  Claire: ['Clare'],
  Clare: ['Claire'],
  Timothy: ['Tim'],
  Terence: ['Terry'],
  Raymond: ['Ray'],
  Ronald: ['Ron', 'Ronnie'],
  Geoffrey: ['Geoff', 'Jeffrey'],
  Leslie: ['Les'],
  Barbara: ['Barb', 'Babs'],
  Dorothy: ['Dot', 'Dolly'],
  Pamela: ['Pam'],
  Valerie: ['Val'],
  Christine: ['Chris', 'Chrissie'],
  Pauline: ['Paula'],
  Angela: ['Angie'],
  Amanda: ['Mandy'],
  Caroline: ['Carol', 'Caz'],
  Natasha: ['Tasha'],
  Stephanie: ['Steph'],
  Abigail: ['Abbie', 'Abi'],
  Isabella: ['Bella', 'Izzy'],
  Isabelle: ['Izzy', 'Isobel'],
  Eleanor: ['Ellie', 'Nell'],
  Oliver: ['Ollie'],
  Samuel: ['Sam', 'Sammy'],
  Joshua: ['Josh'],
  Harry: ['Harold'],
  Alfie: ['Alfred'],
  Zachary: ['Zak', 'Zach'],
  Mohammed: ['Muhammad', 'Mohammad', 'Mohamed', 'Mohd'],
  Muhammad: ['Mohammed', 'Mohammad', 'Mohamed'],
  Gurpreet: ['Preet'],
  Harpreet: ['Preet'],
  Jaspreet: ['Jas'],
  Jaspal: ['Jas'],
  Sukhwinder: ['Sukhi'],
  Parminder: ['Pam'],
  Rajesh: ['Raj'],
  Vikram: ['Vik'],
  Nikhil: ['Nik'],
}

const weighByRank = (names: readonly string[], totalShare: number): [string, number][] => {
  const raw = names.map((_, rank) => 1 / (rank + 1 + 3))
  const sum = raw.reduce((a, b) => a + b, 0)
  return names.map((name, rank) => [name, (totalShare * raw[rank]!) / sum])
}

/** The share of a decade's births given one of its listed names rather than a name from the shared pool. */
const LISTED_SHARE: Record<number, number> = {
  1940: 0.8,
  1950: 0.78,
  1960: 0.75,
  1970: 0.7,
  1980: 0.65,
  1990: 0.6,
  2000: 0.55,
  2010: 0.5,
}

const DECADES = Object.keys(LISTED_SHARE).map(Number)

export function decadeOf(birthYear: number): number {
  const decade = Math.floor(birthYear / 10) * 10
  return Math.min(Math.max(decade, DECADES[0]!), DECADES[DECADES.length - 1]!)
}

function buildChoices(bySex: Record<number, readonly string[]>, others: readonly string[]) {
  const choices = new Map<number, WeightedChoice<string>>()
  for (const decade of DECADES) {
    const listed = weighByRank(bySex[decade]!, LISTED_SHARE[decade]!)
    const pool = weighByRank(others, 1 - LISTED_SHARE[decade]!)
    // A name in both the decade's list and the pool gets both weights.
    const merged = new Map<string, number>()
    for (const [name, weight] of [...listed, ...pool]) merged.set(name, (merged.get(name) ?? 0) + weight)
    choices.set(decade, new WeightedChoice([...merged]))
  }
  return choices
}

const FEMALE_CHOICES = buildChoices(FEMALE_BY_DECADE, OTHER_FEMALE)
const MALE_CHOICES = buildChoices(MALE_BY_DECADE, OTHER_MALE)
const TRADITION_CHOICES = {
  muslim: {
    F: new WeightedChoice(weighByRank(MUSLIM_FEMALE, 1)),
    M: new WeightedChoice(weighByRank(MUSLIM_MALE, 1)),
  },
  sikh: {
    F: new WeightedChoice(weighByRank(SIKH_FEMALE, 1)),
    M: new WeightedChoice(weighByRank(SIKH_MALE, 1)),
  },
  hindu: {
    F: new WeightedChoice(weighByRank(HINDU_FEMALE, 1)),
    M: new WeightedChoice(weighByRank(HINDU_MALE, 1)),
  },
}

export type NamingTradition = 'english' | keyof typeof TRADITION_CHOICES

export function givenNameChoice(
  sex: Sex,
  birthYear: number,
  tradition: NamingTradition,
): WeightedChoice<string> {
  if (tradition !== 'english') return TRADITION_CHOICES[tradition][sex]
  return (sex === 'F' ? FEMALE_CHOICES : MALE_CHOICES).get(decadeOf(birthYear))!
}
