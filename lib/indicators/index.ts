/**
 * Indicators computed from a PMP history (pure): MME/day over time, buprenorphine apart, and the
 * flags, each with its "why". Nothing here reads the clock unless `asOf` is left out.
 */
import type { Fill } from '../pmp/history';
import { therapyKey, type FlagContext, type Item } from './context';
import { dayNumber, isoDay, localToday } from './dates';
import { fillInfo } from './dose';
import { drugInfo, type DrugInfo } from './drug-info';
import { FLAG_RULES } from './flags';
import { opioidBenzodiazepinePeriods, overlappingOpioidPeriods, totalDays } from './flags/overlaps';
import type { DoseSegment, FillInfo, Flag, Indicators, Severity } from './schema';
import { DEFAULT_INDICATOR_SETTINGS, IndicatorSettings } from './settings';
import { stretches } from './sweep';

export { IndicatorSettings, DEFAULT_INDICATOR_SETTINGS, MmeTable } from './settings';
export type { DoseSegment, Flag, FillInfo, Indicators, Why } from './schema';
export { MME_TABLE_LABELS } from './mme-factors';

const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { high: 0, warning: 1, info: 2 };

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Step segments of a per-day total (MME or buprenorphine mg), merging neighbours with equal totals. */
function doseSegments(items: readonly Item[], value: (i: Item) => number | null): DoseSegment[] {
  const withValue = items.filter((i) => value(i) !== null);
  const out: DoseSegment[] = [];
  for (const s of stretches(withValue)) {
    const total = round1(s.active.reduce((n, i) => n + (value(i) ?? 0), 0));
    const ids = s.active.map((i) => i.id);
    const last = out[out.length - 1];
    if (last && last.value === total && dayNumber(last.to) + 1 === s.from && sameIds(last.fillIds, ids)) {
      last.to = isoDay(s.to);
    } else {
      out.push({ from: isoDay(s.from), to: isoDay(s.to), value: total, fillIds: ids });
    }
  }
  return out;
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function valueOn(segments: readonly DoseSegment[], day: number): number {
  return segments.find((s) => dayNumber(s.from) <= day && dayNumber(s.to) >= day)?.value ?? 0;
}

// therapyKey() by drug facts and strength. drugInfo() hands out one object per drug text and
// strength unit, so that object and the strength value decide the key: no key string to build
// (and hash) per fill.
const therapies = new WeakMap<DrugInfo, Map<number | undefined, string>>();

function therapyOf(fill: Fill, drug: DrugInfo, info: FillInfo): string {
  let byStrength = therapies.get(drug);
  if (!byStrength) {
    byStrength = new Map();
    therapies.set(drug, byStrength);
  }
  let key = byStrength.get(fill.strengthValue);
  if (key === undefined) {
    key = therapyKey(fill, info);
    byStrength.set(fill.strengthValue, key);
  }
  return key;
}

/**
 * Fills with usable dates as sweep items, oldest first; duplicate ids from a PMP get a suffix.
 * Supply is carried over within one therapy (see Item).
 */
function toItems(fills: readonly Fill[], settings: IndicatorSettings): Item[] {
  const seen = new Map<string, number>();
  const items: Item[] = [];
  for (const fill of fills) {
    const dispensed = dayNumber(fill.dispensedOn);
    if (Number.isNaN(dispensed)) continue;
    const n = (seen.get(fill.id) ?? 0) + 1;
    seen.set(fill.id, n);
    const id = n === 1 ? fill.id : `${fill.id}~${String(n)}`;
    const drug = drugInfo(fill);
    const info = fillInfo(n === 1 ? fill : { ...fill, id }, drug, settings.mmeTable);
    const dispensedEnd = dayNumber(info.end);
    items.push({ id, start: dispensed, end: dispensedEnd, dispensed, dispensedEnd, fill, info, therapy: therapyOf(fill, drug, info) });
  }
  items.sort((a, b) => a.dispensed - b.dispensed || a.id.localeCompare(b.id));
  const lastEnd = new Map<string, number>();
  for (const item of items) {
    const key = item.therapy;
    const previousEnd = lastEnd.get(key);
    if (previousEnd !== undefined && previousEnd >= item.start) {
      const shift = previousEnd + 1 - item.start;
      item.start += shift;
      item.end += shift;
    }
    lastEnd.set(key, item.end);
  }
  return items;
}

/**
 * Computes the indicators for a patient's fills as of a day (default: today, local time).
 * Fills with an unreadable date are left out rather than guessed.
 */
export function computeIndicators(fills: readonly Fill[], options: { asOf?: string; settings?: Partial<IndicatorSettings> } = {}): Indicators {
  // Parsed, so a bad setting is a clear error instead of a silently wrong flag.
  const settings = IndicatorSettings.parse({ ...DEFAULT_INDICATOR_SETTINGS, ...options.settings });
  const asOfIso = options.asOf ?? localToday();
  const asOf = dayNumber(asOfIso);
  if (Number.isNaN(asOf)) throw new RangeError(`asOf is not a date: ${asOfIso}`);
  const items = toItems(fills, settings);

  const mmeSegments = doseSegments(items, (i) => i.info.mmePerDay);
  const bupSegments = doseSegments(items, (i) => (i.info.category === 'buprenorphine' && i.info.doseUnit === 'mg/day' ? i.info.dailyDose : null));
  let peak: Indicators['mme']['peak'] = null;
  for (const s of mmeSegments) if (!peak || s.value > peak.value) peak = { value: s.value, from: s.from, to: s.to };

  const ctx: FlagContext = { asOf, settings, items, mmeSegments };
  const flags: Flag[] = [];
  for (const rule of Object.values(FLAG_RULES)) {
    const flag = rule(ctx);
    if (flag) flags.push(flag);
  }
  // Stable sort: equally severe flags keep the registry's order.
  flags.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);

  return {
    asOf: isoDay(asOf),
    mmeTable: settings.mmeTable,
    fills: items.map((i) => i.info),
    mme: { segments: mmeSegments, current: valueOn(mmeSegments, asOf), peak },
    buprenorphine: { segments: bupSegments, current: valueOn(bupSegments, asOf) },
    opioidBenzodiazepineOverlapDays: totalDays(opioidBenzodiazepinePeriods(items)),
    overlappingOpioidDays: totalDays(overlappingOpioidPeriods(items)),
    flags,
  };
}
