import { z } from 'zod/mini'; // the content script loads this module: no classic zod (lib/messaging/content-bundle.test.ts)
import { canonicalUnit, unitLabel, type CanonicalUnit } from './normalize';
import { compare, div, fromDecimal, isPositive, minRatio, mul, ratio, toNumber, type Ratio } from './ratio';
import { cappedDosesPerDay, describeSig, parseQuantity, parseSigExact, type ExactSig } from './sig';

export const DaysSupplyResult = z.object({
  /** The conservative reading: the SHORTEST supply the prescriber could mean. */
  daysSupply: z.nullable(z.number()),
  min: z.nullable(z.number()),
  max: z.nullable(z.number()),
  dosesPerDay: z.nullable(z.number()),
  dosesPerDayMin: z.nullable(z.number()),
  dosesPerDayMax: z.nullable(z.number()),
  source: z.enum(['given', 'computed', 'duration', 'unknown']),
  uncertain: z.boolean(),
  explanation: z.string(),
});
export type DaysSupplyResult = z.infer<typeof DaysSupplyResult>;

export interface DaysSupplyInput {
  sig?: string;
  quantity?: number;
  quantityText?: string;
  quantityUnit?: string;
  /** '5 mg', '5-325 mg', '10 mg/5 mL': used to turn a dose in mg into tablets or mL. */
  strength?: string;
  /** Days supply entered in the EHR: it wins, but is still checked against the sig. */
  daysSupply?: number;
  durationDays?: number;
  /** Structured frequency from the EHR; overrides the sig's. */
  dosesPerDay?: number;
  /** Structured amount per dose in dispensing units; overrides the sig's. */
  dose?: number;
}

// Amounts below 1e-4 cannot be kept exactly (six decimals) and are never real quantities or doses.
const within = (x: unknown, max: number): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 1e-4 && x <= max;
// Upper bounds far beyond any real order, so exact arithmetic stays inside safe integers.
const positive = (x: unknown): x is number => within(x, 1e7);
const plausibleDose = (x: unknown): x is number => within(x, 10_000);
const plausibleDosesPerDay = (x: unknown): x is number => within(x, 1440);
const plausibleDays = (x: unknown): x is number => within(x, 36_500);

function fmt(x: number): string {
  return String(Math.round(x * 100) / 100);
}

function days(x: number): string {
  return `${fmt(x)} ${x === 1 ? 'day' : 'days'}`;
}

interface Strength {
  componentsMg: number[];
  /** Amount of product the components are in: 5 (mL) for '10 mg/5 mL', 1 otherwise. */
  per: Ratio;
  perUnit: CanonicalUnit | null;
}

const STRENGTH =
  /(\d+(?:\.\d+)?(?:\s*[-/]\s*\d+(?:\.\d+)?)*)\s*(mg|mcg|ug|µg|g|gm)\b(?:\s*(?:\/|per)\s*(\d+(?:\.\d+)?)?\s*(ml|hr|h|hour|tabs?|tablets?|caps?|capsules?|actuations?|sprays?|doses?)\b)?/;

function parseStrength(text: string | undefined): Strength | null {
  if (typeof text !== 'string') return null;
  const m = STRENGTH.exec(text.slice(0, 200).toLowerCase());
  if (!m) return null;
  const unit = canonicalUnit(m[2]);
  const factor = unit?.factor ?? 1;
  const componentsMg = (m[1] ?? '')
    .split(/\s*[-/]\s*/)
    .map((x) => Number(x) * factor)
    .filter((x) => within(x, 1e7));
  if (componentsMg.length === 0) return null;
  const perAmount = m[3] === undefined ? 1 : Number(m[3]);
  const perUnit = m[4] === 'ml' ? canonicalUnit('ml') : null;
  // '12 mcg/hr' is a patch's rate: each patch is one unit, so it counts like '12 mcg' per unit.
  const per = perUnit && positive(perAmount) ? fromDecimal(perAmount) : ratio(1);
  return { componentsMg, per, perUnit };
}

