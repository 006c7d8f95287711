import { describe, expect, it } from 'vitest';
import { periods, stretches, type Interval } from './sweep';

const iv = (id: string, start: number, end: number): Interval => ({ id, start, end });

/**
 * The definition, day by day: for every day, the intervals covering it in the order they joined
 * (ties in the order given); runs of days with the same set are one stretch.
 */
function naive(intervals: readonly Interval[]): { from: number; to: number; ids: string[] }[] {
  const valid = intervals.filter((i) => Number.isFinite(i.start) && Number.isFinite(i.end) && i.end >= i.start);
  if (valid.length === 0) return [];
  const first = Math.min(...valid.map((i) => i.start));
  const last = Math.max(...valid.map((i) => i.end));
  const joined = [...valid].sort((a, b) => a.start - b.start);
  const out: { from: number; to: number; ids: string[] }[] = [];
  let previous: Set<Interval> | undefined;
  for (let day = first; day <= last; day++) {
    const on = new Set(joined.filter((i) => i.start <= day && i.end >= day));
    const same = previous !== undefined && previous.size === on.size && [...on].every((i) => previous?.has(i));
    const boundary = valid.some((i) => i.start === day || i.end + 1 === day);
    previous = on;
    if (on.size === 0) continue;
    const tail = out[out.length - 1];
    if (tail && same && !boundary && tail.to + 1 === day) tail.to = day;
    else out.push({ from: day, to: day, ids: joined.filter((i) => on.has(i)).map((i) => i.id) });
  }
  return out;
}

const shape = (list: ReturnType<typeof stretches>): { from: number; to: number; ids: string[] }[] =>
  list.map((s) => ({ from: s.from, to: s.to, ids: s.active.map((i) => i.id) }));

describe('stretches', () => {
  it('splits where the set of active intervals changes and skips gaps', () => {
    expect(shape(stretches([iv('a', 0, 9), iv('b', 5, 14), iv('c', 20, 21)]))).toEqual([
      { from: 0, to: 4, ids: ['a'] },
      { from: 5, to: 9, ids: ['a', 'b'] },
      { from: 10, to: 14, ids: ['b'] },
      { from: 20, to: 21, ids: ['c'] },
    ]);
  });

  it('keeps the given order among intervals starting on the same day, and ends an interval the day after its last', () => {
    expect(shape(stretches([iv('z', 3, 3), iv('a', 3, 4), iv('m', 1, 3)]))).toEqual([
      { from: 1, to: 2, ids: ['m'] },
      { from: 3, to: 3, ids: ['m', 'z', 'a'] },
      { from: 4, to: 4, ids: ['a'] },
    ]);
  });

  it('splits at a boundary even when the set is equal on both sides (one interval ends, an identical one starts)', () => {
    const a = iv('a', 0, 4);
    const b = iv('b', 5, 9);
    expect(shape(stretches([a, b]))).toEqual([
      { from: 0, to: 4, ids: ['a'] },
      { from: 5, to: 9, ids: ['b'] },
    ]);
  });

  it.each([
    ['nothing', []],
    ['an interval ending before it starts', [iv('x', 5, 4)]],
    ['NaN and infinite days', [iv('x', Number.NaN, 3), iv('y', 0, Number.POSITIVE_INFINITY), iv('z', Number.NEGATIVE_INFINITY, 1)]],
  ])('ignores %s', (_label, list) => {
    expect(stretches(list)).toEqual([]);
  });

  it('agrees with the day-by-day definition on random intervals', () => {
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return Math.floor((seed / 2_147_483_648) * n);
    };
    for (let run = 0; run < 200; run++) {
      const list = Array.from({ length: 1 + random(25) }, (_, k) => {
        const start = random(120) - 20;
        return iv(`i${String(k)}`, start, start + random(40) - 2);
      });
      expect(shape(stretches(list))).toEqual(naive(list));
    }
  });
});

describe('periods', () => {
  it('merges adjacent kept stretches and collects their ids once', () => {
    const list = stretches([iv('a', 0, 9), iv('b', 5, 14), iv('c', 16, 20)]);
    expect(periods(list, (s) => (s.active.length > 0 ? s.active : null))).toEqual([
      { from: 0, to: 14, ids: ['a', 'b'] },
      { from: 16, to: 20, ids: ['c'] },
    ]);
    expect(periods(list, (s) => (s.active.length > 1 ? s.active : null))).toEqual([{ from: 5, to: 9, ids: ['a', 'b'] }]);
  });
});
