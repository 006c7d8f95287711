/**
 * Early refills: the same drug and strength dispensed again before a set share of the previous
 * fill's supply could have been used (default 75 %, a common pharmacy refill threshold), from any
 * prescriber or pharmacy.
 */
import { isoDay } from '../dates';
import { plural, uniqueIds, type FlagRule, type Item } from '../context';
import type { Why } from '../schema';

const MAX_WHY = 10;

export interface EarlyRefill {
  previous: Item;
  refill: Item;
  /** Days of the previous supply still on hand when the refill was dispensed. */
  daysLeft: number;
  allowedFrom: number;
}

/** Every refill dispensed before `percent` % of the previous same-drug supply was used. */
export function earlyRefills(items: readonly Item[], percent: number): EarlyRefill[] {
  const groups = new Map<string, Item[]>();
  for (const i of items) {
    const k = i.therapy;
    const g = groups.get(k);
    if (g) g.push(i);
    else groups.set(k, [i]);
  }
  const out: EarlyRefill[] = [];
  for (const group of groups.values()) {
    group.sort((a, b) => a.dispensed - b.dispensed);
    for (let k = 1; k < group.length; k++) {
      const previous = group[k - 1];
      const refill = group[k];
      if (!previous || !refill) continue;
      const days = previous.dispensedEnd - previous.dispensed + 1;
      const allowedFrom = previous.dispensed + Math.ceil((days * percent) / 100);
      if (refill.dispensed < allowedFrom) out.push({ previous, refill, daysLeft: previous.dispensedEnd + 1 - refill.dispensed, allowedFrom });
    }
  }
  return out.sort((a, b) => a.refill.dispensed - b.refill.dispensed);
}

export const earlyRefill: FlagRule = ({ items, settings }) => {
  const list = earlyRefills(items, settings.earlyRefillPercent);
  if (list.length === 0) return null;
  const why: Why[] = [...list]
    .reverse()
    .slice(0, MAX_WHY)
    .map(({ previous, refill, daysLeft, allowedFrom }) => ({
      text: `${refill.fill.drug}: filled ${refill.fill.dispensedOn}, ${plural(refill.dispensed - previous.dispensed, 'day')} after the ${plural(previous.dispensedEnd - previous.dispensed + 1, 'day')} fill of ${previous.fill.dispensedOn} (${plural(daysLeft, 'day')} of supply left; ${String(settings.earlyRefillPercent)} % used on ${isoDay(allowedFrom)})`,
      fillIds: [previous.id, refill.id],
      from: previous.fill.dispensedOn,
      to: refill.fill.dispensedOn,
    }));
  if (list.length > MAX_WHY) why.push({ text: `and ${String(list.length - MAX_WHY)} earlier early refill(s)`, fillIds: [] });
  return {
    kind: 'early-refill',
    severity: 'warning',
    title: `${plural(list.length, 'early refill')} (before ${String(settings.earlyRefillPercent)} % of the previous supply was used)`,
    why,
    fillIds: uniqueIds(list.map((e) => [e.previous.id, e.refill.id])),
  };
};