/**
 * Units of product per mg of dose. In a combination ('5-325 mg', '300-30 mg') the component that
 * divides the dose into whole or half units is taken to be the drug the dose refers to.
 */
function unitsPerMg(doseMg: Ratio, strength: Strength): { factor: Ratio; note?: string } {
  const dose = toNumber(doseMg);
  let chosen = strength.componentsMg[0] ?? 1;
  if (strength.componentsMg.length > 1) {
    const fit = strength.componentsMg.find((c) => {
      const n = dose / c;
      return n >= 0.25 && n <= 20 && Math.abs(n * 2 - Math.round(n * 2)) < 1e-9;
    });
    if (fit !== undefined) chosen = fit;
  }
  return {
    factor: div(strength.per, fromDecimal(chosen)),
    ...(strength.componentsMg.length > 1 ? { note: `the ${fmt(chosen)} mg component of the strength was matched to the dose` } : {}),
  };
}

function compatible(dose: CanonicalUnit | null, qty: CanonicalUnit | null): boolean {
  if (!dose || !qty) return true;
  if (qty.kind === 'package') return false;
  return dose.kind === qty.kind;
}

function unknownResult(explanation: string, sig: ExactSig | null, dosesOverride: Ratio | null): DaysSupplyResult {
  const [lo, hi] = sig ? cappedDosesPerDay(sig) : [null, null];
  const dMin = dosesOverride ?? lo;
  const dMax = dosesOverride ?? hi;
  return {
    daysSupply: null,
    min: null,
    max: null,
    dosesPerDay: dMax ? toNumber(dMax) : null,
    dosesPerDayMin: dMin ? toNumber(dMin) : null,
    dosesPerDayMax: dMax ? toNumber(dMax) : null,
    source: 'unknown',
    uncertain: true,
    explanation,
  };
}

interface Computed {
  min: Ratio;
  max: Ratio;
  dosesLo: Ratio;
  dosesHi: Ratio;
  phrase: string;
}

/**
 * Days supply of an order. An EHR-entered value wins; otherwise quantity / (amount per dose x
 * doses a day), keeping both ends of any range and reporting the shortest as `daysSupply`.
 * Arithmetic is exact; rounding happens only in the explanation.
 */
