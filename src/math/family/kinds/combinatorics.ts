/**
 * Counting problems: arrangements, selections and independent choices (easy), committees from two groups and ordered
 * offices (medium), arrangements of a word with repeated letters and "at least one" counts by the
 * complement (hard). Small enough that a test can count them by brute force.
 */
import type { SeededRandom } from '../../../util/seeded-random.js';
import type { ExpertStep, GeneratedProblem, MathTier, ProblemKind } from '../problem-kind.js';

function factorial(n: number): bigint {
  let product = 1n;
  for (let i = 2n; i <= BigInt(n); i += 1n) product *= i;
  return product;
}

function choose(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  return factorial(n) / (factorial(k) * factorial(n - k));
}

const THINGS = ['books', 'paintings', 'trophies', 'plants', 'photos', 'mugs'];
// Words with repeated letters, at most 8 long (so a test can list every arrangement).
const WORDS = ['BANANA', 'LETTER', 'COFFEE', 'PEPPER', 'BALLOON', 'CHEESE', 'SUCCESS', 'TOFFEE', 'ASSESS', 'RADAR',
  'LEVEL', 'COOKBOOK', 'APPLE', 'LLAMA', 'GIRAFFE', 'PUZZLE', 'BUBBLE', 'MAMMAL', 'TATTOO', 'ADDRESS', 'ALFALFA',
  'BOTTLE', 'KETTLE', 'PARROT', 'CARROT', 'MIRROR', 'REFEREE', 'TEEPEE', 'NOODLE', 'BALLET', 'RATTLE', 'MUFFIN',
  'HAMMER', 'SUMMER', 'MISSES', 'PAPAYA'];

function arrangements(random: SeededRandom): GeneratedProblem {
  const n = random.int(3, 8);
  const things = random.pick(THINGS);
  const total = factorial(n);
  const product = Array.from({ length: n }, (_, i) => n - i).join(' \\times ');
  const steps: ExpertStep[] = [
    { title: 'Recognise an ordering', action: `Every order of the ${n} different ${things} is a different arrangement, so we count permutations of ${n} objects.` },
    { title: 'Multiply the choices for each place', action: `There are ${n} choices for the first place, ${n - 1} for the second, and so on: $${n}! = ${product} = ${total}$.` },
    { title: 'State the answer', action: `There are $\\boxed{${total}}$ arrangements.` },
  ];
  return { problem: `In how many different orders can ${n} different ${things} be placed in a row on a shelf?`, steps, answer: String(total), spec: { count: 'arrangements', n } };
}

function selections(random: SeededRandom): GeneratedProblem {
  const n = random.int(5, 20);
  const k = random.int(2, Math.min(6, n - 1));
  const total = choose(n, k);
  const steps: ExpertStep[] = [
    { title: 'Recognise a selection', action: `The order of the chosen students does not matter, so we count combinations: $\\binom{${n}}{${k}}$.` },
    { title: 'Apply the formula', action: `$\\binom{${n}}{${k}} = \\frac{${n}!}{${k}!\\,${n - k}!} = \\frac{${factorial(n) / factorial(n - k)}}{${factorial(k)}} = ${total}$.` },
    { title: 'State the answer', action: `There are $\\boxed{${total}}$ ways.` },
  ];
  return { problem: `In how many ways can a teacher choose ${k} students from a class of ${n} to form a team?`, steps, answer: String(total), spec: { count: 'choose', n, k } };
}

function menuChoices(random: SeededRandom): GeneratedProblem {
  const [starters, mains, desserts] = [random.int(2, 8), random.int(2, 8), random.int(2, 8)];
  const total = starters * mains * desserts;
  const steps: ExpertStep[] = [
    { title: 'Recognise independent choices', action: 'A meal is one starter, one main course and one dessert, each chosen regardless of the others.' },
    { title: 'Multiply the numbers of options', action: `By the multiplication principle: $${starters} \\times ${mains} \\times ${desserts} = ${total}$.` },
    { title: 'State the answer', action: `There are $\\boxed{${total}}$ different meals.` },
  ];
  return {
    problem: `A café offers ${starters} starters, ${mains} main courses and ${desserts} desserts. How many different meals of one starter, one main course and one dessert can be ordered?`,
    steps,
    answer: String(total),
    spec: { count: 'product', choices: [starters, mains, desserts] },
  };
}

