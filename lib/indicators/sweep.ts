/**
 * A sweep over day intervals: the stretches where the set of active intervals stays the same.
 * Everything that asks "on which days did X and Y overlap" or "what was the total on each day"
 * is a fold over these stretches, in O(n log n) rather than day by day.
 */

export interface Interval {
  id: string;
  /** First and last day covered, as day numbers, inclusive. */
  start: number;
  end: number;
}

export interface Stretch<T extends Interval> {
  from: number;
  to: number;
  active: readonly T[];
}

/**
 * Consecutive stretches (gaps with nothing active are skipped) in date order. Two sorted lists
 * (by first day, by day after the last) walked together: no per-day maps. Intervals starting on
 * the same day join the active set in the order given.
 */
export function stretches<T extends Interval>(intervals: readonly T[]): Stretch<T>[] {
  const byStart = intervals.filter((i) => Number.isFinite(i.start) && Number.isFinite(i.end) && i.end >= i.start);
  const byEnd = byStart.slice();
  // Array.prototype.sort is stable: equal starts keep the order given.
  byStart.sort((a, b) => a.start - b.start);
  byEnd.sort((a, b) => a.end - b.end);
  const n = byStart.length;
  const active = new Set<T>();
  const out: Stretch<T>[] = [];
  let s = 0;
  let e = 0;
  // The next day on which the active set changes (Infinity when none does).
  const nextChange = (): number => Math.min(byStart[s]?.start ?? Infinity, (byEnd[e]?.end ?? Infinity) + 1);
  let day = nextChange();
  while (s < n || e < n) {
    for (let i = byEnd[e]; i !== undefined && i.end + 1 === day; i = byEnd[++e]) active.delete(i);
    for (let i = byStart[s]; i !== undefined && i.start === day; i = byStart[++s]) active.add(i);
    const next = nextChange();
    if (next !== Infinity && active.size > 0) out.push({ from: day, to: next - 1, active: [...active] });
    day = next;
  }
  return out;
}

/** Merges adjacent stretches that pass a test into periods, collecting the ids active in them. */
export function periods<T extends Interval>(
  list: readonly Stretch<T>[],
  keep: (s: Stretch<T>) => readonly T[] | null,
): { from: number; to: number; ids: string[] }[] {
  const out: { from: number; to: number; ids: Set<string> }[] = [];
  for (const s of list) {
    const involved = keep(s);
    if (!involved) continue;
    const last = out[out.length - 1];
    if (last && last.to + 1 === s.from) {
      last.to = s.to;
      for (const i of involved) last.ids.add(i.id);
    } else {
      out.push({ from: s.from, to: s.to, ids: new Set(involved.map((i) => i.id)) });
    }
  }
  return out.map((p) => ({ from: p.from, to: p.to, ids: [...p.ids] }));
}
