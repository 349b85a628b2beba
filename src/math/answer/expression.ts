/**
 * A small parser and evaluator for the answer expressions math benchmarks use: numbers, + − × ÷,
 * powers, `\frac`, `\sqrt` (and `\sqrt[n]`), `\pi`, `\binom`, `!`, a few functions, implicit
 * multiplication (`2\sqrt{3}`, `3\pi`, `2x`) and variables. It stands in for the sympy step of
 * the Qwen2.5-Math checker: values stay exact rationals as long as the expression allows, and
 * become floats only when it does not (`\sqrt{2}`, `\pi`).
 *
 * The input is a normalized answer (see normalize.ts): no spaces, `\dfrac` written `\frac`,
 * `\left`/`\right` gone.
 */
import { Rational } from './rational.js';

export type ExpressionNode =
  | { type: 'number'; value: Rational; /** Digits after the point, when written as a decimal. */ decimals?: number }
  | { type: 'pi' }
  | { type: 'variable'; name: string }
  | { type: 'negate'; operand: ExpressionNode }
  | { type: 'binary'; operator: '+' | '-' | '*' | '/' | '^'; left: ExpressionNode; right: ExpressionNode }
  | { type: 'root'; operand: ExpressionNode; index: ExpressionNode | undefined }
  | { type: 'function'; name: string; operand: ExpressionNode }
  | { type: 'factorial'; operand: ExpressionNode }
  | { type: 'binomial'; n: ExpressionNode; k: ExpressionNode };

const FUNCTIONS: Readonly<Record<string, (x: number) => number>> = {
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  sec: (x) => 1 / Math.cos(x),
  csc: (x) => 1 / Math.sin(x),
  cot: (x) => 1 / Math.tan(x),
  arcsin: Math.asin,
  arccos: Math.acos,
  arctan: Math.atan,
  ln: Math.log,
  log: Math.log10,
  exp: Math.exp,
};

const GREEK = new Set([
  'alpha', 'beta', 'gamma', 'delta', 'epsilon', 'varepsilon', 'zeta', 'eta', 'theta', 'vartheta', 'iota', 'kappa',
  'lambda', 'mu', 'nu', 'xi', 'rho', 'sigma', 'tau', 'upsilon', 'phi', 'varphi', 'chi', 'psi', 'omega',
]);

type Token =
  | { kind: 'number'; text: string }
  | { kind: 'command'; name: string }
  | { kind: 'letter'; name: string }
  | { kind: 'symbol'; text: string };

function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const number = /^(?:\d+(?:\.\d*)?|\.\d+)/.exec(rest);
    if (number) {
      tokens.push({ kind: 'number', text: number[0] });
      i += number[0].length;
      continue;
    }
    const command = /^\\([a-zA-Z]+)/.exec(rest);
    if (command) {
      tokens.push({ kind: 'command', name: command[1]! });
      i += command[0].length;
      continue;
    }
    const char = text[i]!;
    if (char === ' ') {
      // Kept by normalization only where it ends a command name (`\frac x2`).
      i += 1;
      continue;
    }
    if (/[a-zA-Z]/.test(char)) tokens.push({ kind: 'letter', name: char });
    else if ('+-*/^(){}[]!'.includes(char)) tokens.push({ kind: 'symbol', text: char });
    else return undefined;
    i += 1;
  }
  return tokens;
}

class ParseFailure extends Error {}

class Parser {
  private position = 0;

  constructor(private readonly tokens: Token[]) {}

