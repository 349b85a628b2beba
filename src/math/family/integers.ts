/** Small-integer helpers shared by the problem kinds (their numbers stay far below 2^53). */

export function gcd(a: number, b: number): number {
  return b === 0 ? Math.abs(a) : gcd(b, a % b);
}

export function lcm(a: number, b: number): number {
  return (a / gcd(a, b)) * b;
}

/** The least non-negative residue of a modulo m. */
export function mod(a: number, m: number): number {
  return ((a % m) + m) % m;
}
