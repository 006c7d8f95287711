const HOUR_MS = 3_600_000;

/** Hours between an ISO instant and now (positive when the instant is in the past). */
export function hoursSince(iso: string, now: Date): number {
  return (now.getTime() - Date.parse(iso)) / HOUR_MS;
}

/** The calendar date (YYYY-MM-DD, UTC) a number of days after an ISO instant. */
export function addDaysIso(iso: string, days: number): string {
  const d = new Date(Date.parse(iso) + days * 24 * HOUR_MS);
  return d.toISOString().slice(0, 10);
}

/** Newest event first, among those that match. */
export function newestReview<T extends { at: string }>(events: readonly T[], keep: (e: T) => boolean): T | undefined {
  let best: T | undefined;
  for (const e of events) {
    if (!keep(e)) continue;
    if (!best || Date.parse(e.at) > Date.parse(best.at)) best = e;
  }
  return best;
}
