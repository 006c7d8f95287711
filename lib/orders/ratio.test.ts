import { describe, expect, it } from 'vitest';
import { compare, div, fromDecimal, mul, ratio, toNumber } from './ratio';

describe('ratio', () => {
  it.each([
    [0.5, 1, 2],
    [2.5, 5, 2],
    [0.25, 1, 4],
    [4.8, 24, 5],
    [3, 3, 1],
    [0.001, 1, 1000],
  ])('fromDecimal(%d) = %i/%i', (x, n, d) => {
    expect(fromDecimal(x)).toEqual({ n, d });
  });

  it('keeps 24 / (24 / 5) exactly 5', () => {
    const perDay = div(ratio(24), ratio(5));
    expect(toNumber(div(ratio(24), perDay))).toBe(5);
  });

  it('compares exactly', () => {
    expect(compare(ratio(1, 3), ratio(2, 6))).toBe(0);
    expect(compare(ratio(1, 3), ratio(1, 2))).toBe(-1);
    expect(compare(mul(ratio(12), ratio(1, 4)), ratio(3))).toBe(0);
  });

  it('never loops or throws on non-finite input', () => {
    expect(Number.isNaN(toNumber(ratio(Number.NaN)))).toBe(true);
    expect(Number.isNaN(toNumber(div(ratio(1), ratio(0))))).toBe(true);
    expect(Number.isNaN(toNumber(mul(fromDecimal(Number.POSITIVE_INFINITY), ratio(2))))).toBe(true);
  });
});