function committees(random: SeededRandom): GeneratedProblem {
  const girls = random.int(3, 7);
  const boys = random.int(3, 7);
  const takeGirls = random.int(1, Math.min(3, girls - 1));
  const takeBoys = random.int(1, Math.min(3, boys - 1));
  const a = choose(girls, takeGirls);
  const b = choose(boys, takeBoys);
  const steps: ExpertStep[] = [
    { title: 'Choose the girls', action: `$\\binom{${girls}}{${takeGirls}} = ${a}$ ways.` },
    { title: 'Choose the boys', action: `$\\binom{${boys}}{${takeBoys}} = ${b}$ ways.` },
    { title: 'Multiply the independent choices', action: `Any choice of girls goes with any choice of boys: $${a} \\times ${b} = ${a * b}$.` },
    { title: 'State the answer', action: `There are $\\boxed{${a * b}}$ committees.` },
  ];
  return {
    problem: `A club has ${girls} girls and ${boys} boys. How many committees can be formed with exactly ${takeGirls} girl${takeGirls === 1 ? '' : 's'} and ${takeBoys} boy${takeBoys === 1 ? '' : 's'}?`,
    steps,
    answer: String(a * b),
    spec: { count: 'committee', girls, boys, takeGirls, takeBoys },
  };
}

function offices(random: SeededRandom): GeneratedProblem {
  const n = random.int(5, 12);
  const k = 3;
  const total = BigInt(n * (n - 1) * (n - 2));
  const steps: ExpertStep[] = [
    { title: 'Recognise that order matters', action: 'The three offices are different, so the same three people in different offices count as different choices.' },
    { title: 'Fill the offices one by one', action: `${n} people can be president, then ${n - 1} remain for vice-president and ${n - 2} for treasurer: $${n} \\times ${n - 1} \\times ${n - 2} = ${total}$.` },
    { title: 'State the answer', action: `There are $\\boxed{${total}}$ ways.` },
  ];
  return { problem: `A society of ${n} members elects a president, a vice-president and a treasurer, three different people. In how many ways can this be done?`, steps, answer: String(total), spec: { count: 'permutations', n, k } };
}

function wordArrangements(random: SeededRandom): GeneratedProblem {
  const word = random.pick(WORDS);
  const counts = new Map<string, number>();
  for (const letter of word) counts.set(letter, (counts.get(letter) ?? 0) + 1);
  const repeated = [...counts].filter(([, count]) => count > 1);
  const denominator = repeated.reduce((product, [, count]) => product * factorial(count), 1n);
  const total = factorial(word.length) / denominator;
  const listing = [...counts].map(([letter, count]) => `${letter} ${count === 1 ? 'once' : count === 2 ? 'twice' : `${count} times`}`).join(', ');
  const steps: ExpertStep[] = [
    { title: 'Count the letters', action: `${word} has ${word.length} letters: ${listing}.` },
    { title: 'Arrange as if all were different', action: `$${word.length}! = ${factorial(word.length)}$ orders.` },
    {
      title: 'Divide out the repeated letters',
      action: `Swapping equal letters gives the same word, so divide by $${repeated.map(([, count]) => `${count}!`).join(' \\cdot ')}$: $\\frac{${factorial(word.length)}}{${denominator}} = ${total}$.`,
    },
    { title: 'State the answer', action: `There are $\\boxed{${total}}$ distinct arrangements.` },
  ];
  return { problem: `How many distinct arrangements of the letters of the word ${word} are there?`, steps, answer: String(total), spec: { count: 'word', word } };
}

function atLeastOne(random: SeededRandom): GeneratedProblem {
  const women = random.int(2, 8);
  const men = random.int(3, 9);
  const size = random.int(2, Math.min(5, men));
  const all = choose(women + men, size);
  const none = choose(men, size);
  const steps: ExpertStep[] = [
    { title: 'Count all committees', action: `Choosing ${size} of the ${women + men} people: $\\binom{${women + men}}{${size}} = ${all}$.` },
    { title: 'Count the committees with no woman', action: `All ${size} from the ${men} men: $\\binom{${men}}{${size}} = ${none}$.` },
    { title: 'Subtract the complement', action: `Committees with at least one woman: $${all} - ${none} = ${all - none}$.` },
    { title: 'State the answer', action: `There are $\\boxed{${all - none}}$ committees.` },
  ];
  return {
    problem: `From ${women} women and ${men} men, a committee of ${size} people is chosen. How many such committees include at least one woman?`,
    steps,
    answer: String(all - none),
    spec: { count: 'at-least-one', women, men, size },
  };
}

export const combinatoricsKind: ProblemKind = {
  name: 'combinatorics',
  generate(random: SeededRandom, tier: MathTier): GeneratedProblem {
    if (tier === 'easy') return random.pick([arrangements, selections, menuChoices])(random);
    if (tier === 'medium') return random.chance(0.5) ? committees(random) : offices(random);
    return random.chance(0.5) ? wordArrangements(random) : atLeastOne(random);
  },
};