  parseAll(): ExpressionNode {
    const node = this.expression();
    if (this.position !== this.tokens.length) throw new ParseFailure('trailing input');
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private isSymbol(text: string): boolean {
    const token = this.peek();
    return token?.kind === 'symbol' && token.text === text;
  }

  private isCommand(...names: string[]): boolean {
    const token = this.peek();
    return token?.kind === 'command' && names.includes(token.name);
  }

  private expect(text: string): void {
    if (!this.isSymbol(text)) throw new ParseFailure(`expected ${text}`);
    this.position += 1;
  }

  private expression(): ExpressionNode {
    let left = this.term();
    while (this.isSymbol('+') || this.isSymbol('-')) {
      const operator = (this.tokens[this.position++] as { text: '+' | '-' }).text;
      left = { type: 'binary', operator, left, right: this.term() };
    }
    return left;
  }

  private term(): ExpressionNode {
    let left = this.unary();
    for (;;) {
      if (this.isSymbol('*') || this.isCommand('cdot', 'times')) {
        this.position += 1;
        left = { type: 'binary', operator: '*', left, right: this.unary() };
      } else if (this.isSymbol('/') || this.isCommand('div')) {
        this.position += 1;
        left = { type: 'binary', operator: '/', left, right: this.unary() };
      } else if (this.startsPrimary()) {
        const right = this.power();
        left = mixedNumber(left, right) ?? { type: 'binary', operator: '*', left, right };
      } else {
        return left;
      }
    }
  }

  private unary(): ExpressionNode {
    if (this.isSymbol('-')) {
      this.position += 1;
      return { type: 'negate', operand: this.unary() };
    }
    if (this.isSymbol('+')) {
      this.position += 1;
      return this.unary();
    }
    return this.power();
  }

  private power(): ExpressionNode {
    let base = this.postfix(this.primary());
    if (this.isSymbol('^')) {
      this.position += 1;
      const exponent = this.isSymbol('-') ? (this.position++, { type: 'negate' as const, operand: this.postfix(this.primary()) }) : this.postfix(this.primary());
      base = { type: 'binary', operator: '^', left: base, right: exponent };
    }
    return base;
  }

  private postfix(node: ExpressionNode): ExpressionNode {
    let result = node;
    while (this.isSymbol('!')) {
      this.position += 1;
      result = { type: 'factorial', operand: result };
    }
    return result;
  }

  private startsPrimary(): boolean {
    const token = this.peek();
    if (!token) return false;
    if (token.kind === 'number' || token.kind === 'letter') return true;
    if (token.kind === 'symbol') return token.text === '(' || token.text === '{' || token.text === '[';
    return token.name !== 'cdot' && token.name !== 'times' && token.name !== 'div';
  }

  /** A `{…}` group, or a single token (LaTeX's `\frac12`, `\sqrt2`). */
  private argument(): ExpressionNode {
    if (this.isSymbol('{')) {
      this.position += 1;
      const inner = this.expression();
      this.expect('}');
      return inner;
    }
    const token = this.peek();
    if (token?.kind === 'number') {
      // `\frac12` is 1/2: a bare argument is one digit.
      this.position += 1;
      const digit = token.text[0]!;
      if (token.text.length > 1) this.tokens.splice(this.position, 0, { kind: 'number', text: token.text.slice(1) });
      return { type: 'number', value: Rational.of(BigInt(digit)) };
    }
    return this.primary();
  }

  private primary(): ExpressionNode {
    const token = this.peek();
    if (!token) throw new ParseFailure('unexpected end');
    this.position += 1;
    if (token.kind === 'number') {
      const value = Rational.parseDecimal(token.text);
      if (!value) throw new ParseFailure(`bad number ${token.text}`);
      const point = token.text.indexOf('.');
      return point < 0 ? { type: 'number', value } : { type: 'number', value, decimals: token.text.length - point - 1 };
    }
    if (token.kind === 'letter') return { type: 'variable', name: token.name };
    if (token.kind === 'symbol') {
      const close = token.text === '(' ? ')' : token.text === '{' ? '}' : token.text === '[' ? ']' : undefined;
      if (!close) throw new ParseFailure(`unexpected ${token.text}`);
      const inner = this.expression();
      this.expect(close);
      return inner;
    }
    const name = token.name;
    if (name === 'pi') return { type: 'pi' };
    if (GREEK.has(name)) return { type: 'variable', name: `\\${name}` };
    if (name === 'frac') {
      const numerator = this.argument();
      return { type: 'binary', operator: '/', left: numerator, right: this.argument() };
    }
    if (name === 'binom') {
      const n = this.argument();
      return { type: 'binomial', n, k: this.argument() };
    }
    if (name === 'sqrt') {
      let index: ExpressionNode | undefined;
      if (this.isSymbol('[')) {
        this.position += 1;
        index = this.expression();
        this.expect(']');
      }
      return { type: 'root', operand: this.argument(), index };
    }
    if (name in FUNCTIONS) {
      // `\sin^2x` is (sin x)^2.
      let exponent: ExpressionNode | undefined;
      if (this.isSymbol('^')) {
        this.position += 1;
        exponent = this.argument();
      }
      const operand = this.isSymbol('(') ? this.primary() : this.power();
      const call: ExpressionNode = { type: 'function', name, operand };
      return exponent ? { type: 'binary', operator: '^', left: call, right: exponent } : call;
    }
    throw new ParseFailure(`unknown command \\${name}`);
  }
}

/** `2\frac{1}{2}` is the mixed number 2½, as answers write it, not 2 × ½. */
function mixedNumber(left: ExpressionNode, right: ExpressionNode): ExpressionNode | undefined {
  const whole = left.type === 'negate' ? left.operand : left;
  const isPlainInteger = (node: ExpressionNode): boolean => node.type === 'number' && node.decimals === undefined && node.value.isInteger();
  if (!isPlainInteger(whole)) return undefined;
  if (right.type !== 'binary' || right.operator !== '/' || !isPlainInteger(right.left) || !isPlainInteger(right.right)) return undefined;
  const sum: ExpressionNode = { type: 'binary', operator: '+', left: whole, right };
  return left.type === 'negate' ? { type: 'negate', operand: sum } : sum;
}

const MAX_EXPRESSION_LENGTH = 2000;

/** The expression tree of `text`, or undefined when it is not an expression this parser reads. */
export function parseExpression(text: string): ExpressionNode | undefined {
  // No real answer is this long; a pathological one (thousands of nested brackets) must not
  // exhaust the stack of this recursive parser.
  if (text === '' || text.length > MAX_EXPRESSION_LENGTH) return undefined;
  const tokens = tokenize(text);
  if (!tokens) return undefined;
  try {
    return new Parser(tokens).parseAll();
  } catch (error) {
    if (error instanceof ParseFailure) return undefined;
    throw error;
  }
}

export function freeVariables(node: ExpressionNode, into = new Set<string>()): Set<string> {
  switch (node.type) {
    case 'variable':
      into.add(node.name);
      break;
    case 'negate':
    case 'factorial':
    case 'function':
      freeVariables(node.operand, into);
      break;
    case 'binary':
      freeVariables(node.left, into);
      freeVariables(node.right, into);
      break;
    case 'root':
      freeVariables(node.operand, into);
      if (node.index) freeVariables(node.index, into);
      break;
    case 'binomial':
      freeVariables(node.n, into);
      freeVariables(node.k, into);
      break;
    default:
      break;
  }
  return into;
}

export interface ExpressionValue {
  /** Set while every operation so far was exact. */
  exact?: Rational;
  approx: number;
  /** Digits after the decimal point when the whole expression is one decimal literal (`0.333`, `-2.50`). */
  decimals?: number;
}

// Results past these sizes are evaluated approximately (or not at all): an answer like 10^{10^6}
// must not hang the checker.
const MAX_EXACT_BITS = 100_000;
const MAX_FACTORIAL = 2000n;

function exactValue(value: Rational): ExpressionValue {
  return { exact: value, approx: value.toNumber() };
}

function approxValue(value: number): ExpressionValue | undefined {
  return Number.isNaN(value) ? undefined : { approx: value };
}

function bitLength(value: Rational): number {
  return Math.max((value.num < 0n ? -value.num : value.num).toString(2).length, value.den.toString(2).length);
}

function exactRoot(value: Rational, index: bigint): Rational | undefined {
  if (index === 2n) return value.sqrt();
  if (value.num < 0n && index % 2n === 0n) return undefined;
  const guess = Math.round(Math.sign(value.toNumber()) * Math.abs(value.toNumber()) ** (1 / Number(index)) * 1e6) / 1e6;
  const candidate = Rational.parseDecimal(guess.toFixed(6));
  return candidate && candidate.pow(index).equals(value) ? candidate : undefined;
}

/**
 * The value of an expression, with variables taken from `env`; undefined when it has a variable
 * `env` lacks or is not a number (a division by zero, a negative square root).
 */
export function evaluateExpression(node: ExpressionNode, env: ReadonlyMap<string, Rational> = new Map()): ExpressionValue | undefined {
  switch (node.type) {
    case 'number':
      return node.decimals === undefined ? exactValue(node.value) : { ...exactValue(node.value), decimals: node.decimals };
    case 'pi':
      return { approx: Math.PI };
    case 'variable': {
      const value = env.get(node.name);
      return value ? exactValue(value) : undefined;
    }
    case 'negate': {
      const operand = evaluateExpression(node.operand, env);
      if (!operand) return undefined;
      const negated: ExpressionValue = operand.exact ? exactValue(operand.exact.neg()) : { approx: -operand.approx };
      if (operand.decimals !== undefined) negated.decimals = operand.decimals;
      return negated;
    }
    case 'binary':
      return evaluateBinary(node.operator, node.left, node.right, env);
    case 'root': {
      const operand = evaluateExpression(node.operand, env);
      const index = node.index ? evaluateExpression(node.index, env) : exactValue(Rational.of(2n));
      if (!operand || !index) return undefined;
      if (operand.exact && index.exact?.isInteger() && index.exact.num > 0n && index.exact.num <= 64n) {
        const root = exactRoot(operand.exact, index.exact.num);
        if (root) return exactValue(root);
      }
      const odd = index.exact?.isInteger() === true && index.exact.num % 2n === 1n;
      if (operand.approx < 0 && !odd) return undefined;
      return approxValue(Math.sign(operand.approx) * Math.abs(operand.approx) ** (1 / index.approx));
    }
    case 'function': {
      const operand = evaluateExpression(node.operand, env);
      return operand ? approxValue(FUNCTIONS[node.name]!(operand.approx)) : undefined;
    }
    case 'factorial': {
      const operand = evaluateExpression(node.operand, env);
      if (!operand?.exact?.isInteger() || operand.exact.num < 0n || operand.exact.num > MAX_FACTORIAL) return undefined;
      let product = 1n;
      for (let i = 2n; i <= operand.exact.num; i += 1n) product *= i;
      return exactValue(Rational.of(product));
    }
    case 'binomial': {
      const n = evaluateExpression(node.n, env);
      const k = evaluateExpression(node.k, env);
      if (!n?.exact?.isInteger() || !k?.exact?.isInteger() || n.exact.num < 0n || n.exact.num > 10_000n) return undefined;
      if (k.exact.num < 0n || k.exact.num > n.exact.num) return exactValue(Rational.ZERO);
      let result = 1n;
      for (let i = 1n; i <= k.exact.num; i += 1n) result = (result * (n.exact.num - k.exact.num + i)) / i;
      return exactValue(Rational.of(result));
    }
  }
}

function evaluateBinary(operator: '+' | '-' | '*' | '/' | '^', leftNode: ExpressionNode, rightNode: ExpressionNode, env: ReadonlyMap<string, Rational>): ExpressionValue | undefined {
  const left = evaluateExpression(leftNode, env);
  const right = evaluateExpression(rightNode, env);
  if (!left || !right) return undefined;
  const a = left.exact;
  const b = right.exact;
  switch (operator) {
    case '+':
      return a && b ? exactValue(a.add(b)) : approxValue(left.approx + right.approx);
    case '-':
      return a && b ? exactValue(a.sub(b)) : approxValue(left.approx - right.approx);
    case '*':
      return a && b ? exactValue(a.mul(b)) : approxValue(left.approx * right.approx);
    case '/':
      if (right.approx === 0 && (!b || b.isZero())) return undefined;
      return a && b ? exactValue(a.div(b)) : approxValue(left.approx / right.approx);
    case '^': {
      if (a && b?.isInteger()) {
        if (a.isZero() && b.num < 0n) return undefined;
        const exponent = b.num < 0n ? -b.num : b.num;
        if (bitLength(a) * Number(exponent) <= MAX_EXACT_BITS) return exactValue(a.pow(b.num));
      }
      if (a && b && b.den === 2n) {
        const root = a.sqrt();
        if (root && bitLength(root) * Math.abs(Number(b.num)) <= MAX_EXACT_BITS) return exactValue(root.pow(b.num));
      }
      if (left.approx < 0 && !(b?.isInteger() ?? Number.isInteger(right.approx))) return undefined;
      return approxValue(left.approx ** right.approx);
    }
  }
}
