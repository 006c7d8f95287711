/**
 * Per-fill daily dose and MME/day: strength × (quantity ÷ days supply) × factor (DOMAIN.md).
 * A transdermal patch is worn for several days, so a patch's daily rate is its mcg/hr strength
 * times the share of days the dispensed patches cover — CDC's data file does the same with a
 * per-patch factor of 7.2 (= 2.4 × 3 days) for fentanyl.
 */
import type { Fill } from '../pmp/history';
import { dayNumber, isoDay } from './dates';
import type { DrugInfo } from './drug-info';
import { mmeFactor } from './mme-factors';
import type { FillInfo } from './schema';
import type { MmeTable } from './settings';

// Days one patch is worn: fentanyl 72 hours, buprenorphine (Butrans) 7 days.
const PATCH_DAYS: Readonly<Record<string, number>> = { fentanyl: 3, buprenorphine: 7 };

const ML = /^(ml|milliliters?|millilitres?)$/i;

function round(n: number, places = 2): number {
  const f = 10 ** places;
  return Math.round(n * f) / f;
}

interface Dose {
  value: number;
  unit: 'mg/day' | 'mcg/hr';
}

/** Daily dose, or the reason there is none. */
function dailyDose(fill: Fill, info: DrugInfo): Dose | string {
  const strength = fill.strengthValue;
  const unit = fill.strengthUnit;
  if (!(fill.daysSupply > 0) || !Number.isFinite(fill.daysSupply)) return 'the PMP gave no days supply';
  if (!(fill.quantity > 0) || !Number.isFinite(fill.quantity)) return 'the PMP gave no quantity';
  if (strength === undefined || unit === undefined || !(strength > 0)) return 'the strength could not be read from the drug name';
  const perDay = fill.quantity / fill.daysSupply;
  if (unit === 'mcg/hr') {
    const patchDays = PATCH_DAYS[info.ingredient ?? ''] ?? 3;
    return { value: strength * perDay * patchDays, unit: 'mcg/hr' };
  }
  if (unit === 'mg') return { value: strength * perDay, unit: 'mg/day' };
  if (unit === 'mcg') return { value: (strength / 1000) * perDay, unit: 'mg/day' };
  if (unit === 'mg/mL') {
    if (fill.quantityUnit !== undefined && !ML.test(fill.quantityUnit.trim())) return `a liquid dispensed in ${fill.quantityUnit}, not mL`;
    return { value: strength * perDay, unit: 'mg/day' };
  }
  return `the strength unit ${unit} cannot be converted`;
}

/** Everything the indicators need about one fill. Throws nothing: problems are reported. */
export function fillInfo(fill: Fill, info: DrugInfo, table: MmeTable): FillInfo {
  const start = dayNumber(fill.dispensedOn);
  // At least one day: a fill with 0 days supply was still dispensed on its date.
  const days = Number.isFinite(fill.daysSupply) && fill.daysSupply >= 1 ? Math.round(fill.daysSupply) : 1;
  const out: FillInfo = {
    fillId: fill.id,
    category: info.category,
    longActing: info.longActing,
    start: fill.dispensedOn,
    end: isoDay(start + days - 1),
    dailyDose: null,
    doseUnit: null,
    mmePerDay: null,
    mmeFactor: null,
  };
  if (info.ingredient) out.ingredient = info.ingredient;
  if (info.category !== 'opioid' && info.category !== 'buprenorphine') return out;

  const dose = dailyDose(fill, info);
  if (typeof dose === 'string') {
    if (info.category === 'opioid') out.mmeProblem = dose;
    return out;
  }
  out.dailyDose = round(dose.value, 3);
  out.doseUnit = dose.unit;
  if (info.category === 'buprenorphine') return out;

  const ingredient = info.ingredient ?? '';
  if (ingredient === 'fentanyl' && dose.unit !== 'mcg/hr') {
    out.mmeProblem = 'only transdermal fentanyl has a factor in the CDC table';
    return out;
  }
  if (dose.unit === 'mcg/hr' && ingredient !== 'fentanyl') {
    out.mmeProblem = `no factor for a ${ingredient || 'transdermal'} patch in the CDC table`;
    return out;
  }
  const factor = mmeFactor(table, ingredient, dose.value);
  if (!factor) {
    out.mmeProblem = ingredient ? `no conversion factor for ${ingredient} in the selected table` : 'the opioid could not be identified';
    return out;
  }
  out.mmeFactor = factor.factor;
  out.mmeBasis = factor.basis;
  out.mmePerDay = round(dose.value * factor.factor, 1);
  return out;
}
