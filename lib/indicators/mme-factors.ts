/**
 * Morphine milligram equivalent (MME) conversion factors, per mg/day of the opioid (fentanyl:
 * per mcg/hr of a transdermal patch).
 *
 * - CDC 2022: Dowell D et al., CDC Clinical Practice Guideline for Prescribing Opioids for Pain,
 *   MMWR Recomm Rep 2022;71(3), Table (adapted from Von Korff 2008 and Nielsen 2016).
 * - CDC 2016: Dowell D et al., CDC Guideline for Prescribing Opioids for Chronic Pain, MMWR 2016;
 *   65(1) / JAMA 2016;315:1624, Table 4 (methadone tiered by daily dose).
 *
 * Buprenorphine is in neither table (a partial agonist: MME would mislead), so it has no factor
 * and is shown apart. CDC: never use MME to convert a patient from one opioid to another.
 */
import type { MmeTable } from './settings';

export interface MmeFactor {
  factor: number;
  /** Where the number comes from, shown in the "why" of a dose. */
  basis: string;
}

type Table = Readonly<Record<string, number | ((mgPerDay: number) => MmeFactor)>>;

const CDC_2022: Table = {
  codeine: 0.15,
  fentanyl: 2.4,
  hydrocodone: 1,
  hydromorphone: 5,
  methadone: 4.7,
  morphine: 1,
  oxycodone: 1.5,
  oxymorphone: 3,
  tapentadol: 0.4,
  tramadol: 0.2,
};

/** CDC 2016 Table 4 tiers; its last row reads "≥61–80", and 12 is kept above 80 mg/day as well. */
function methadone2016(mgPerDay: number): MmeFactor {
  if (mgPerDay <= 20) return { factor: 4, basis: 'CDC 2016, methadone 1–20 mg/day' };
  if (mgPerDay <= 40) return { factor: 8, basis: 'CDC 2016, methadone 21–40 mg/day' };
  if (mgPerDay <= 60) return { factor: 10, basis: 'CDC 2016, methadone 41–60 mg/day' };
  return { factor: 12, basis: 'CDC 2016, methadone over 60 mg/day' };
}

const CDC_2016: Table = {
  codeine: 0.15,
  fentanyl: 2.4,
  hydrocodone: 1,
  hydromorphone: 4,
  methadone: methadone2016,
  morphine: 1,
  oxycodone: 1.5,
  oxymorphone: 3,
  tapentadol: 0.4,
  // Not in the 2016 guideline's table; 0.1 is the value of CDC's conversion data file of that
  // era, which the 2022 guideline replaced with 0.2. [unverified]
  tramadol: 0.1,
};

const TABLES: Readonly<Record<MmeTable, Table>> = { 'cdc-2022': CDC_2022, 'cdc-2016': CDC_2016 };

export const MME_TABLE_LABELS: Readonly<Record<MmeTable, string>> = {
  'cdc-2022': 'CDC 2022 guideline',
  'cdc-2016': 'CDC 2016 guideline (tiered methadone)',
};

// Fixed factors with their "basis" text, made once per table and ingredient (asked once per fill).
const FIXED: Readonly<Record<MmeTable, Map<string, MmeFactor>>> = { 'cdc-2022': new Map(), 'cdc-2016': new Map() };

/** The conversion factor for an ingredient at a daily dose, or null when the table has none. */
export function mmeFactor(table: MmeTable, ingredient: string, dailyDose: number): MmeFactor | null {
  const known = FIXED[table].get(ingredient);
  if (known) return known;
  const entry = TABLES[table][ingredient.toLowerCase()];
  if (entry === undefined) return null;
  if (typeof entry === 'function') return entry(dailyDose);
  const fixed: MmeFactor = Object.freeze({ factor: entry, basis: `${MME_TABLE_LABELS[table]}, ${ingredient.toLowerCase()} × ${String(entry)}` });
  FIXED[table].set(ingredient, fixed);
  return fixed;
}

/** Ingredients a table can convert (for tests and the options page). */
export function mmeIngredients(table: MmeTable): string[] {
  return Object.keys(TABLES[table]);
}
