/** Daily opioid dose at or above the caution (CDC 2022: 50) or high (CDC 2016: 90) MME/day, recently or now. */
import { dayNumber } from '../dates';
import { itemsById, uniqueIds, type FlagRule } from '../context';
import type { DoseSegment, Why } from '../schema';

/** Doses older than this are history, not a current risk. */
const RECENT_DAYS = 90;
const MAX_WHY = 8;

interface Period {
  from: string;
  to: string;
  peak: DoseSegment;
  /** Every step in the period has the peak's value (steady refills of one dose). */
  uniform: boolean;
  ids: Set<string>;
}

export const highMme: FlagRule = ({ asOf, settings, items, mmeSegments }) => {
  const over = mmeSegments.filter(
    (s) => dayNumber(s.to) >= asOf - RECENT_DAYS + 1 && dayNumber(s.from) <= asOf && s.value >= settings.mmeCaution,
  );
  if (over.length === 0) return null;
  // Back-to-back refills give many short steps: one "why" per stretch of days over the line.
  const periods: Period[] = [];
  for (const s of over) {
    const last = periods[periods.length - 1];
    if (last && dayNumber(last.to) + 1 === dayNumber(s.from)) {
      last.to = s.to;
      if (s.value !== last.peak.value) last.uniform = false;
      if (s.value > last.peak.value) last.peak = s;
      for (const id of s.fillIds) last.ids.add(id);
    } else {
      periods.push({ from: s.from, to: s.to, peak: s, uniform: true, ids: new Set(s.fillIds) });
    }
  }
  const peak = Math.max(...periods.map((p) => p.peak.value));
  const high = peak >= settings.mmeHigh;
  const byId = itemsById(items);
  const sum = (s: DoseSegment): string =>
    s.fillIds
      .flatMap((id) => {
        const item = byId.get(id);
        return item && item.info.mmePerDay !== null ? [`${item.fill.drug} ${String(item.info.mmePerDay)}`] : [];
      })
      .join(' + ');
  const dates = (ids: Iterable<string>): string =>
    [...new Set([...ids].flatMap((id) => byId.get(id)?.fill.dispensedOn ?? []))].sort().join(', ');
  const why: Why[] = [...periods]
    .reverse()
    .slice(0, MAX_WHY)
    .map((p) => ({
      text: `${p.from} to ${p.to}: ${p.uniform ? '' : 'up to '}${String(p.peak.value)} MME/day = ${sum(p.peak)} (filled ${dates(p.ids)})`,
      fillIds: [...p.ids],
      from: p.from,
      to: p.to,
    }));
  if (periods.length > MAX_WHY) why.push({ text: `and ${String(periods.length - MAX_WHY)} earlier period(s) at or above ${String(settings.mmeCaution)} MME/day`, fillIds: [] });
  return {
    kind: 'high-mme',
    severity: high ? 'high' : 'warning',
    title: `Opioid dose reached ${String(peak)} MME/day in the last ${String(RECENT_DAYS)} days (${high ? `≥ ${String(settings.mmeHigh)}` : `≥ ${String(settings.mmeCaution)}`})`,
    why,
    fillIds: uniqueIds(periods.map((p) => p.ids)),
  };
};
