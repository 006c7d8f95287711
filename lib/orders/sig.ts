import { canonicalUnit, normalizeSigText, UNIT_WORDS, type CanonicalUnit } from './normalize';
import { div, fromDecimal, isPositive, maxRatio, minRatio, mul, ratio, toNumber, type Ratio } from './ratio';

/** A sig read into numbers. Ranges ('1-2 tabs q4-6h') keep both ends; nothing is averaged. */
export interface SigParse {
  unitsPerDoseMin: number;
  unitsPerDoseMax: number;
  /** Already limited by any 'max N a day' in the sig. */
  dosesPerDayMin: number;
  dosesPerDayMax: number;
  prn: boolean;
  durationDays?: number;
  /** The dose is measured in mL (liquids), so the quantity should be in mL too. */
  volumeMl?: boolean;
  notes: string[];
  /** Canonical unit of one dose ('tablet', 'mL', 'patch'; 'mg' when the dose was a mass). */
  doseUnit?: string;
  /** The dose as a mass ('10 mg'); counting tablets or mL from it needs the strength. */
  doseMass?: { min: number; max: number; unit: 'mg' };
  /** From 'max 4 tabs/day': the most dose units a day the prescriber allows. */
  maxUnitsPerDay?: number;
  /** The sig in plain words, e.g. '1 tab every 6 hours as needed'. */
  description?: string;
}

/** Exact form of a parse, for days-supply arithmetic (see ratio.ts for why). */
export interface ExactSig {
  unitsMin: Ratio;
  unitsMax: Ratio;
  /** False when the sig gave no amount and 1 was assumed. */
  unitsStated: boolean;
  /** Unit of the dose; mass doses are in mg. Null when only a bare number was given. */
  unit: CanonicalUnit | null;
  dosesPerDayMin: Ratio;
  dosesPerDayMax: Ratio;
  capUnits: Ratio | null;
  /** A daily cap given as a mass while the dose is counted in units: needs the strength. */
  capMassMg: Ratio | null;
  capDoses: Ratio | null;
  prn: boolean;
  upTo: boolean;
  durationDays: Ratio | null;
  totalDoses: Ratio | null;
  /** '#30' or 'disp 30' written inside the sig, used only when the order has no quantity. */
  quantityInSig: number | null;
  frequencyText: string;
  notes: string[];
}

interface Frequency {
  min: Ratio;
  max: Ratio;
  text: string;
  single?: boolean;
}

const N = '(\\d+(?:\\.\\d+)?)';
const RANGE = `${N}(?:\\s*-\\s*${N})?`;
const PERIOD = '(day|daily|d|24\\s*(?:h|hrs?|hours?)|weeks?|weekly|wks?|months?|monthly|mo)';
const PER = '(?:a|an|per|each|every|\\/|in\\s+a)?';

const PRN = /\b(?:prn|as\s+needed|as\s+required|if\s+needed|when\s+needed|as\s+necessary|if\s+necessary)\b/;
const WHILE_AWAKE = /\b(?:while\s+awake|wa)\b/;
const QUANTITY_IN_SIG = new RegExp(
  `#\\s*\\d+(?:\\.\\d+)?|\\b(?:qty|quantity|disp(?:ense)?)\\s*:?\\s*#?\\s*\\d+(?:\\.\\d+)?(?:\\s*(?:${UNIT_WORDS})\\b)?|\\b\\d+\\s*refills?\\b|\\brefills?\\s*:?\\s*\\d+\\b`,
  'g',
);
const CAP = new RegExp(
  `\\b(?:max(?:imum)?(?:\\s+of)?|not\\s+to\\s+exceed|nte|do\\s+not\\s+exceed|no\\s+more\\s+than|up\\s+to)\\s*:?\\s*${N}\\s*(${UNIT_WORDS})?\\s*(?:\\/|per|a|an|in|each|every|within|in\\s+a)?\\s*(?:24\\s*(?:h|hrs?|hours?)|days?|d|daily)\\b`,
);
const CAP_DAILY_DOSE = new RegExp(
  `\\bmax(?:imum)?\\s+(?:daily|per\\s+day)\\s+(?:dose\\s+)?(?:of\\s+|is\\s+|:\\s*)?${N}\\s*(${UNIT_WORDS})?`,
);
const DURATION = new RegExp(`\\b(?:x|for|times|over)\\s*${RANGE}\\s*(days?|d|weeks?|wks?|w|months?|mos?)\\b`);
const DURATION_SUPPLY = new RegExp(`\\b${N}\\s*-?\\s*(day|week|month)s?\\s+supply\\b`);
const DOSE_COUNT = new RegExp(`\\b(?:x|for|times)\\s*${N}\\s*doses?\\b`);
const DOSE = new RegExp(`(\\bup\\s+to\\s+)?(?<![\\d.])${RANGE}\\s*(${UNIT_WORDS})(?![a-z])`, 'g');
const BARE_NUMBER = new RegExp(`(\\bup\\s+to\\s+)?(?<![\\d.])${RANGE}(?![\\d.])`);
const BARE_UNIT = new RegExp(`\\b(${UNIT_WORDS})\\b`);

