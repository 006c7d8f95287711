/**
 * Text clean-up shared by the sig and quantity parsers: Latin abbreviations with dots, number
 * words, fractions and the "two (2)" habit all become plain digits and words, so each parser's
 * patterns only have to know one spelling.
 */

/** Longest sig worth reading; bounds the work per call on hostile input. */
export const MAX_SIG_LENGTH = 300;

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9,
  ten: 10, eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16,
  seventeen: 17, eighteen: 18, nineteen: 19, twenty: 20, thirty: 30, forty: 40, fifty: 50,
  sixty: 60, seventy: 70, eighty: 80, ninety: 90, hundred: 100,
};
const WORD = `(?:${Object.keys(NUMBER_WORDS).join('|')})`;
const WORD_SEQUENCE = new RegExp(`\\b${WORD}(?:(?:\\s+and\\s+|[\\s-]+)${WORD})*\\b`, 'g');

const UNICODE_FRACTIONS: Readonly<Record<string, number>> = { '½': 0.5, '¼': 0.25, '¾': 0.75 };

function wordsToNumber(phrase: string): string {
  let total = 0;
  for (const word of phrase.split(/[\s-]+/)) {
    if (word === 'and') continue;
    const value = NUMBER_WORDS[word] ?? 0;
    total = value === 100 ? (total === 0 ? 1 : total) * 100 : total + value;
  }
  return String(total);
}

const ROMAN: Readonly<Record<string, string>> = { i: '1', ii: '2', iii: '3' };

/** Lower-cased, Latin dots removed, numbers as digits, ranges as 'a-b'. */
export function normalizeSigText(raw: string): string {
  let s = (raw.length > MAX_SIG_LENGTH ? raw.slice(0, MAX_SIG_LENGTH) : raw).toLowerCase();
  // Each step is skipped when a cheap check says it cannot apply: parseSig runs on every
  // keystroke-driven order change, so the common short sig should cost a few microseconds.
  if (/[^ -~\s]/.test(s)) {
    s = s.replace(/[\u2010-\u2015\u2212]/g, '-');
    s = s.replace(/(\d)\s*([½¼¾])/g, (_m, whole: string, f: string) => String(Number(whole) + (UNICODE_FRACTIONS[f] ?? 0)));
    s = s.replace(/[½¼¾]/g, (f) => ` ${UNICODE_FRACTIONS[f] ?? ''} `);
  }
  if (s.includes('.')) {
    // q.6.h. / p.r.n. / b.i.d. -> q6h / prn / bid; a decimal such as 2.5 has no letter and is kept.
    s = s.replace(/\b(?:[a-z0-9]\.){1,4}[a-z0-9]\b\.?/g, (m) => (/[a-z]/.test(m) ? m.replace(/\./g, '') : m));
    // A dot right after a letter ends an abbreviation ('q.6h', 'Q.12H', 'q.4-6h', OpenEMR's spelling):
    // it is never the decimal point of what follows, so 'q.6h' is every 6 hours, not every 0.6.
    s = s.replace(/([a-z])\.(?=\d)/g, '$1 ');
    s = s.replace(/(^|[^\d])\.(\d)/g, '$10.$2');
    s = s.replace(/\.(?!\d)/g, ' ');
  }
  if (s.includes('/')) {
    s = s.replace(/\b(\d+)\s+(\d)\/([24])\b/g, (m, w: string, n: string, d: string) =>
      Number(n) < Number(d) ? String(Number(w) + Number(n) / Number(d)) : m,
    );
    s = s.replace(/\b([13])\/([24])\b/g, (m, n: string, d: string) => (Number(n) < Number(d) ? String(Number(n) / Number(d)) : m));
  }
  if (s.includes('half')) s = s.replace(/\b(?:one[\s-]+|a[\s-]+)?half(?:\s+(?:of\s+)?an?)?\b/g, ' 0.5 ');
  if (s.includes('ss')) s = s.replace(/\bss\b/g, ' 0.5 ');
  s = s.replace(WORD_SEQUENCE, wordsToNumber);
  if (s.includes(' and ')) s = s.replace(/\b(\d+)\s+and\s+0\.5\b/g, (_m, w: string) => String(Number(w) + 0.5));
  if (s.includes(' i') || s.startsWith('i')) {
    s = s.replace(/\b(iii|ii|i)\s+(?=(?:tabs?|tablets?|caps?|capsules?|pills?)\b)/g, (_m, r: string) => `${ROMAN[r] ?? r} `);
    s = s.replace(/\b((?:tabs?|tablets?|caps?|capsules?|pills?))\s+(iii|ii|i)\b/g, (_m, u: string, r: string) => `${ROMAN[r] ?? r} ${u}`);
  }
  // "two (2)" and "thirty (30)": the parenthesis repeats the number.
  if (s.includes('(')) {
    s = s.replace(/(\d+(?:\.\d+)?)\s*\(\s*(\d+(?:\.\d+)?)\s*\)/g, (m, a: string, b: string) => (Number(a) === Number(b) ? a : m));
  }
  if (s.includes('-') || s.includes(' to ') || s.includes(' or ')) {
    s = s.replace(/(\d+(?:\.\d+)?)\s*(?:-|to|or)\s*(\d+(?:\.\d+)?)/g, '$1-$2');
  }
  if (/\s\s|[^\S ]/.test(s)) s = s.replace(/\s+/g, ' ');
  return s.trim();
}

/** Canonical units. 'discrete' units can be counted against each other (tablets vs capsules). */
export type UnitKind = 'discrete' | 'volume' | 'mass' | 'package';

