import { describe, expect, it } from 'vitest';
import { isoDate, numberOf, splitName } from './adapter';

describe('field helpers', () => {
  it.each([
    ['#40', 40],
    ['40', 40],
    [' 30 tabs', 30],
    ['2.5', 2.5],
    ['0', undefined],
    ['abc', undefined],
    [undefined, undefined],
  ])('numberOf(%j) → %j', (text, n) => {
    expect(numberOf(text)).toBe(n);
  });
  it.each([
    ['04/09/1961', '1961-04-09'],
    ['4/9/1961 (65 y)', '1961-04-09'],
    ['1961-04-09', '1961-04-09'],
    ['April 9', undefined],
  ])('isoDate(%j) → %j', (text, iso) => {
    expect(isoDate(text)).toBe(iso);
  });
  it.each([
    ['Testwell, Morgan', { given: 'Morgan', family: 'Testwell' }],
    ['Testwell, Morgan A', { given: 'Morgan', family: 'Testwell' }],
    ['Morgan Testwell', { given: 'Morgan', family: 'Testwell' }],
    ['Morgan', undefined],
    [',', undefined],
  ])('splitName(%j)', (text, parts) => {
    expect(splitName(text)).toEqual(parts);
  });
});
