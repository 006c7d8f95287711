/**
 * Exact fractions for days-supply arithmetic. q5h is 24/5 doses a day; in floating point
 * 24 / (24 / 5) is not always 5, and a 72-hour rule compares against exactly 3 days.
 */
export interface Ratio {
  readonly n: number;
  readonly d: number;
}

function gcd(a: number, b: number): number {
  // Only integers have a useful gcd; anything else (NaN, the approximate fallback) cancels nothing.
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b)) return 1;
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x === 0 ? 1 : x;
}

const SCALE = 1_000_000;

/** n/d reduced, with the sign on the numerator. Falls back to a 1e-6 approximation past 2^53. */
export function ratio(n: number, d = 1): Ratio {
  if (d === 0 || !Number.isFinite(n) || !Number.isFinite(d)) return { n: Number.NaN, d: 1 };
  if (!Number.isInteger(n) || !Number.isInteger(d) || !Number.isSafeInteger(n) || !Number.isSafeInteger(d)) {
    return fromDecimal(n / d);
  }
  const sign = d < 0 ? -1 : 1;
  const g = gcd(n, d);
  return { n: (sign * n) / g, d: (sign * d) / g };
}

/** A decimal as typed ('2.5', '0.25') as an exact fraction; at most six decimal places are kept. */
export function fromDecimal(x: number): Ratio {
  if (!Number.isFinite(x)) return { n: Number.NaN, d: 1 };
  for (let scale = 1; scale <= SCALE; scale *= 10) {
    const scaled = x * scale;
    const rounded = Math.round(scaled);
    if (Math.abs(scaled - rounded) <= 1e-9 * Math.max(1, Math.abs(scaled)) && Number.isSafeInteger(rounded)) {
      return ratio(rounded, scale);
    }
  }
  const rounded = Math.round(x * SCALE);
  return Number.isSafeInteger(rounded) ? ratio(rounded, SCALE) : { n: x, d: 1 };
}

/** a x b, exact. */
export function mul(a: Ratio, b: Ratio): Ratio {
  // Cross-cancel first so the products stay small.
  const g1 = gcd(a.n, b.d);
  const g2 = gcd(b.n, a.d);
  return ratio((a.n / g1) * (b.n / g2), (a.d / g2) * (b.d / g1));
}

/** a / b, exact; NaN when b is zero. */
export function div(a: Ratio, b: Ratio): Ratio {
  return mul(a, { n: b.d, d: b.n });
}

/** -1, 0 or 1 as a is below, equal to or above b, with no rounding. */
export function compare(a: Ratio, b: Ratio): number {
  const left = a.n * b.d;
  const right = b.n * a.d;
  return left === right ? 0 : left < right ? -1 : 1;
}

/** The smaller of two fractions. */
export function minRatio(a: Ratio, b: Ratio): Ratio {
  return compare(a, b) <= 0 ? a : b;
}

/** The larger of two fractions. */
export function maxRatio(a: Ratio, b: Ratio): Ratio {
  return compare(a, b) >= 0 ? a : b;
}

/** The fraction as a number: round only for display, after every comparison is done. */
export function toNumber(r: Ratio): number {
  return r.n / r.d;
}

/** True for a finite fraction above zero. */
export function isPositive(r: Ratio): boolean {
  return Number.isFinite(r.n) && r.n > 0 && r.d > 0;
}
