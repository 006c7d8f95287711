/**
 * What the indicators need to know about a fill's drug: its class, the ingredient the MME table
 * is keyed on, and whether it is a long-acting opioid. Uses the app's controlled-substance
 * catalogue (brand names such as Suboxone or Butrans resolve to their ingredient).
 */
import { classifyDrug } from '../drugs/catalogue';
import type { Fill } from '../pmp/history';
import type { FillCategory } from './schema';

export interface DrugInfo {
  category: FillCategory;
  ingredient?: string;
  longActing: boolean;
  transdermal: boolean;
}

// Extended-release words and brands, transdermal and buccal systems: the FDA ER/LA opioid class.
const LONG_ACTING_TEXT =
  /\b(er|xr|sr|cr|la|xl|extended|sustained|controlled[- ]release|24 ?hr?|12 ?hr?|contin|oxycontin|hysingla|zohydro|xtampza|kadian|exalgo|arymo|embeda|conzip|transdermal|patch(es)?|duragesic|butrans|belbuca)\b/i;
const TRANSDERMAL_TEXT = /\b(transdermal|patch(es)?|duragesic|butrans|td)\b|\bmcg\s*\/\s*(hr|h)\b/i;

/** By drug text, then the other fields the class depends on: no key string to build per fill. */
interface Cached {
  ndc: string | undefined;
  rxcui: string | undefined;
  strengthUnit: string | undefined;
  ingredient: string | undefined;
  info: DrugInfo;
}
const cache = new Map<string, Cached[]>();
const CACHE_LIMIT = 5000;
let cached = 0;

function compute(fill: Fill): DrugInfo {
  const c = classifyDrug(fill.drug, { ...(fill.ndc ? { ndc: fill.ndc } : {}), ...(fill.rxcui ? { rxcui: fill.rxcui } : {}) });
  const ingredient = c.ingredient ?? fill.ingredient;
  const transdermal = TRANSDERMAL_TEXT.test(fill.drug) || fill.strengthUnit === 'mcg/hr';
  let category: FillCategory = 'other';
  if (ingredient === 'buprenorphine') category = 'buprenorphine';
  else if (c.opioid) category = 'opioid';
  else if (c.benzodiazepine) category = 'benzodiazepine';
  else if (c.drugClass === 'stimulant') category = 'stimulant';
  const isOpioid = category === 'opioid' || category === 'buprenorphine';
  // Methadone is long-acting by its half-life whatever the label says; sublingual buprenorphine
  // for opioid use disorder is not in the ER/LA class (its label has no ER words).
  const longActing = isOpioid && (ingredient === 'methadone' || transdermal || LONG_ACTING_TEXT.test(fill.drug));
  const info: DrugInfo = { category, longActing, transdermal };
  if (ingredient) info.ingredient = ingredient;
  return info;
}

/** Class, ingredient and long-acting status of a fill's drug (memoized: histories repeat drugs). */
export function drugInfo(fill: Fill): DrugInfo {
  let list = cache.get(fill.drug);
  const hit = list?.find((c) => c.ndc === fill.ndc && c.rxcui === fill.rxcui && c.strengthUnit === fill.strengthUnit && c.ingredient === fill.ingredient);
  if (hit) return hit.info;
  if (cached >= CACHE_LIMIT) {
    cache.clear();
    cached = 0;
    list = undefined;
  }
  const info = compute(fill);
  const entry: Cached = { ndc: fill.ndc, rxcui: fill.rxcui, strengthUnit: fill.strengthUnit, ingredient: fill.ingredient, info };
  if (list) list.push(entry);
  else cache.set(fill.drug, [entry]);
  cached += 1;
  return info;
}
