import { z } from 'zod/mini'; // the content script loads this module: no classic zod (lib/messaging/content-bundle.test.ts)
import { DEMO_NDC, DEMO_RXCUI, normalizeNdc, type CodeTarget } from './codes';
import { ENTRIES, type CatalogueEntry } from './entries';
import { KNOWN_UNCONTROLLED, type KnownUncontrolled } from './look-alikes';
import { DrugClass, Schedule, scheduleNumber } from './schedule';
import { deletionKeys, drugTokens, nameKey, withinOneEdit } from './text';

export const Classification = z.object({
  controlled: z.boolean(),
  schedule: z.optional(Schedule),
  ingredient: z.optional(z.string()),
  drugClass: z.optional(DrugClass),
  matched: z.optional(z.string()),
  source: z.optional(z.string()),
  opioid: z.boolean(),
  benzodiazepine: z.boolean(),
});
export type Classification = z.infer<typeof Classification>;

/** A state that schedules an ingredient the federal list does not (e.g. gabapentin CV in KY). */
export interface StateScheduleAddition {
  ingredient: string;
  schedule: Schedule;
  drugClass?: DrugClass;
  source: string;
}

export interface ClassifyOptions {
  rxcui?: string;
  ndc?: string;
  stateAdditions?: readonly StateScheduleAddition[];
}

// ------------------------------------------------------------------ indexes, built once at load

interface ConditionalAlias {
  entry: CatalogueEntry;
  requires: readonly (readonly string[])[];
  excludes: readonly string[];
}

interface NameInfo {
  /** Conditional aliases, in catalogue order: the first whose conditions hold wins. */
  rules: ConditionalAlias[];
  entry?: CatalogueEntry;
  known?: KnownUncontrolled;
}

/** Names shorter than this are never typo-matched: 'xanex' is too close to too many words. */
const MIN_FUZZY_LENGTH = 6;
/** Longer than any catalogue name plus one typo: not worth a lookup (and bounds the work). */
const MAX_FUZZY_LENGTH = 32;

// Words that appear in drug fields but are never drug names; they are not worth a typo lookup.
const NOT_NAMES = new Set([
  'tablet', 'tablets', 'capsule', 'capsules', 'solution', 'suspension', 'injection', 'extended',
  'release', 'delayed', 'immediate', 'controlled', 'sustained', 'transdermal', 'sublingual',
  'buccal', 'topical', 'rectal', 'nasal', 'liquid', 'elixir', 'syrup', 'concentrate', 'chewable',
  'disintegrating', 'orally', 'patches', 'hydrochloride', 'bitartrate', 'sulfate', 'phosphate',
  'tartrate', 'citrate', 'besylate', 'mesylate', 'dimesylate', 'maleate', 'acetate', 'cypionate',
  'enanthate', 'undecanoate', 'sodium', 'potassium', 'calcium', 'magnesium', 'chloride',
  'bromide', 'caffeine', 'generic', 'strength', 'abuse', 'deterrent', 'pellets', 'implant',
  'compound', 'syringe', 'autoinjector', 'subcutaneous', 'intramuscular', 'intravenous',
  'milligram', 'microgram', 'milliliter', 'packet', 'bottle', 'refill', 'refills', 'dispense',
]);

const NAMES = new Map<string, NameInfo>();
/** Token key -> the name as written in the catalogue ('tylenol numthree' -> 'tylenol #3'). */
const DISPLAY = new Map<string, string>();
const MULTI_TOKEN_FIRST = new Set<string>();
const ENTRY_BY_ID = new Map<string, CatalogueEntry>();
const KNOWN_BY_INGREDIENT = new Map<string, KnownUncontrolled>();
const TYPO_ENTRY_NAMES = new Map<string, string[]>();
const TYPO_KNOWN_NAMES = new Map<string, string[]>();
let maxNameTokens = 1;

function nameInfo(key: string, written: string): NameInfo {
  if (!DISPLAY.has(key)) DISPLAY.set(key, written.toLowerCase());
  let info = NAMES.get(key);
  if (!info) {
    info = { rules: [] };
    NAMES.set(key, info);
    const parts = key.split(' ');
    if (parts.length > 1) {
      MULTI_TOKEN_FIRST.add(parts[0] ?? '');
      maxNameTokens = Math.max(maxNameTokens, parts.length);
    }
  }
  return info;
}

function addTypoKeys(index: Map<string, string[]>, key: string): void {
  if (key.length < MIN_FUZZY_LENGTH || !/^[a-z]+$/.test(key)) return;
  for (const k of deletionKeys(key)) {
    const list = index.get(k);
    if (list) {
      if (!list.includes(key)) list.push(key);
    } else {
      index.set(k, [key]);
    }
  }
}

