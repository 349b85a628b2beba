/**
 * Multi-step arithmetic word problems: a starting amount changed by a chain of everyday events
 * (buying packs, giving some away, losing a fraction, doubling), and for the hard tier an equal
 * share at the end. Every intermediate amount is a whole number.
 */
import type { SeededRandom } from '../../../util/seeded-random.js';
import type { ExpertStep, GeneratedProblem, MathTier, ProblemKind } from '../problem-kind.js';

const PEOPLE = [
  { name: 'Maya', pronoun: 'She' }, { name: 'Omar', pronoun: 'He' }, { name: 'Lena', pronoun: 'She' }, { name: 'Tariq', pronoun: 'He' },
  { name: 'Priya', pronoun: 'She' }, { name: 'Jonas', pronoun: 'He' }, { name: 'Aiko', pronoun: 'She' }, { name: 'Mateo', pronoun: 'He' },
];
const FRIENDS = ['Sam', 'Noor', 'Felix', 'Ines', 'Kofi', 'Rosa', 'Yuki', 'Dev'];
const ITEMS = ['stickers', 'marbles', 'pencils', 'stamps', 'beads', 'trading cards', 'seashells', 'postcards'];
const FRACTIONS = [
  { word: 'half', denominator: 2 },
  { word: 'third', denominator: 3 },
  { word: 'quarter', denominator: 4 },
  { word: 'fifth', denominator: 5 },
];

export type ArithmeticOperation = { op: 'add' | 'sub' | 'mul' | 'div'; n: number };

interface Event {
  sentence: string;
  step: ExpertStep;
  operation: ArithmeticOperation;
  after: number;
}

function buyPacks(random: SeededRandom, amount: number, items: string, pronoun: string): Event {
  const packs = random.int(2, 6);
  const size = random.int(3, 12);
  const added = packs * size;
  const after = amount + added;
  return {
    sentence: `${pronoun} buys ${packs} packs of ${size} ${items}.`,
    step: { title: 'Add the new packs', action: `The packs hold $${packs} \\times ${size} = ${added}$ ${items}, so the total becomes $${amount} + ${added} = ${after}$.` },
    operation: { op: 'add', n: added },
    after,
  };
}

function giveAway(random: SeededRandom, amount: number, items: string, pronoun: string): Event {
  const friend = random.pick(FRIENDS);
  const given = random.int(2, Math.max(2, Math.floor(amount / 2)));
  const after = amount - given;
  return {
    sentence: `${pronoun} gives ${given} ${items} to ${friend}.`,
    step: { title: `Subtract the gift to ${friend}`, action: `Giving away ${given} leaves $${amount} - ${given} = ${after}$ ${items}.` },
    operation: { op: 'sub', n: given },
    after,
  };
}

function receive(random: SeededRandom, amount: number, items: string, pronoun: string): Event {
  const friend = random.pick(FRIENDS);
  const received = random.int(2, 25);
  const after = amount + received;
  return {
    sentence: `${friend} gives ${pronoun === 'She' ? 'her' : 'him'} ${received} more ${items}.`,
    step: { title: `Add the ${items} from ${friend}`, action: `Receiving ${received} more makes $${amount} + ${received} = ${after}$ ${items}.` },
    operation: { op: 'add', n: received },
    after,
  };
}

/** Loses a fraction: only offered when the amount divides evenly. */
function loseFraction(random: SeededRandom, amount: number, items: string, pronoun: string): Event | undefined {
  const fitting = FRACTIONS.filter((fraction) => amount % fraction.denominator === 0 && amount > fraction.denominator);
  if (fitting.length === 0) return undefined;
  const fraction = random.pick(fitting);
  const lost = amount / fraction.denominator;
  const after = amount - lost;
  return {
    sentence: `${pronoun} then loses a ${fraction.word} of all the ${items} ${pronoun === 'She' ? 'she' : 'he'} has.`,
    step: { title: `Remove the lost ${fraction.word}`, action: `A ${fraction.word} of ${amount} is $${amount} \\div ${fraction.denominator} = ${lost}$, which leaves $${amount} - ${lost} = ${after}$.` },
    operation: { op: 'sub', n: lost },
    after,
  };
}

function double(amount: number, items: string, pronoun: string): Event {
  const after = amount * 2;
  return {
    sentence: `${pronoun} doubles the collection at a swap meet.`,
    step: { title: 'Double the collection', action: `Doubling gives $2 \\times ${amount} = ${after}$ ${items}.` },
    operation: { op: 'mul', n: 2 },
    after,
  };
}

const EVENTS_PER_TIER: Readonly<Record<MathTier, number>> = { easy: 2, medium: 3, hard: 4 };

export const arithmeticKind: ProblemKind = {
  name: 'arithmetic',
  generate(random: SeededRandom, tier: MathTier): GeneratedProblem {
    const person = random.pick(PEOPLE);
    const items = random.pick(ITEMS);
    const start = random.int(tier === 'easy' ? 5 : 12, tier === 'hard' ? 90 : 40);
    const sentences = [`${person.name} has ${start} ${items}.`];
    const steps: ExpertStep[] = [{ title: 'Note the starting amount', action: `${person.name} begins with ${start} ${items}.` }];
    const operations: ArithmeticOperation[] = [];
    let amount = start;
    for (let i = 0; i < EVENTS_PER_TIER[tier]; i += 1) {
      const choices: Array<() => Event | undefined> = [
        () => buyPacks(random, amount, items, person.pronoun),
        () => giveAway(random, amount, items, person.pronoun),
        () => receive(random, amount, items, person.pronoun),
      ];
      if (tier !== 'easy') choices.push(() => loseFraction(random, amount, items, person.pronoun));
      if (tier === 'hard' && amount < 200) choices.push(() => double(amount, items, person.pronoun));
      let event: Event | undefined;
      while (!event) event = random.pick(choices)();
      sentences.push(event.sentence);
      steps.push(event.step);
      operations.push(event.operation);
      amount = event.after;
    }
    let answer = amount;
    if (tier === 'hard') {
      const divisors = [2, 3, 4, 5, 6].filter((k) => amount % k === 0);
      const friends = divisors.length > 0 ? random.pick(divisors) : 1;
      if (friends > 1) {
        answer = amount / friends;
        sentences.push(`Finally ${person.pronoun.toLowerCase()} shares all of them equally among ${friends} friends. How many ${items} does each friend get?`);
        steps.push({ title: 'Share equally', action: `Each of the ${friends} friends gets $${amount} \\div ${friends} = ${answer}$ ${items}.` });
        operations.push({ op: 'div', n: friends });
      }
    }
    if (answer === amount) sentences.push(`How many ${items} does ${person.name} have now?`);
    steps.push({ title: 'State the answer', action: `The answer is $\\boxed{${answer}}$.` });
    return { problem: sentences.join(' '), steps, answer: String(answer), spec: { start, operations } };
  },
};
