/**
 * Calendar-day arithmetic on ISO dates (YYYY-MM-DD), in whole UTC days so no time zone or DST
 * shifts a day. Memoized: a history repeats few distinct dates many times, and building Date
 * objects was most of the indicators' time on a 500-fill history.
 */

const DAY_MS = 86_400_000;
const MEMO_LIMIT = 20_000;
const toDay = new Map<string, number>();
const toIso = new Map<number, string>();

function remember<K, V>(m: Map<K, V>, k: K, v: V): V {
  if (m.size >= MEMO_LIMIT) m.clear();
  m.set(k, v);
  return v;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/** Days since 1970-01-01 for an ISO date (a time part is ignored); NaN when it is not a real date. */
export function dayNumber(iso: string): number {
  const key = iso.slice(0, 10);
  const hit = toDay.get(key);
  if (hit !== undefined) return hit;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key);
  const y = Number(m?.[1]);
  const mo = Number(m?.[2]);
  const d = Number(m?.[3]);
  // 2026-02-31 is invalid, not silently moved into March.
  const valid = m !== null && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
  return remember(toDay, key, valid ? Date.UTC(y, mo - 1, d) / DAY_MS : Number.NaN);
}

/** The ISO date of a day number. */
export function isoDay(day: number): string {
  const hit = toIso.get(day);
  if (hit !== undefined) return hit;
  return remember(toIso, day, new Date(day * DAY_MS).toISOString().slice(0, 10));
}

/** Today in the local time zone as an ISO date: a clinician's "today", not UTC's. */
export function localToday(now: Date = new Date()): string {
  return isoDay(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()) / DAY_MS);
}