function buildIndexes(): void {
  for (const entry of ENTRIES) {
    ENTRY_BY_ID.set(entry.id, entry);
    for (const name of entry.names) {
      const key = nameKey(name);
      nameInfo(key, name).entry = entry;
      addTypoKeys(TYPO_ENTRY_NAMES, key);
    }
    for (const rule of entry.rules ?? []) {
      const key = nameKey(rule.name);
      nameInfo(key, rule.name).rules.push({ entry, requires: rule.requires ?? [], excludes: rule.excludes ?? [] });
      addTypoKeys(TYPO_ENTRY_NAMES, key);
    }
  }
  for (const known of KNOWN_UNCONTROLLED) {
    KNOWN_BY_INGREDIENT.set(known.ingredient, known);
    for (const name of known.names) {
      const key = nameKey(name);
      const info = nameInfo(key, name);
      // A controlled alias always outranks a look-alike of the same spelling.
      if (!info.entry) info.known = known;
      addTypoKeys(TYPO_KNOWN_NAMES, key);
    }
  }
}
buildIndexes();

// ------------------------------------------------------------------ matching

type Resolved = { kind: 'entry'; entry: CatalogueEntry } | { kind: 'known'; known: KnownUncontrolled };

interface Candidate {
  resolved: Resolved;
  matched: string;
  position: number;
}

function conditionsHold(rule: ConditionalAlias, tokens: ReadonlySet<string>): boolean {
  for (const group of rule.requires) {
    if (!group.some((w) => tokens.has(w))) return false;
  }
  return !rule.excludes.some((w) => tokens.has(w));
}

function resolveName(info: NameInfo, tokens: ReadonlySet<string>): Resolved | null {
  for (const rule of info.rules) {
    if (conditionsHold(rule, tokens)) return { kind: 'entry', entry: rule.entry };
  }
  if (info.entry) return { kind: 'entry', entry: info.entry };
  if (info.known) return { kind: 'known', known: info.known };
  return null;
}

function typoMatches(index: ReadonlyMap<string, string[]>, token: string): string[] {
  const found: string[] = [];
  for (const k of deletionKeys(token)) {
    for (const name of index.get(k) ?? []) {
      if (!found.includes(name) && withinOneEdit(token, name)) found.push(name);
    }
  }
  return found;
}

/** Rank: controlled by strictness, then exempt products, then known non-controlled drugs. */
function rank(c: Candidate): number {
  if (c.resolved.kind === 'known') return 100;
  const schedule = c.resolved.entry.schedule;
  return schedule ? scheduleNumber(schedule) : 50;
}

/** Among equally strict matches, an opioid or benzodiazepine says more to the rules. */
function flagRank(c: Candidate): number {
  if (c.resolved.kind !== 'entry') return 2;
  const e = c.resolved.entry;
  if (e.opioid ?? e.drugClass === 'opioid') return 0;
  return e.drugClass === 'benzodiazepine' ? 1 : 2;
}

function better(a: Candidate | null, b: Candidate): Candidate {
  if (!a) return b;
  const ra = rank(a);
  const rb = rank(b);
  if (rb !== ra) return rb < ra ? b : a;
  const fa = flagRank(a);
  const fb = flagRank(b);
  if (fa !== fb) return fb < fa ? b : a;
  return b.position < a.position ? b : a;
}

function isControlledCandidate(c: Candidate | null): boolean {
  return c !== null && c.resolved.kind === 'entry' && c.resolved.entry.schedule !== null;
}

function findCandidate(tokens: readonly string[], tokenSet: ReadonlySet<string>): Candidate | null {
  let best: Candidate | null = null;
  const unknownWords: { token: string; position: number }[] = [];
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i] ?? '';
    let width = 0;
    let info: NameInfo | undefined;
    let key = '';
    if (MULTI_TOKEN_FIRST.has(token)) {
      for (let n = Math.min(maxNameTokens, tokens.length - i); n >= 2; n--) {
        const k = tokens.slice(i, i + n).join(' ');
        const found = NAMES.get(k);
        if (found) {
          info = found;
          key = k;
          width = n;
          break;
        }
      }
    }
    if (!info) {
      info = NAMES.get(token);
      key = token;
      width = 1;
    }
    if (info) {
      const resolved = resolveName(info, tokenSet);
      if (resolved) best = better(best, { resolved, matched: DISPLAY.get(key) ?? key, position: i });
    } else if (
      token.length >= MIN_FUZZY_LENGTH &&
      token.length <= MAX_FUZZY_LENGTH &&
      !NOT_NAMES.has(token) &&
      /^[a-z]+$/.test(token) &&
      !unknownWords.some((w) => w.token === token)
    ) {
      unknownWords.push({ token, position: i });
    }
    i += width;
  }
  // Typos are only worth looking at when nothing controlled was spelled correctly.
  if (isControlledCandidate(best)) return best;
  for (const { token, position } of unknownWords) {
    const fuzzy = fuzzyCandidate(token, position, tokenSet);
    if (fuzzy) best = better(best, fuzzy);
  }
  return best;
}