interface UnitInfo {
  unit: string;
  kind: UnitKind;
  /** Multiply by this to get the canonical unit (teaspoon -> mL, g -> mg). */
  factor: number;
  abbrev: string;
}

const UNIT_TABLE: readonly [readonly string[], UnitInfo][] = [
  [['tab', 'tabs', 'tablet', 'tablets', 'pill', 'pills'], { unit: 'tablet', kind: 'discrete', factor: 1, abbrev: 'tab' }],
  [['cap', 'caps', 'capsule', 'capsules'], { unit: 'capsule', kind: 'discrete', factor: 1, abbrev: 'cap' }],
  [['patch', 'patches'], { unit: 'patch', kind: 'discrete', factor: 1, abbrev: 'patch' }],
  [['film', 'films', 'strip', 'strips'], { unit: 'film', kind: 'discrete', factor: 1, abbrev: 'film' }],
  [['lozenge', 'lozenges', 'troche', 'troches', 'lollipop', 'lollipops'], { unit: 'lozenge', kind: 'discrete', factor: 1, abbrev: 'lozenge' }],
  [['suppository', 'suppositories', 'supp', 'supps'], { unit: 'suppository', kind: 'discrete', factor: 1, abbrev: 'supp' }],
  [['spray', 'sprays', 'puff', 'puffs', 'actuation', 'actuations', 'pump', 'pumps'], { unit: 'spray', kind: 'discrete', factor: 1, abbrev: 'spray' }],
  [
    ['each', 'ea', 'unit', 'units', 'dose', 'doses', 'application', 'applications', 'injection', 'injections', 'inj', 'syringe', 'syringes', 'pen', 'pens', 'vial', 'vials', 'ampule', 'ampules'],
    { unit: 'each', kind: 'discrete', factor: 1, abbrev: 'dose' },
  ],
  [['ml', 'mls', 'cc', 'milliliter', 'milliliters', 'millilitre', 'millilitres'], { unit: 'mL', kind: 'volume', factor: 1, abbrev: 'mL' }],
  [['tsp', 'teaspoon', 'teaspoons', 'teaspoonful', 'teaspoonfuls'], { unit: 'mL', kind: 'volume', factor: 5, abbrev: 'mL' }],
  [['tbsp', 'tablespoon', 'tablespoons', 'tablespoonful', 'tablespoonfuls'], { unit: 'mL', kind: 'volume', factor: 15, abbrev: 'mL' }],
  [['liter', 'liters', 'litre', 'litres'], { unit: 'mL', kind: 'volume', factor: 1000, abbrev: 'mL' }],
  [['mg', 'milligram', 'milligrams'], { unit: 'mg', kind: 'mass', factor: 1, abbrev: 'mg' }],
  [['mcg', 'ug', 'µg', 'microgram', 'micrograms'], { unit: 'mg', kind: 'mass', factor: 0.001, abbrev: 'mg' }],
  [['g', 'gm', 'gms', 'gram', 'grams'], { unit: 'mg', kind: 'mass', factor: 1000, abbrev: 'mg' }],
  [
    ['bottle', 'bottles', 'box', 'boxes', 'pack', 'packs', 'package', 'packages', 'packet', 'packets', 'kit', 'kits', 'carton', 'cartons', 'inhaler', 'inhalers', 'tube', 'tubes', 'can', 'cans', 'jar', 'jars', 'cup', 'cups'],
    { unit: 'package', kind: 'package', factor: 1, abbrev: 'package' },
  ],
];

const UNIT_BY_WORD = new Map<string, UnitInfo>(UNIT_TABLE.flatMap(([words, info]) => words.map((w) => [w, info] as const)));

/** Alternation of every unit spelling above, for building patterns. */
export const UNIT_WORDS =
  'tablets?|tabs?|capsules?|caps?|pills?|patch(?:es)?|films?|strips?|lozenges?|troches?|lollipops?|' +
  'suppositor(?:y|ies)|supps?|sprays?|puffs?|actuations?|pumps?|each|ea|units?|doses?|applications?|' +
  'injections?|inj|syringes?|pens?|vials?|ampules?|mls?|cc|milliliters?|millilitres?|teaspoon(?:ful)?s?|tsp|' +
  'tablespoon(?:ful)?s?|tbsp|liters?|litres?|mg|milligrams?|mcg|ug|µg|micrograms?|gms?|grams?|g|' +
  'bottles?|box(?:es)?|packs?|packages?|packets?|kits?|cartons?|inhalers?|tubes?|cans?|jars?|cups?';

export interface CanonicalUnit {
  unit: string;
  kind: UnitKind;
  factor: number;
  abbrev: string;
}

/** 'tabs' -> tablet, 'tsp' -> mL x5, 'mcg' -> mg x0.001; null when not a unit we know. */
export function canonicalUnit(word: string | undefined): CanonicalUnit | null {
  if (!word) return null;
  const w = word.trim().toLowerCase();
  return UNIT_BY_WORD.get(w.endsWith('(s)') ? w.slice(0, -3) : w) ?? null;
}

/** Plural label for explanations: 40 tablets, 1 patch, 120 mL. */
export function unitLabel(unit: string | undefined, count: number): string {
  if (!unit) return count === 1 ? 'unit' : 'units';
  if (unit === 'mL' || unit === 'mg') return unit;
  if (unit === 'each') return count === 1 ? 'dose' : 'doses';
  if (count === 1) return unit;
  if (unit === 'patch') return 'patches';
  if (unit === 'suppository') return 'suppositories';
  return `${unit}s`;
}