const num = (s: string | undefined): number => (s === undefined ? Number.NaN : Number(s));
// Amounts below 1e-4 cannot be kept exactly (six decimals) and are never real doses.
const valid = (x: number, max: number): boolean => Number.isFinite(x) && x >= 1e-4 && x <= max;

function fmt(x: number): string {
  return String(Math.round(x * 100) / 100);
}

function rangeText(a: number, b: number): string {
  return a === b ? fmt(a) : `${fmt(a)}-${fmt(b)}`;
}

/** Days in a period word. A month is counted as 30 days. */
function periodDays(word: string): number {
  if (word.startsWith('w')) return 7;
  if (word.startsWith('mo')) return 30;
  return 1;
}

function perPeriod(lo: number, hi: number, days: number, text: string): Frequency {
  return { min: div(fromDecimal(lo), ratio(days)), max: div(fromDecimal(hi), ratio(days)), text };
}

function timesText(lo: number, hi: number, period: string): string {
  const per = period === 'day' ? 'a day' : `a ${period}`;
  if (lo === hi && lo === 1) return period === 'day' ? 'once a day' : `once a ${period}`;
  if (lo === hi && lo === 2) return `twice ${per}`;
  return `${rangeText(lo, hi)} times ${per}`;
}

function periodName(days: number): string {
  return days === 7 ? 'week' : days === 30 ? 'month' : 'day';
}

interface Matcher {
  re: RegExp;
  build: (m: RegExpExecArray) => Frequency | null;
}

/** 'every N <unit>': doses a day = 24 h / (N x hours in the unit), kept exact. */
function everyN(unitHours: Ratio, name: string, maxCount: number) {
  return (m: RegExpExecArray): Frequency | null => {
    const a = num(m[1]);
    const b = m[2] === undefined ? a : num(m[2]);
    if (!valid(a, maxCount) || !valid(b, maxCount)) return null;
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    // Nothing is given more often than once a minute.
    if (toNumber(mul(fromDecimal(lo), unitHours)) < 1 / 60) return null;
    const perDay = (x: number): Ratio => div(ratio(24), mul(fromDecimal(x), unitHours));
    const text = lo === hi && lo === 1 ? `every ${name}` : `every ${rangeText(lo, hi)} ${name}s`;
    return { min: perDay(hi), max: perDay(lo), text };
  };
}