function fuzzyCandidate(token: string, position: number, tokenSet: ReadonlySet<string>): Candidate | null {
  // The guard: one edit from a known non-controlled drug means it is that drug, never a
  // controlled one (a typo of 'clonidine' must not become a benzodiazepine).
  const lookAlike = typoMatches(TYPO_KNOWN_NAMES, token)[0];
  if (lookAlike !== undefined) {
    const info = NAMES.get(lookAlike);
    const resolved = info ? resolveName(info, tokenSet) : null;
    return resolved ? { resolved, matched: `${lookAlike} (typed "${token}")`, position } : null;
  }
  let chosen: { resolved: Resolved; name: string } | null = null;
  for (const name of typoMatches(TYPO_ENTRY_NAMES, token)) {
    const info = NAMES.get(name);
    const resolved = info ? resolveName(info, tokenSet) : null;
    if (!resolved || resolved.kind !== 'entry') continue;
    if (chosen && chosen.resolved.kind === 'entry' && chosen.resolved.entry.ingredient !== resolved.entry.ingredient) {
      return null; // ambiguous between two ingredients: do not guess
    }
    chosen ??= { resolved, name };
  }
  return chosen ? { resolved: chosen.resolved, matched: `${chosen.name} (typed "${token}")`, position } : null;
}

// ------------------------------------------------------------------ results

const NOT_CONTROLLED: Classification = { controlled: false, opioid: false, benzodiazepine: false };

function fromEntry(entry: CatalogueEntry, matched: string): Classification {
  return {
    controlled: entry.schedule !== null,
    ...(entry.schedule ? { schedule: entry.schedule } : {}),
    ingredient: entry.ingredient,
    drugClass: entry.drugClass,
    matched,
    source: entry.source,
    opioid: entry.schedule !== null && (entry.opioid ?? entry.drugClass === 'opioid'),
    benzodiazepine: entry.schedule !== null && entry.drugClass === 'benzodiazepine',
  };
}

function fromKnown(known: KnownUncontrolled, matched: string): Classification {
  return {
    controlled: false,
    ingredient: known.ingredient,
    ...(known.drugClass ? { drugClass: known.drugClass } : {}),
    matched,
    opioid: false,
    benzodiazepine: false,
  };
}

function fromCode(target: CodeTarget, matched: string): Classification | null {
  if (target.kind === 'entry') {
    const entry = ENTRY_BY_ID.get(target.entryId);
    return entry ? fromEntry(entry, matched) : null;
  }
  const known = KNOWN_BY_INGREDIENT.get(target.ingredient);
  return known ? fromKnown(known, matched) : { ...NOT_CONTROLLED, ingredient: target.ingredient, matched };
}

function classifyByCode(options: ClassifyOptions): Classification | null {
  const rxcui = options.rxcui?.trim();
  if (rxcui) {
    const target = DEMO_RXCUI[rxcui];
    if (target) return fromCode(target, `RxCUI ${rxcui}`);
  }
  if (options.ndc) {
    const ndc = normalizeNdc(options.ndc);
    const target = ndc ? DEMO_NDC[ndc] : undefined;
    if (ndc && target) return fromCode(target, `NDC ${ndc}`);
  }
  return null;
}

function applyStateAdditions(
  base: Classification,
  tokens: readonly string[],
  additions: readonly StateScheduleAddition[],
): Classification {
  let result = base;
  const padded = ` ${tokens.join(' ')} `;
  for (const addition of additions) {
    const key = nameKey(addition.ingredient);
    if (!key) continue;
    const hit = base.ingredient === key || padded.includes(` ${key} `);
    if (!hit) continue;
    const stricter = !result.controlled || !result.schedule || scheduleNumber(addition.schedule) < scheduleNumber(result.schedule);
    if (!stricter) continue;
    const drugClass = addition.drugClass ?? result.drugClass;
    result = {
      controlled: true,
      schedule: addition.schedule,
      ingredient: result.ingredient ?? key,
      ...(drugClass ? { drugClass } : {}),
      matched: result.matched ?? key,
      source: addition.source,
      opioid: result.opioid || drugClass === 'opioid',
      benzodiazepine: result.benzodiazepine || drugClass === 'benzodiazepine',
    };
  }
  return result;
}

/**
 * Is this drug (as typed in an EHR drug field) a controlled substance, and which schedule?
 * A known RxCUI or NDC wins over the text; state additions can only make the answer stricter.
 */
export function classifyDrug(text: string, options?: ClassifyOptions): Classification {
  const tokens = drugTokens(typeof text === 'string' ? text : '');
  let result: Classification = { ...NOT_CONTROLLED };
  const byCode = options ? classifyByCode(options) : null;
  if (byCode) {
    result = byCode;
  } else {
    const candidate = findCandidate(tokens, new Set(tokens));
    if (candidate) {
      result =
        candidate.resolved.kind === 'entry'
          ? fromEntry(candidate.resolved.entry, candidate.matched)
          : fromKnown(candidate.resolved.known, candidate.matched);
    }
  }
  const additions = options?.stateAdditions;
  return additions && additions.length > 0 ? applyStateAdditions(result, tokens, additions) : result;
}

/** The catalogue entry behind an id (ids appear in the demo code map and in tests). */
export function catalogueEntry(id: string): CatalogueEntry | undefined {
  return ENTRY_BY_ID.get(id);
}
