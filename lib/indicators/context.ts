/** What every flag computation gets: the fills with their derived facts, the clock and the settings. */
import type { Fill } from '../pmp/history';
import type { DoseSegment, Flag, FillInfo } from './schema';
import type { IndicatorSettings } from './settings';
import type { Interval } from './sweep';

/**
 * A fill in the sweeps. `start`/`end` are the days its supply is on hand: a refill of the same drug
 * picked up before the last one ran out starts when that one ends (supply carried over), so a
 * refill a few days early is not counted as a doubled dose. `dispensed`/`dispensedEnd` are the
 * days as the PMP reported them.
 */
export interface Item extends Interval {
  fill: Fill;
  info: FillInfo;
  dispensed: number;
  dispensedEnd: number;
  /** therapyKey(), computed once: the sweeps ask for it on every stretch. */
  therapy: string;
}

export interface FlagContext {
  /** Day number of the "today" the history is read on. */
  asOf: number;
  settings: IndicatorSettings;
  /** Every fill with a valid date, oldest first. */
  items: readonly Item[];
  mmeSegments: readonly DoseSegment[];
}

/** One flag: a pure function of the context, null when the flag does not apply. */
export type FlagRule = (ctx: FlagContext) => Flag | null;

/** A fill as a "why" names it: drug, days supply and date. */
export function describeFill(item: Item): string {
  return `${item.fill.drug} (${String(item.fill.daysSupply)} days from ${item.fill.dispensedOn})`;
}

/** Several fills, one mention per drug: 'Oxycodone 5 mg tablet (30 days from 2026-01-01; 30 days from 2026-01-31)'. */
export function describeFills(items: readonly Item[]): string {
  const byDrug = new Map<string, Item[]>();
  for (const i of [...items].sort((a, b) => a.dispensed - b.dispensed)) {
    const list = byDrug.get(i.fill.drug);
    if (list) list.push(i);
    else byDrug.set(i.fill.drug, [i]);
  }
  return [...byDrug]
    .map(([drug, list]) => `${drug} (${list.map((i) => `${String(i.fill.daysSupply)} days from ${i.fill.dispensedOn}`).join('; ')})`)
    .join(', ');
}

/** Each id once, in order of first appearance (what `[...new Set(lists.flat())]` gives, without the copies). */
export function uniqueIds(lists: Iterable<Iterable<string>>): string[] {
  const seen = new Set<string>();
  for (const list of lists) for (const id of list) seen.add(id);
  return [...seen];
}

// Several flags look fills up by id: one map per history.
const byIdCache = new WeakMap<readonly Item[], Map<string, Item>>();

/** The items by id (memoized per items array). */
export function itemsById(items: readonly Item[]): Map<string, Item> {
  let m = byIdCache.get(items);
  if (!m) {
    m = new Map(items.map((i) => [i.id, i]));
    byIdCache.set(items, m);
  }
  return m;
}

/** 'n day' / 'n days'. */
export function plural(n: number, word: string): string {
  return `${String(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** Same drug and strength (and release form): refills of one therapy rather than two drugs. */
export function therapyKey(fill: Fill, info: FillInfo): string {
  const what = info.ingredient ?? fill.drug.toLowerCase().replace(/\s+/g, ' ').trim();
  return `${what}|${String(fill.strengthValue ?? '')}${fill.strengthUnit ?? ''}|${info.longActing ? 'la' : 'ir'}`;
}

export function isOpioid(item: Item): boolean {
  return item.info.category === 'opioid' || item.info.category === 'buprenorphine';
}
