const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Hours between an ISO instant and now (positive when the instant is in the past). */
export function hoursSince(iso: string, now: Date): number {
  return (now.getTime() - Date.parse(iso)) / HOUR_MS;
}

/** The calendar date (YYYY-MM-DD, UTC) a number of days after an ISO instant. */
export function addDaysIso(iso: string, days: number): string {
  const d = new Date(Date.parse(iso) + days * DAY_MS);
  return d.toISOString().slice(0, 10);
}

/** The day after a calendar date (YYYY-MM-DD), across month, year and leap-day ends. */
export function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

/** The day before a calendar date (YYYY-MM-DD). */
export function previousDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
}

/** Newest event first, among those that match. */
export function newestReview<T extends { at: string }>(events: readonly T[], keep: (e: T) => boolean): T | undefined {
  let best: T | undefined;
  let bestAt = -Infinity;
  for (const e of events) {
    if (!keep(e)) continue;
    const at = Date.parse(e.at);
    if (at > bestAt) {
      best = e;
      bestAt = at;
    }
  }
  return best;
}

/** The newest review done no more than `hours` before now (a review "in the future" never counts). */
export function reviewWithin<T extends { at: string; outcome: string }>(events: readonly T[], now: Date, hours: number): T | undefined {
  return newestReview(events, (e) => {
    if (e.outcome !== 'reviewed') return false;
    const h = hoursSince(e.at, now);
    return h >= 0 && h <= hours;
  });
}

const FORMATTERS = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC (ms) at an instant, from the browser's time-zone data. */
function offsetAt(timeZone: string, t: number): number {
  let fmt = FORMATTERS.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    FORMATTERS.set(timeZone, fmt);
  }
  const p: Record<string, number> = {};
  for (const part of fmt.formatToParts(t)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return wall - Math.floor(t / 1000) * 1000;
}

/** A zone's offsets over one UTC year: [from instant, offset] segments, found once and kept. */
type YearOffsets = readonly (readonly [number, number])[];
const YEARS = new Map<string, Map<number, YearOffsets>>();

function yearOffsets(timeZone: string, year: number): YearOffsets {
  let byYear = YEARS.get(timeZone);
  if (!byYear) {
    byYear = new Map();
    YEARS.set(timeZone, byYear);
  }
  const hit = byYear.get(year);
  if (hit) return hit;
  // Sample each month; where the offset changes, bisect to the second. US zones change twice a
  // year at most, so this is a few dozen lookups per zone and year, then plain arithmetic.
  const segments: [number, number][] = [];
  let prevT = Date.UTC(year, 0, 1);
  let prevOff = offsetAt(timeZone, prevT);
  segments.push([prevT, prevOff]);
  for (let m = 1; m <= 12; m++) {
    const t = Date.UTC(year, m, 1);
    const off = offsetAt(timeZone, t);
    if (off !== prevOff) {
      let lo = prevT;
      let hi = t;
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
        if (offsetAt(timeZone, mid) === prevOff) lo = mid;
        else hi = mid;
      }
      segments.push([hi, off]);
    }
    prevT = t;
    prevOff = off;
  }
  byYear.set(year, segments);
  return segments;
}

/**
 * The calendar date (YYYY-MM-DD) of an instant in a time zone. The zone's offsets are worked
 * out once per year from the browser's time-zone data; each call is then arithmetic, which
 * keeps as-of evaluation over years of orders fast.
 */
export function localDate(now: Date, timeZone: string): string {
  const t = now.getTime();
  const segments = yearOffsets(timeZone, now.getUTCFullYear());
  let offset = segments[0]?.[1] ?? 0;
  for (const [from, off] of segments) if (t >= from) offset = off;
  const day = Math.floor((t + offset) / 86_400_000);
  let date = DAY_NAMES.get(day);
  if (date === undefined) {
    date = new Date(day * 86_400_000).toISOString().slice(0, 10);
    if (DAY_NAMES.size > 50_000) DAY_NAMES.clear();
    DAY_NAMES.set(day, date);
  }
  return date;
}

const DAY_NAMES = new Map<number, string>();

/** Is this a real calendar date written YYYY-MM-DD (2019-02-29 is not)? */
export function isCalendarDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s;
}
