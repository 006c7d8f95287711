/**
 * Multiple-provider episode: at least N prescribers AND at least M pharmacies within a window
 * (default 5, 5 and 90 days: the widely used definition, Oklahoma's PMP alert). Every fill in the
 * PMP counts, as in the local PMP server's own DetectedIssue alert.
 */
import { isoDay } from '../dates';
import { plural, type FlagRule, type Item } from '../context';
import type { Why } from '../schema';

/** Who a prescriber is: NPI when the PMP gave one, else the name as written. */
function prescriberKey(i: Item): string {
  const p = i.fill.prescriber;
  return p.npi ? `npi:${p.npi}` : p.dea ? `dea:${p.dea}` : `name:${p.name.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim()}`;
}

function pharmacyKey(i: Item): string {
  const p = i.fill.pharmacy;
  return p.npi ? `npi:${p.npi}` : `name:${`${p.name} ${p.city ?? ''}`.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim()}`;
}

function add(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

function remove(m: Map<string, number>, k: string): void {
  const n = (m.get(k) ?? 0) - 1;
  if (n <= 0) m.delete(k);
  else m.set(k, n);
}

/** Episodes: every window that meets both counts, merged where windows share days. */
export function multipleProviderEpisodes(
  items: readonly Item[],
  windowDays: number,
  minPrescribers: number,
  minPharmacies: number,
): { from: number; to: number; fills: Item[] }[] {
  const sorted = [...items].sort((a, b) => a.dispensed - b.dispensed);
  // Keys once per fill: the window slides over each fill twice.
  const who = sorted.map(prescriberKey);
  const where = sorted.map(pharmacyKey);
  const prescribers = new Map<string, number>();
  const pharmacies = new Map<string, number>();
  // Qualifying windows as index ranges [lo, hi], merged while they overlap.
  const ranges: { lo: number; hi: number }[] = [];
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    const newest = sorted[hi];
    if (!newest) continue;
    add(prescribers, who[hi] ?? '');
    add(pharmacies, where[hi] ?? '');
    // Keep fills dispensed within the window that ends on the newest fill's date.
    while (lo < hi && (sorted[lo]?.dispensed ?? 0) <= newest.dispensed - windowDays) {
      remove(prescribers, who[lo] ?? '');
      remove(pharmacies, where[lo] ?? '');
      lo++;
    }
    if (prescribers.size < minPrescribers || pharmacies.size < minPharmacies) continue;
    const last = ranges[ranges.length - 1];
    if (last && lo <= last.hi) last.hi = hi;
    else ranges.push({ lo, hi });
  }
  return ranges.map(({ lo: a, hi: b }) => {
    const fills = sorted.slice(a, b + 1);
    return { from: fills[0]?.dispensed ?? 0, to: fills[fills.length - 1]?.dispensed ?? 0, fills };
  });
}

export const multipleProviderEpisode: FlagRule = ({ items, settings }) => {
  const { mpeWindowDays: window, mpeMinPrescribers: minP, mpeMinPharmacies: minRx } = settings;
  const episodes = multipleProviderEpisodes(items, window, minP, minRx);
  if (episodes.length === 0) return null;
  const why: Why[] = [...episodes].reverse().map((e) => {
    const prescribers = [...new Set(e.fills.map((i) => i.fill.prescriber.name))];
    const pharmacies = [...new Set(e.fills.map((i) => i.fill.pharmacy.name))];
    const nP = new Set(e.fills.map(prescriberKey)).size;
    const nRx = new Set(e.fills.map(pharmacyKey)).size;
    return {
      text: `${plural(e.fills.length, 'fill')} from ${isoDay(e.from)} to ${isoDay(e.to)}: ${plural(nP, 'prescriber')} (${prescribers.join('; ')}) and ${plural(nRx, 'pharmacy').replace('pharmacys', 'pharmacies')} (${pharmacies.join('; ')})`,
      fillIds: e.fills.map((i) => i.id),
      from: isoDay(e.from),
      to: isoDay(e.to),
    };
  });
  return {
    kind: 'multiple-provider-episode',
    severity: 'high',
    title: `Multiple-provider episode: ${String(minP)}+ prescribers and ${String(minRx)}+ pharmacies within ${String(window)} days`,
    why,
    fillIds: [...new Set(episodes.flatMap((e) => e.fills.map((i) => i.id)))],
  };
};
