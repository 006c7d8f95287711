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

/** Consecutive stretches (gaps with nothing active are skipped) in date order. */
export function stretches<T extends Interval>(intervals: readonly T[]): Stretch<T>[] {
  const valid = intervals.filter((i) => Number.isFinite(i.start) && Number.isFinite(i.end) && i.end >= i.start);
  const bounds = new Set<number>();
  for (const i of valid) {
    bounds.add(i.start);
    bounds.add(i.end + 1);
  }
  const days = [...bounds].sort((a, b) => a - b);
  const starting = new Map<number, T[]>();
  const ending = new Map<number, T[]>();
  for (const i of valid) {
    const s = starting.get(i.start);
    if (s) s.push(i);
    else starting.set(i.start, [i]);
    const e = ending.get(i.end + 1);
    if (e) e.push(i);
    else ending.set(i.end + 1, [i]);
  }
  const active = new Set<T>();
  const out: Stretch<T>[] = [];
  for (let k = 0; k < days.length; k++) {
    const day = days[k] ?? 0;
    for (const i of ending.get(day) ?? []) active.delete(i);
    for (const i of starting.get(day) ?? []) active.add(i);
    const next = days[k + 1];
    if (next === undefined || active.size === 0) continue;
    out.push({ from: day, to: next - 1, active: [...active] });
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