const FREQUENCIES: readonly Matcher[] = [
  { re: new RegExp(`\\b(?:q|every|each)\\s*${RANGE}\\s*(?:h|hr|hrs|hour|hours)\\b`), build: everyN(ratio(1), 'hour', 8760) },
  { re: /\b(?:hourly|q\s*h|every\s+hour|each\s+hour)\b/, build: () => ({ min: ratio(24), max: ratio(24), text: 'every hour' }) },
  { re: new RegExp(`\\b(?:q|every)\\s*${N}\\s*(?:min|mins|minutes?)\\b`), build: everyN(ratio(1, 60), 'minute', 1440) },
  { re: new RegExp(`\\b(?:q|every|each)\\s*${RANGE}\\s*(?:d|days?)\\b`), build: everyN(ratio(24), 'day', 365) },
  { re: new RegExp(`\\b(?:q|every|each)\\s*${N}\\s*(?:w|wks?|weeks?)\\b`), build: everyN(ratio(168), 'week', 52) },
  { re: new RegExp(`\\b(?:q|every|each)\\s*${N}\\s*(?:mos?|months?)\\b`), build: everyN(ratio(720), 'month', 12) },
  {
    re: /\b(?:every\s+other\s+day|every\s+second\s+day|qod|qad|(?:on\s+)?alternate\s+days)\b/,
    build: () => ({ min: ratio(1, 2), max: ratio(1, 2), text: 'every other day' }),
  },
  {
    re: /\b(?:every\s+other\s+week|every\s+second\s+week)\b/,
    build: () => ({ min: ratio(1, 14), max: ratio(1, 14), text: 'every other week' }),
  },
  {
    re: new RegExp(`\\b${RANGE}\\s*(?:x|times)\\s*${PER}\\s*${PERIOD}\\b`),
    build: (m) => {
      const a = num(m[1]);
      const b = m[2] === undefined ? a : num(m[2]);
      if (!valid(a, 100) || !valid(b, 100) || Math.min(a, b) < 1) return null;
      const days = periodDays(m[3] ?? 'day');
      const lo = Math.min(a, b);
      const hi = Math.max(a, b);
      return perPeriod(lo, hi, days, timesText(lo, hi, periodName(days)));
    },
  },
  {
    re: new RegExp(`\\b(once|twice|thrice)\\s*${PER}\\s*${PERIOD}\\b`),
    build: (m) => {
      const n = m[1] === 'once' ? 1 : m[1] === 'twice' ? 2 : 3;
      const days = periodDays(m[2] ?? 'day');
      return perPeriod(n, n, days, timesText(n, n, periodName(days)));
    },
  },
  {
    re: /\b(qid|qds|tid|tds|bid|bd|biw|tiw)\b/,
    build: (m) => {
      const code = m[1] ?? '';
      if (code === 'qid' || code === 'qds') return perPeriod(4, 4, 1, 'four times a day');
      if (code === 'tid' || code === 'tds') return perPeriod(3, 3, 1, 'three times a day');
      if (code === 'biw') return perPeriod(2, 2, 7, 'twice a week');
      if (code === 'tiw') return perPeriod(3, 3, 7, 'three times a week');
      return perPeriod(2, 2, 1, 'twice a day');
    },
  },
  {
    re: /\b(?:weekly|qwk|qweek|q\s*week|q\s*wk|every\s+week|each\s+week)\b/,
    build: () => perPeriod(1, 1, 7, 'once a week'),
  },
  {
    re: /\b(?:monthly|q\s*month|q\s*mo|every\s+month|each\s+month)\b/,
    build: () => perPeriod(1, 1, 30, 'once a month'),
  },
];

// Times of day: each distinct one is a dose. 'qam and qhs' is twice a day; meals are three.
const ANCHORS: readonly { re: RegExp; slots: readonly string[]; text: string }[] = [
  { re: /\b(?:with\s+each\s+meal|with\s+meals|ac|pc|(?:before|after)\s+meals)\b/g, slots: ['morning', 'midday', 'evening'], text: 'with meals' },
  { re: /\b(?:qam|q\s*am|am|in\s+the\s+morning|every\s+morning|each\s+morning|mornings?|breakfast)\b/g, slots: ['morning'], text: 'in the morning' },
  { re: /\b(?:noon|midday|lunch(?:time)?)\b/g, slots: ['midday'], text: 'at midday' },
  { re: /\bafternoons?\b/g, slots: ['afternoon'], text: 'in the afternoon' },
  { re: /\b(?:qpm|q\s*pm|pm|in\s+the\s+evening|every\s+evening|evenings?|dinner|supper)\b/g, slots: ['evening'], text: 'in the evening' },
  { re: /\b(?:qhs|hs|at\s+bedtime|bedtime|nightly|at\s+night|every\s+night|each\s+night|night|qn|nocte)\b/g, slots: ['bedtime'], text: 'at bedtime' },
];

