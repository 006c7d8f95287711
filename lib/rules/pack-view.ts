import { inForce, type DelegatePolicy, type NotModelled, type RuleConfig, type StatePack, type SupplyLimit } from './pack';
import { nextDay } from './rules/time';

/** What a pack says on one date: the rules, limits, delegate policy and unmodelled answers in force. */
export interface PackView {
  rules: readonly RuleConfig[];
  limits: readonly SupplyLimit[];
  delegates: DelegatePolicy | undefined;
  /** Answers about prescribers the engine cannot act on, in force that day. */
  unmodelled: readonly NotModelled[];
}

interface PackIndex {
  /** Sorted dates on which something in the pack starts or stops. */
  bounds: string[];
  views: (PackView | undefined)[];
}

const EMPTY: PackView = { rules: [], limits: [], delegates: undefined, unmodelled: [] };
const INDEXES = new WeakMap<StatePack, PackIndex>();

function buildIndex(pack: StatePack): PackIndex {
  const dates = new Set<string>();
  const dated = [...pack.rules, ...pack.limits, ...pack.delegates, ...pack.notModelled];
  for (const item of dated) {
    dates.add(item.citation.effective);
    if (item.citation.through) dates.add(nextDay(item.citation.through));
  }
  const bounds = [...dates].sort();
  return { bounds, views: new Array<PackView | undefined>(bounds.length) };
}

function computeView(pack: StatePack, date: string): PackView {
  const delegates = pack.delegates.filter((d) => inForce(d.citation, date));
  return {
    rules: pack.rules.filter((r) => inForce(r.citation, date)),
    limits: pack.limits.filter((l) => inForce(l.citation, date)),
    // When two policies overlap (a source's one-day overlaps), the later-starting one is the newer law.
    delegates: delegates.sort((a, b) => (a.citation.effective < b.citation.effective ? 1 : -1))[0],
    unmodelled: pack.notModelled.filter((n) => n.prescriber && inForce(n.citation, date)),
  };
}

/** The pack as in force on a date (YYYY-MM-DD); indexed once per pack, so each lookup is a binary search. */
export function viewAt(pack: StatePack, date: string): PackView {
  let index = INDEXES.get(pack);
  if (!index) {
    index = buildIndex(pack);
    INDEXES.set(pack, index);
  }
  const { bounds, views } = index;
  let lo = 0;
  let hi = bounds.length - 1;
  let at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((bounds[mid] ?? '') <= date) {
      at = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (at < 0) return EMPTY;
  let view = views[at];
  if (!view) {
    view = computeView(pack, bounds[at] ?? date);
    views[at] = view;
  }
  return view;
}
