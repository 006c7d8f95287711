import { describe, expect, it } from 'vitest';
import { DrugClass, isStricterOrEqual, Schedule, scheduleLabel, scheduleNumber } from './schedule';

describe('schedule helpers', () => {
  it.each([
    ['CII', 2, 'Schedule II'],
    ['CIII', 3, 'Schedule III'],
    ['CIV', 4, 'Schedule IV'],
    ['CV', 5, 'Schedule V'],
  ] as const)('%s is number %i and label %s', (s, n, label) => {
    expect(scheduleNumber(s)).toBe(n);
    expect(scheduleLabel(s)).toBe(label);
  });

  it.each([
    ['CII', 'CV', true],
    ['CIII', 'CIII', true],
    ['CV', 'CII', false],
    ['CIV', 'CIII', false],
  ] as const)('%s stricter or equal to %s: %s', (a, b, expected) => {
    expect(isStricterOrEqual(a, b)).toBe(expected);
  });

  it('rejects Schedule I and unknown values at the boundary', () => {
    expect(Schedule.safeParse('CI').success).toBe(false);
    expect(Schedule.safeParse('C2').success).toBe(false);
    expect(DrugClass.safeParse('opioid').success).toBe(true);
    expect(DrugClass.safeParse('antibiotic').success).toBe(false);
  });
});