const DAILY = /\b(?:qd|q\s*day|qday|qdaily|daily|every\s+day|each\s+day|everyday|a\s+day|per\s+day|od)\b|\/\s*day\b/;
const SINGLE = /\b(?:once|one\s+time|1\s+time(?:\s+only)?|x\s*1|single\s+dose|stat|1\s+dose)\b/;

function blank(s: string, index: number, length: number): string {
  return s.slice(0, index) + ' '.repeat(length) + s.slice(index + length);
}

function precededByUpTo(s: string, index: number): boolean {
  return /\bup\s+to\s*$/.test(s.slice(Math.max(0, index - 8), index));
}

interface FoundFrequency extends Frequency {
  upTo: boolean;
}

function findFrequency(s: string): { freq: FoundFrequency; rest: string } | null {
  for (const { re, build } of FREQUENCIES) {
    const m = re.exec(s);
    if (!m) continue;
    const freq = build(m);
    if (freq) return { freq: { ...freq, upTo: precededByUpTo(s, m.index) }, rest: blank(s, m.index, m[0].length) };
  }
  const slots = new Set<string>();
  const texts: string[] = [];
  let rest = s;
  for (const anchor of ANCHORS) {
    anchor.re.lastIndex = 0;
    let found = false;
    for (let m = anchor.re.exec(rest); m; m = anchor.re.exec(rest)) {
      rest = blank(rest, m.index, m[0].length);
      found = true;
    }
    if (found) {
      anchor.slots.forEach((slot) => slots.add(slot));
      texts.push(anchor.text);
    }
  }
  if (slots.size > 0) {
    const n = slots.size;
    const text = n === 1 ? (texts[0] ?? 'once a day') : `${n} times a day (${texts.join(' and ')})`;
    return { freq: { min: ratio(n), max: ratio(n), text, upTo: false }, rest };
  }
  const daily = DAILY.exec(s);
  if (daily) {
    return { freq: { min: ratio(1), max: ratio(1), text: 'once a day', upTo: false }, rest: blank(s, daily.index, daily[0].length) };
  }
  const single = SINGLE.exec(s);
  if (single) {
    return {
      freq: { min: ratio(1), max: ratio(1), text: 'once', single: true, upTo: false },
      rest: blank(s, single.index, single[0].length),
    };
  }
  return null;
}

interface Dose {
  min: Ratio;
  max: Ratio;
  unit: CanonicalUnit | null;
  stated: boolean;
  upTo: boolean;
}

function doseFromMatch(m: RegExpExecArray, unit: CanonicalUnit | null): Dose | null {
  const a = num(m[2]);
  const b = m[3] === undefined ? a : num(m[3]);
  const limit = unit?.kind === 'mass' ? 1_000_000 : 1000;
  if (!valid(a, limit) || !valid(b, limit)) return null;
  const upTo = m[1] !== undefined;
  const factor = fromDecimal(unit?.factor ?? 1);
  const lo = mul(fromDecimal(Math.min(a, b)), factor);
  const hi = mul(fromDecimal(Math.max(a, b)), factor);
  if (!isPositive(lo) || !isPositive(hi)) return null;
  // 'up to 2 tabs' means anything from one to two.
  return { min: upTo ? minRatio(ratio(1), hi) : lo, max: hi, unit, stated: true, upTo };
}