export function computeDaysSupply(input: DaysSupplyInput): DaysSupplyResult {
  const notes: string[] = [];
  const sig = typeof input.sig === 'string' && input.sig.trim() !== '' ? parseSigExact(input.sig) : null;

  // ---- amount per dose and doses a day
  let unitsMin: Ratio | null = sig ? sig.unitsMin : null;
  let unitsMax: Ratio | null = sig ? sig.unitsMax : null;
  let doseUnit: CanonicalUnit | null = sig ? sig.unit : null;
  let capUnits: Ratio | null = sig ? sig.capUnits : null;
  let why = sig ? '' : 'there is no sig to read';
  let massConverted = false;
  if (typeof input.sig === 'string' && input.sig.trim() !== '' && !sig) why = 'the sig has no frequency';
  const strength = parseStrength(input.strength);
  if (sig && doseUnit?.kind === 'mass' && unitsMin && unitsMax) {
    if (strength) {
      const { factor, note } = unitsPerMg(unitsMax, strength);
      if (note) notes.push(note);
      unitsMin = mul(unitsMin, factor);
      unitsMax = mul(unitsMax, factor);
      if (capUnits) capUnits = mul(capUnits, factor);
      doseUnit = strength.perUnit;
      notes.push(`dose in mg converted with the strength ${input.strength ?? ''}`.trim());
      massConverted = true;
    } else {
      unitsMin = null;
      unitsMax = null;
      why = 'the dose is in mg and there is no strength to convert it into tablets or mL';
    }
  }
  if (sig?.capMassMg && strength) {
    const { factor } = unitsPerMg(sig.capMassMg, strength);
    const cap = mul(sig.capMassMg, factor);
    capUnits = capUnits ? minRatio(capUnits, cap) : cap;
  }
  if (plausibleDose(input.dose)) {
    unitsMin = fromDecimal(input.dose);
    unitsMax = unitsMin;
    if (doseUnit?.kind === 'mass') doseUnit = null;
  }
  let dosesLo: Ratio | null = null;
  let dosesHi: Ratio | null = null;
  // The lowest reading is taken before the daily maximum couples it to the highest dose:
  // '1-2 tabs q4-6h, max 6/day' can still mean 1 tab every 6 hours (4 a day).
  let dosesLoUncapped: Ratio | null = null;
  if (sig) {
    [dosesLo, dosesHi] = cappedDosesPerDay(sig);
    dosesLoUncapped = sig.capDoses ? minRatio(sig.dosesPerDayMin, sig.capDoses) : sig.dosesPerDayMin;
  }
  let structured = false;
  if (plausibleDosesPerDay(input.dosesPerDay)) {
    dosesLo = fromDecimal(input.dosesPerDay);
    dosesHi = dosesLo;
    dosesLoUncapped = dosesLo;
    structured = true;
    if (!unitsMin || !unitsMax) {
      unitsMin = unitsMax = unitsMin ?? ratio(1);
    }
    if (why === 'there is no sig to read' || why === 'the sig has no frequency') why = '';
  }

  // ---- quantity
  let qty: Ratio | null = null;
  let qtyUnit: CanonicalUnit | null = null;
  if (positive(input.quantity)) {
    qty = fromDecimal(input.quantity);
    qtyUnit = canonicalUnit(input.quantityUnit);
  } else if (typeof input.quantityText === 'string') {
    const parsed = parseQuantity(input.quantityText);
    if (parsed && positive(parsed.value)) {
      qty = fromDecimal(parsed.value);
      qtyUnit = canonicalUnit(input.quantityUnit) ?? canonicalUnit(parsed.unit);
    }
  }
  if (!qty && sig?.quantityInSig) {
    qty = fromDecimal(sig.quantityInSig);
    qtyUnit = canonicalUnit(input.quantityUnit);
    notes.push(`quantity #${fmt(sig.quantityInSig)} taken from the sig`);
  }
  if (qty && qtyUnit && qtyUnit.kind !== 'package' && qtyUnit.factor !== 1) qty = mul(qty, fromDecimal(qtyUnit.factor));
  if (qty && !isPositive(qty)) qty = null;

  // ---- the computation
  let computed: Computed | null = null;
  if (!qty) {
    why ||= 'there is no quantity';
  } else if (!unitsMin || !unitsMax || !dosesLo || !dosesHi) {
    why ||= 'the sig could not be read';
  } else if (!compatible(doseUnit, qtyUnit)) {
    why = `the quantity is in ${qtyUnit ? unitLabel(qtyUnit.unit, 2) : 'other units'} but the dose is in ${doseUnit ? unitLabel(doseUnit.unit, 2) : 'other units'}`;
  } else {
    let hi = dosesHi;
    if (capUnits) hi = minRatio(hi, div(capUnits, unitsMax));
    const lo = minRatio(dosesLo, hi);
    let dailyMax = mul(unitsMax, hi);
    let dailyMin = mul(unitsMin, dosesLoUncapped ?? lo);
    if (capUnits) dailyMax = minRatio(dailyMax, capUnits);
    dailyMin = minRatio(dailyMin, dailyMax);
    if (isPositive(dailyMax) && isPositive(dailyMin)) {
      const min = div(qty, dailyMax);
      const max = div(qty, dailyMin);
      if (isPositive(min) && isPositive(max) && Number.isFinite(toNumber(min)) && Number.isFinite(toNumber(max))) {
        const unit = qtyUnit ?? doseUnit;
        const q = toNumber(qty);
        const dMax = toNumber(dailyMax);
        const looseUse = (sig?.prn ?? false) || (sig?.upTo ?? false);
        const perDayUnit = unit?.kind === 'volume' ? ' mL' : '';
        const rate =
          dMax >= 1
            ? `${looseUse || compare(min, max) !== 0 ? 'up to ' : ''}${fmt(dMax)}${perDayUnit} a day`
            : `${fmt(toNumber(unitsMax))} every ${days(toNumber(div(ratio(1), hi)))}`;
        let phrase = `${fmt(q)} ${unitLabel(unit?.unit, q)} at ${rate} lasts ${looseUse ? 'at least ' : ''}${days(toNumber(min))}`;
        if (compare(min, max) !== 0) {
          phrase += ` (${days(toNumber(max))} at the lowest reading, ${fmt(toNumber(dailyMin))}${perDayUnit} a day); the shortest reading was used`;
        }
        if (sig && !structured) phrase += ` (${describeSig(sig)})`;
        else if (structured) phrase += ` (${fmt(toNumber(unitsMax))} per dose, ${fmt(toNumber(hi))} doses a day from the order)`;
        computed = { min, max, dosesLo: lo, dosesHi: hi, phrase };
      }
    }
    if (!computed) why = 'the numbers in the sig do not give a usable rate';
  }

  const durationDays = plausibleDays(input.durationDays) ? fromDecimal(input.durationDays) : (sig?.durationDays ?? null);
  const sigNotes = (sig?.notes ?? []).filter((n) => !(massConverted && n.startsWith('dose given as a mass')));
  const notesText = [...sigNotes, ...notes];
  const suffix = notesText.length > 0 ? ` Note: ${notesText.join('; ')}.` : '';
  const doses = computed
    ? { dosesPerDay: toNumber(computed.dosesHi), dosesPerDayMin: toNumber(computed.dosesLo), dosesPerDayMax: toNumber(computed.dosesHi) }
    : {
        dosesPerDay: dosesHi ? toNumber(dosesHi) : null,
        dosesPerDayMin: dosesLo ? toNumber(dosesLo) : null,
        dosesPerDayMax: dosesHi ? toNumber(dosesHi) : null,
      };

  // ---- which answer wins
  if (typeof input.daysSupply === 'number' && Number.isFinite(input.daysSupply) && input.daysSupply > 0) {
    const given = input.daysSupply;
    let uncertain = false;
    let explanation = `${days(given)} as entered in the EHR`;
    if (computed) {
      const lo = toNumber(computed.min);
      const hi = toNumber(computed.max);
      // Pharmacies round days supply to whole days, so a whole-day difference is not a conflict.
      const agrees = given >= Math.floor(lo) && given <= Math.ceil(hi);
      uncertain = !agrees;
      explanation += agrees
        ? `; it agrees with the sig and quantity: ${computed.phrase}`
        : `; it does NOT agree with the sig and quantity: ${computed.phrase}`;
    }
    return {
      daysSupply: given,
      min: computed ? toNumber(computed.min) : null,
      max: computed ? toNumber(computed.max) : null,
      ...doses,
      source: 'given',
      uncertain,
      explanation: explanation + '.' + suffix,
    };
  }
  if (computed) {
    let explanation = computed.phrase;
    if (durationDays && !(compare(durationDays, computed.min) >= 0 && compare(durationDays, computed.max) <= 0)) {
      explanation += `; the order also states a duration of ${days(toNumber(durationDays))}`;
    }
    return {
      daysSupply: toNumber(computed.min),
      min: toNumber(computed.min),
      max: toNumber(computed.max),
      ...doses,
      source: 'computed',
      uncertain: compare(computed.min, computed.max) !== 0,
      explanation: explanation + '.' + suffix,
    };
  }
  if (durationDays && isPositive(durationDays)) {
    const d = toNumber(durationDays);
    return {
      daysSupply: d,
      min: d,
      max: d,
      ...doses,
      source: 'duration',
      uncertain: false,
      explanation: `${days(d)} from the stated duration (not computed from the quantity: ${why || 'not enough information'}).${suffix}`,
    };
  }
  const result = unknownResult(`Days supply unknown: ${why || 'not enough information'}.${suffix}`, sig, structured ? dosesHi : null);
  return { ...result, ...doses };
}
