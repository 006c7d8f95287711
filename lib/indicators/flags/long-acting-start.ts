/**
 * Long-acting opioid starts: an ER/LA opioid (extended-release, transdermal, methadone) with no
 * ER/LA opioid in the days before. With no opioid at all before it, the patient was opioid-naive:
 * CDC 2022 recommendation 3 advises against starting with ER/LA opioids.
 */
import { plural, describeFill, isOpioid, uniqueIds, type FlagRule, type Item } from '../context';
import type { Why } from '../schema';

/**
 * PMP reports cover at least the last 12 months [assumption: CPMRS and the IG examples do]; a
 * start is only claimed when its look-back lies inside that span, else the prior fill may simply
 * be older than the report.
 */
const HISTORY_DAYS = 365;

export interface LongActingStart {
  item: Item;
  /** Opioids on hand in the look-back (short-acting, since no long-acting one was). */
  priorOpioids: Item[];
}

/** Another fill than `item` with supply on hand on some day from `from` to `to`. */
function onHand(o: Item, item: Item, from: number, to: number): boolean {
  return o !== item && o.start <= to && o.end >= from;
}

/** Long-acting opioid fills with no long-acting opioid on hand in the `lookbackDays` before. */
export function longActingStarts(items: readonly Item[], asOf: number, lookbackDays: number): LongActingStart[] {
  const opioids = items.filter(isOpioid);
  const longActing = opioids.filter((i) => i.info.longActing);
  const out: LongActingStart[] = [];
  for (const item of longActing) {
    const from = item.dispensed - lookbackDays;
    const to = item.dispensed - 1;
    if (from < asOf - HISTORY_DAYS || item.dispensed > asOf) continue;
    if (longActing.some((o) => onHand(o, item, from, to))) continue;
    // Another long-acting fill on the same day is part of the same start, not a prior one.
    if (out.some((s) => s.item.dispensed === item.dispensed)) continue;
    out.push({ item, priorOpioids: opioids.filter((o) => onHand(o, item, from, to)) });
  }
  return out;
}

export const longActingStart: FlagRule = ({ items, asOf, settings }) => {
  const starts = longActingStarts(items, asOf, settings.longActingLookbackDays);
  if (starts.length === 0) return null;
  const lookback = plural(settings.longActingLookbackDays, 'day');
  const naive = starts.some((s) => s.priorOpioids.length === 0);
  const why: Why[] = [...starts].reverse().map(({ item, priorOpioids }) => ({
    text:
      priorOpioids.length === 0
        ? `${describeFill(item)}: no opioid at all in the ${lookback} before (opioid-naive)`
        : `${describeFill(item)}: no long-acting opioid in the ${lookback} before; short-acting before it: ${priorOpioids.map(describeFill).join('; ')}`,
    fillIds: [item.id, ...priorOpioids.map((o) => o.id)],
    from: item.fill.dispensedOn,
    to: item.fill.dispensedOn,
  }));
  return {
    kind: 'long-acting-start',
    severity: naive ? 'high' : 'warning',
    title: naive ? 'Long-acting opioid started without prior opioid use' : 'Long-acting opioid started',
    why,
    fillIds: uniqueIds(why.map((w) => w.fillIds)),
  };
};