function findDose(rest: string, notes: string[]): Dose {
  const counted: Dose[] = [];
  let mass: Dose | null = null;
  DOSE.lastIndex = 0;
  for (let m = DOSE.exec(rest); m; m = DOSE.exec(rest)) {
    const unit = canonicalUnit(m[4]);
    if (!unit || unit.kind === 'package') continue;
    const dose = doseFromMatch(m, unit);
    if (!dose) continue;
    if (unit.kind === 'mass') mass ??= dose;
    else if (counted.length === 0 || counted[0]?.unit?.unit === unit.unit) counted.push(dose);
  }
  const first = counted[0];
  if (first) {
    if (counted.length === 1) return first;
    // '2 tabs qam and 1 tab qhs': different amounts at different times; keep the whole range.
    notes.push('different amounts at different times: the range of amounts was used');
    return counted.reduce((acc, d) => ({ ...acc, min: minRatio(acc.min, d.min), max: maxRatio(acc.max, d.max) }));
  }
  if (mass) return mass;
  const bare = BARE_NUMBER.exec(rest);
  if (bare) {
    const dose = doseFromMatch(bare, null);
    if (dose) {
      const unitWord = BARE_UNIT.exec(rest);
      const unit = canonicalUnit(unitWord?.[1]);
      return unit && unit.kind !== 'package' && unit.kind !== 'mass' ? { ...dose, unit } : dose;
    }
  }
  const unitWord = BARE_UNIT.exec(rest);
  const unit = canonicalUnit(unitWord?.[1]);
  return {
    min: ratio(1),
    max: ratio(1),
    unit: unit && unit.kind !== 'package' && unit.kind !== 'mass' ? unit : null,
    stated: false,
    upTo: false,
  };
}

