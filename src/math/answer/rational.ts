/**
 * Exact rational numbers over BigInt. Answers are compared exactly whenever both sides are
 * rational (20! and 20! + 1 must differ, which a float tolerance would not see), and the task
 * family computes its answers with them so that an answer is never a rounded float.
 */

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

function abs(value: bigint): bigint {
  return value < 0n ? -value : value;
}

export class Rational {
  /** Always in lowest terms with a positive denominator. */
  readonly num: bigint;
  readonly den: bigint;

  private constructor(num: bigint, den: bigint) {
    this.num = num;
    this.den = den;
  }

  static of(num: bigint | number, den: bigint | number = 1n): Rational {
    const n = BigInt(num);
    const d = BigInt(den);
    if (d === 0n) throw new RangeError('a rational number cannot have a zero denominator');
    const divisor = gcd(n, d) || 1n;
    const sign = d < 0n ? -1n : 1n;
    return new Rational((sign * n) / divisor, (sign * d) / divisor);
  }

  static readonly ZERO = Rational.of(0n);
  static readonly ONE = Rational.of(1n);

  /** `12`, `-3.25`, `.5`, `4.` as exact values; undefined for anything else. */
  static parseDecimal(text: string): Rational | undefined {
    const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
    if (!match || (match[2] === '' && (match[3] ?? '') === '')) return undefined;
    const digits = `${match[2]}${match[3] ?? ''}` || '0';
    const scale = 10n ** BigInt((match[3] ?? '').length);
    const value = Rational.of(BigInt(digits), scale);
    return match[1] === '-' ? value.neg() : value;
  }

  add(other: Rational): Rational {
    return Rational.of(this.num * other.den + other.num * this.den, this.den * other.den);
  }

  sub(other: Rational): Rational {
    return this.add(other.neg());
  }

  mul(other: Rational): Rational {
    return Rational.of(this.num * other.num, this.den * other.den);
  }

  /** Throws a RangeError on division by zero. */
  div(other: Rational): Rational {
    return Rational.of(this.num * other.den, this.den * other.num);
  }

  neg(): Rational {
    return new Rational(-this.num, this.den);
  }

  /** Integer powers only; a negative exponent inverts (and throws on zero). */
  pow(exponent: bigint): Rational {
    if (exponent < 0n) return Rational.ONE.div(this.pow(-exponent));
    return Rational.of(this.num ** exponent, this.den ** exponent);
  }

  isInteger(): boolean {
    return this.den === 1n;
  }

  isZero(): boolean {
    return this.num === 0n;
  }

  equals(other: Rational): boolean {
    return this.num === other.num && this.den === other.den;
  }

  /** −1, 0 or 1. */
  compare(other: Rational): number {
    const difference = this.num * other.den - other.num * this.den;
    return difference < 0n ? -1 : difference > 0n ? 1 : 0;
  }

  abs(): Rational {
    return new Rational(abs(this.num), this.den);
  }

  /** The exact square root when this is the square of a rational, else undefined. */
  sqrt(): Rational | undefined {
    if (this.num < 0n) return undefined;
    const rootNum = integerSqrt(this.num);
    const rootDen = integerSqrt(this.den);
    return rootNum * rootNum === this.num && rootDen * rootDen === this.den ? Rational.of(rootNum, rootDen) : undefined;
  }

  toNumber(): number {
    // Dividing two huge BigInts as Numbers overflows to Infinity/Infinity; scale first.
    const bits = Math.max(abs(this.num).toString(2).length, this.den.toString(2).length);
    if (bits < 1000) return Number(this.num) / Number(this.den);
    const shift = BigInt(bits - 900);
    return Number(this.num >> shift) / Number(this.den >> shift);
  }

  /** `7`, `-3/4`. */
  toString(): string {
    return this.den === 1n ? this.num.toString() : `${this.num}/${this.den}`;
  }

  /** `7`, `\frac{3}{4}`, `-\frac{3}{4}`: the form answers are written in. */
  toLatex(): string {
    if (this.den === 1n) return this.num.toString();
    const sign = this.num < 0n ? '-' : '';
    return `${sign}\\frac{${abs(this.num)}}{${this.den}}`;
  }
}

function integerSqrt(value: bigint): bigint {
  if (value < 2n) return value;
  // Newton's method from an over-estimate converges downwards to floor(sqrt(value)).
  let x = 1n << BigInt(Math.ceil(value.toString(2).length / 2));
  for (;;) {
    const next = (x + value / x) / 2n;
    if (next >= x) return x;
    x = next;
  }
}
