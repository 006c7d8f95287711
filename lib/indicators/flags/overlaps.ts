/**
 * Overlapping days, counted from fill date + days supply (DOMAIN.md: days, not mere presence):
 * an opioid with a benzodiazepine (CDC 2022 recommendation 11), and two different opioids at once.
 * Two overlapping fills of the same drug and strength are an early refill, not two opioids.
 */
import { isoDay } from '../dates';
import { describeFills, isOpioid, itemsById, plural, uniqueIds, type FlagContext, type FlagRule, type Item } from '../context';
import type { Flag } from '../schema';
import { periods, stretches } from '../sweep';

const MAX_WHY = 8;

interface Period {
  from: number;
  to: number;
  ids: string[];
}

// The flag and the day totals ask for the same periods: computed once per history.
const benzoCache = new WeakMap<readonly Item[], Period[]>();
const opioidCache = new WeakMap<readonly Item[], Period[]>();

function memo(cache: WeakMap<readonly Item[], Period[]>, items: readonly Item[], compute: () => Period[]): Period[] {
  let hit = cache.get(items);
  if (!hit) {
    hit = compute();
    cache.set(items, hit);
  }
  return hit;
}

/** Days of opioid + benzodiazepine overlap and the periods they fall in. */
export function opioidBenzodiazepinePeriods(items: readonly Item[]): Period[] {
  return memo(benzoCache, items, () => {
    const relevant = items.filter((i) => isOpioid(i) || i.info.category === 'benzodiazepine');
    return periods(stretches(relevant), (s) =>
      s.active.some(isOpioid) && s.active.some((i) => i.info.category === 'benzodiazepine') ? s.active : null,
    );
  });
}

/** Periods in which two or more different opioids (by drug, strength and release form) were on hand. */
export function overlappingOpioidPeriods(items: readonly Item[]): Period[] {
  return memo(opioidCache, items, () =>
    periods(stretches(items.filter(isOpioid)), (s) => {
      const first = s.active[0]?.therapy;
      return s.active.some((i) => i.therapy !== first) ? s.active : null;
    }),
  );
}

export function totalDays(list: readonly Period[]): number {
  return list.reduce((n, p) => n + p.to - p.from + 1, 0);
}

function whyFor(ctx: FlagContext, list: readonly Period[], join: (items: Item[]) => string): Flag['why'] {
  const byId = itemsById(ctx.items);
  const newestFirst = [...list].reverse();
  const why: Flag['why'] = newestFirst.slice(0, MAX_WHY).map((p) => {
    const involved: Item[] = [];
    for (const id of p.ids) {
      const item = byId.get(id);
      if (item) involved.push(item);
    }
    return {
      text: `${isoDay(p.from)} to ${isoDay(p.to)} (${plural(p.to - p.from + 1, 'day')}): ${join(involved)}`,
      fillIds: p.ids,
      from: isoDay(p.from),
      to: isoDay(p.to),
    };
  });
  if (list.length > MAX_WHY) why.push({ text: `and ${String(list.length - MAX_WHY)} earlier period(s)`, fillIds: [] });
  return why;
}

function asOfLabel(ctx: FlagContext, list: readonly Period[]): string {
  const last = list[list.length - 1];
  if (!last) return '';
  return last.from <= ctx.asOf && last.to >= ctx.asOf ? ', including today' : `, most recently ending ${isoDay(last.to)}`;
}

export const opioidBenzodiazepineOverlap: FlagRule = (ctx) => {
  const list = opioidBenzodiazepinePeriods(ctx.items);
  const days = totalDays(list);
  if (days < ctx.settings.minOverlapDays || list.length === 0) return null;
  return {
    kind: 'opioid-benzodiazepine-overlap',
    severity: 'high',
    title: `Opioid and benzodiazepine overlap on ${plural(days, 'day')}${asOfLabel(ctx, list)}`,
    why: whyFor(ctx, list, (involved) => {
      const opioids = describeFills(involved.filter(isOpioid));
      const benzos = describeFills(involved.filter((i) => i.info.category === 'benzodiazepine'));
      return `${opioids} with ${benzos}`;
    }),
    fillIds: uniqueIds(list.map((p) => p.ids)),
  };
};

export const overlappingOpioids: FlagRule = (ctx) => {
  const list = overlappingOpioidPeriods(ctx.items);
  const days = totalDays(list);
  if (days < ctx.settings.minOverlapDays || list.length === 0) return null;
  return {
    kind: 'overlapping-opioids',
    severity: 'warning',
    title: `Two or more different opioids on hand on ${plural(days, 'day')}${asOfLabel(ctx, list)}`,
    why: whyFor(ctx, list, (involved) => describeFills(involved)),
    fillIds: uniqueIds(list.map((p) => p.ids)),
  };
};
