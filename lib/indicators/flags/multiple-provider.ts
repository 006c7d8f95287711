/**
 * Multiple-provider episode: at least N prescribers AND at least M pharmacies within a window
 * (default 5, 5 and 90 days: the widely used definition, Oklahoma's PMP alert). Every fill in the
 * PMP counts, as in the local PMP server's own DetectedIssue alert.
 */
import { isoDay } from '../dates';
import { plural, uniqueIds, type FlagRule, type Item } from '../context';
import type { Why } from '../schema';

/**
 * Keys made once per distinct identifier within one history: the same key string is then
 * hashed once by the counting maps, not once per fill. Each kind has its own map, so an NPI and
 * a DEA number that happen to be equal stay apart.
 */
interface KeyMemo {
  npi: Map<string, string>;
  dea: Map<string, string>;
  name: Map<string, string>;
}

function keyFor(memo: Map<string, string>, raw: string, make: (raw: string) => string): string {
  let key = memo.get(raw);
  if (key === undefined) {
    key = make(raw);
    memo.set(raw, key);
  }
  return key;
}

const npiKey = (npi: string): string => `npi:${npi}`;
const deaKey = (dea: string): string => `dea:${dea}`;
const nameKey = (name: string): string => `name:${name.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim()}`;

/** Who a prescriber is: NPI when the PMP gave one, else the name as written. */
function prescriberKey(i: Item, memo: KeyMemo): string {
  const p = i.fill.prescriber;
  return p.npi ? keyFor(memo.npi, p.npi, npiKey) : p.dea ? keyFor(memo.dea, p.dea, deaKey) : keyFor(memo.name, p.name, nameKey);
}

function pharmacyKey(i: Item, memo: KeyMemo): string {
  const p = i.fill.pharmacy;
  return p.npi ? keyFor(memo.npi, p.npi, npiKey) : keyFor(memo.name, `${p.name} ${p.city ?? ''}`, nameKey);
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
): { from: number; to: number; fills: Item[]; prescriberCount: number; pharmacyCount: number }[] {
  const sorted = [...items].sort((a, b) => a.dispensed - b.dispensed);
  // Keys once per fill: the window slides over each fill twice.
  const prescriberMemo: KeyMemo = { npi: new Map(), dea: new Map(), name: new Map() };
  const pharmacyMemo: KeyMemo = { npi: new Map(), dea: new Map(), name: new Map() };
  const who = sorted.map((i) => prescriberKey(i, prescriberMemo));
  const where = sorted.map((i) => pharmacyKey(i, pharmacyMemo));
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
  // Distinct prescribers and pharmacies of each episode from the keys made above, not made again.
  return ranges.map(({ lo: a, hi: b }) => {
    const fills = sorted.slice(a, b + 1);
    const prescriberCount = new Set(who.slice(a, b + 1)).size;
    const pharmacyCount = new Set(where.slice(a, b + 1)).size;
    return { from: fills[0]?.dispensed ?? 0, to: fills[fills.length - 1]?.dispensed ?? 0, fills, prescriberCount, pharmacyCount };
  });
}

export const multipleProviderEpisode: FlagRule = ({ items, settings }) => {
  const { mpeWindowDays: window, mpeMinPrescribers: minP, mpeMinPharmacies: minRx } = settings;
  const episodes = multipleProviderEpisodes(items, window, minP, minRx);
  if (episodes.length === 0) return null;
  const why: Why[] = [...episodes].reverse().map((e) => {
    const prescribers = [...new Set(e.fills.map((i) => i.fill.prescriber.name))];
    const pharmacies = [...new Set(e.fills.map((i) => i.fill.pharmacy.name))];
    const { prescriberCount: nP, pharmacyCount: nRx } = e;
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
    fillIds: uniqueIds(episodes.map((e) => e.fills.map((i) => i.id))),
  };
};
