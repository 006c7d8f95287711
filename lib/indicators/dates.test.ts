import { describe, expect, it } from 'vitest';
import { dayNumber, isoDay, localToday } from './dates';

describe('calendar days', () => {
  it.each([
    ['1970-01-01', 0],
    ['2024-02-29', 19782],
    ['2026-03-01', 20513],
    ['2026-03-01T23:59:00-05:00', 20513],
  ])('%s is day %d and back', (iso, day) => {
    expect(dayNumber(iso)).toBe(day);
    expect(isoDay(day)).toBe(iso.slice(0, 10));
  });

  it.each(['2026-02-29', '2025-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-1-1', 'yesterday', ''])('%s is no date', (iso) => {
    expect(dayNumber(iso)).toBeNaN();
  });

  it('takes today in local time, not UTC', () => {
    expect(localToday(new Date(2026, 0, 31, 23, 30))).toBe('2026-01-31');
  });
});