/** The exact parse behind parseSig; null when no frequency (or daily maximum) can be found. */
export function parseSigExact(sig: string): ExactSig | null {
  if (typeof sig !== 'string') return null;
  let s = normalizeSigText(sig);
  if (s.length === 0) return null;
  const notes: string[] = [];
  let quantityInSig: number | null = null;
  const mayHaveQuantity = s.includes('#') || s.includes('qty') || s.includes('quantity') || s.includes('disp') || s.includes('refill');
  if (mayHaveQuantity) {
    // '#30' inside a sig is the dispense quantity, never a dose; refills are not doses either.
    s = s.replace(QUANTITY_IN_SIG, (m) => {
      const n = /^(?:#|q|d)/.test(m) ? num(/\d+(?:\.\d+)?/.exec(m)?.[0]) : Number.NaN;
      if (quantityInSig === null && valid(n, 100_000)) quantityInSig = n;
      return ' '.repeat(m.length);
    });
  }
  const prn = PRN.test(s);
  const whileAwake = (s.includes('awake') || s.includes('wa')) && WHILE_AWAKE.test(s);

  let capAmount: Ratio | null = null;
  let capUnit: CanonicalUnit | null = null;
  let capIsDoses = false;
  const mayHaveCap = s.includes('max') || s.includes('exceed') || s.includes('nte') || s.includes('more than') || s.includes('up to');
  const cap = mayHaveCap ? (CAP.exec(s) ?? CAP_DAILY_DOSE.exec(s)) : null;
  if (cap) {
    const amount = num(cap[1]);
    if (valid(amount, 1_000_000)) {
      capUnit = canonicalUnit(cap[2]);
      capIsDoses = /^doses?$/.test(cap[2] ?? '');
      capAmount = mul(fromDecimal(amount), fromDecimal(capUnit?.factor ?? 1));
      if (capUnit?.kind === 'package') capAmount = null;
    }
    s = blank(s, cap.index, cap[0].length);
  }

  let durationDays: Ratio | null = null;
  const duration = /\b(?:x|for|times|over)\s*\d/.test(s) ? DURATION.exec(s) : null;
  if (duration) {
    const a = num(duration[1]);
    const b = duration[2] === undefined ? a : num(duration[2]);
    const per = periodDays(duration[3] ?? 'day');
    if (valid(a, 3650) && valid(b, 3650)) {
      durationDays = mul(fromDecimal(Math.min(a, b)), ratio(per));
      if (a !== b) notes.push(`duration given as a range (${rangeText(a, b)}): the shorter was used`);
    }
    s = blank(s, duration.index, duration[0].length);
  } else {
    const supply = s.includes('supply') ? DURATION_SUPPLY.exec(s) : null;
    if (supply) {
      const a = num(supply[1]);
      if (valid(a, 3650)) durationDays = mul(fromDecimal(a), ratio(periodDays(supply[2] ?? 'day')));
      s = blank(s, supply.index, supply[0].length);
    }
  }
  let totalDoses: Ratio | null = null;
  const doseCount = s.includes('dose') ? DOSE_COUNT.exec(s) : null;
  if (doseCount) {
    const a = num(doseCount[1]);
    if (valid(a, 1000)) totalDoses = fromDecimal(a);
    s = blank(s, doseCount.index, doseCount[0].length);
  }

  const found = findFrequency(s);
  const rest = found ? found.rest : s;
  const dose = findDose(rest, notes);

  let capUnits: Ratio | null = null;
  let capMassMg: Ratio | null = null;
  let capDoses: Ratio | null = null;
  if (capAmount) {
    if (capIsDoses) capDoses = capAmount;
    else if (capUnit?.kind === 'mass' && dose.unit?.kind !== 'mass') capMassMg = capAmount;
    else if (!capUnit || !dose.unit || capUnit.kind === dose.unit.kind || (capUnit.kind === 'discrete' && dose.unit.kind === 'discrete')) capUnits = capAmount;
    else notes.push('the daily maximum is in a different unit from the dose and was not applied');
  }

  let freq: FoundFrequency | null = found ? found.freq : null;
  if (!freq) {
    // No frequency, but 'max 4 tabs/day' still says how fast the supply can go.
    if (capDoses) freq = { min: capDoses, max: capDoses, text: `up to ${fmt(toNumber(capDoses))} times a day`, upTo: true };
    else if (capUnits) {
      const perDay = div(capUnits, dose.max);
      freq = { min: perDay, max: perDay, text: `up to ${fmt(toNumber(perDay))} times a day`, upTo: true };
    }
    if (!freq) return null;
    notes.push('no frequency given: the daily maximum was used');
  }
  if (whileAwake) notes.push('"while awake" counted round the clock, an upper bound (every 4 hours = 6 a day)');
  if (freq.single) {
    notes.push('single dose');
    durationDays ??= ratio(1);
  }
  if (!dose.stated) notes.push(dose.unit ? `amount not given: 1 ${dose.unit.abbrev} assumed` : 'amount not given: 1 assumed');
  if (dose.unit?.kind === 'mass') notes.push('dose given as a mass: the strength is needed to count tablets or mL');
  if (totalDoses && !durationDays) durationDays = div(totalDoses, freq.max);

  return {
    unitsMin: dose.min,
    unitsMax: dose.max,
    unitsStated: dose.stated,
    unit: dose.unit,
    dosesPerDayMin: minRatio(freq.min, freq.max),
    dosesPerDayMax: maxRatio(freq.min, freq.max),
    capUnits,
    capMassMg,
    capDoses,
    prn,
    upTo: freq.upTo || dose.upTo,
    durationDays,
    totalDoses,
    quantityInSig,
    frequencyText: freq.text,
    notes,
  };
}

function abbrevPlural(unit: CanonicalUnit, count: number): string {
  const a = unit.abbrev;
  if (count <= 1 || a === 'mL' || a === 'mg') return a;
  return a === 'patch' ? 'patches' : `${a}s`;
}

/** '1-2 tabs every 4-6 hours as needed'. */
export function describeSig(p: ExactSig): string {
  const freq = `${p.upTo && !p.frequencyText.startsWith('up to') ? 'up to ' : ''}${p.frequencyText}`;
  const prn = p.prn ? ' as needed' : '';
  if (!p.unitsStated) return `${freq}${prn}`;
  const lo = toNumber(p.unitsMin);
  const hi = toNumber(p.unitsMax);
  const amount = rangeText(lo, hi);
  const unit = p.unit ? ` ${abbrevPlural(p.unit, hi)}` : '';
  return `${amount}${unit} ${freq}${prn}`;
}

/** Doses a day after any daily maximum, as [min, max] (min never above max). */
export function cappedDosesPerDay(p: ExactSig): [Ratio, Ratio] {
  let hi = p.dosesPerDayMax;
  if (p.capDoses) hi = minRatio(hi, p.capDoses);
  if (p.capUnits) hi = minRatio(hi, div(p.capUnits, p.unitsMax));
  let lo = p.dosesPerDayMin;
  if (p.capDoses) lo = minRatio(lo, p.capDoses);
  return [minRatio(lo, hi), hi];
}

/**
 * Read a free-text sig ('1-2 tab po q4-6h prn pain', 'ss qhs', 'apply 1 patch q72h').
 * Returns null when no frequency can be found. Never throws.
 */
export function parseSig(sig: string): SigParse | null {
  const p = parseSigExact(sig);
  if (!p) return null;
  const mass = p.unit?.kind === 'mass';
  const [lo, hi] = cappedDosesPerDay(p);
  const result: SigParse = {
    unitsPerDoseMin: mass ? 1 : toNumber(p.unitsMin),
    unitsPerDoseMax: mass ? 1 : toNumber(p.unitsMax),
    dosesPerDayMin: toNumber(lo),
    dosesPerDayMax: toNumber(hi),
    prn: p.prn,
    volumeMl: p.unit?.kind === 'volume',
    notes: [...p.notes],
    description: describeSig(p),
  };
  if (p.durationDays) result.durationDays = toNumber(p.durationDays);
  if (p.unit) result.doseUnit = p.unit.unit;
  if (mass) result.doseMass = { min: toNumber(p.unitsMin), max: toNumber(p.unitsMax), unit: 'mg' };
  if (p.capUnits) result.maxUnitsPerDay = toNumber(p.capUnits);
  return result;
}

const QUANTITY = new RegExp(`(?<![\\d.])${N}\\s*(${UNIT_WORDS})?(?![a-z])`);
const PACKAGE_CONTENT = new RegExp(`\\(\\s*${N}\\s*(${UNIT_WORDS})\\s*\\)`);
const UNIT_AFTER_REPEAT = new RegExp(`^\\s*(?:\\([^)]*\\))?\\s*(${UNIT_WORDS})(?![a-z])`);
const MASS_NAMES: Readonly<Record<number, string>> = { 1: 'mg', 0.001: 'mcg', 1000: 'g' };

/**
 * A dispense quantity: '#40', '40', 'thirty (30)', '30 tabs', '120 mL', 'ss' (0.5).
 * A package with its contents ('1 bottle (120 mL)') gives the contents. Null when no number.
 */
export function parseQuantity(text: string): { value: number; unit?: string } | null {
  if (typeof text !== 'string') return null;
  const s = normalizeSigText(text);
  const m = QUANTITY.exec(s);
  if (!m) return null;
  let value = num(m[1]);
  let unit = canonicalUnit(m[2]);
  if (unit?.kind === 'package') {
    const inner = PACKAGE_CONTENT.exec(s.slice(m.index + m[0].length));
    const innerUnit = canonicalUnit(inner?.[2]);
    if (inner && innerUnit && innerUnit.kind !== 'package') {
      value = num(inner[1]);
      unit = innerUnit;
    }
  } else if (!unit) {
    // '30 (thirty) tablets' or '#30 tabs': the unit may come after the repeated number.
    const after = UNIT_AFTER_REPEAT.exec(s.slice(m.index + m[0].length));
    unit = canonicalUnit(after?.[1]);
  }
  // Volumes become mL; masses keep the unit written (a 30 g tube is '30 g', not 30000 mg).
  let unitName = unit?.unit;
  if (unit?.kind === 'mass') unitName = MASS_NAMES[unit.factor] ?? 'mg';
  else if (unit) value *= unit.factor;
  value = Math.round(value * 1e6) / 1e6;
  if (!Number.isFinite(value) || value <= 0) return null;
  return unitName ? { value, unit: unitName } : { value };
}
