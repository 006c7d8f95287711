import type { PagePatient } from '../messaging/protocol';
import type { Order } from '../orders/order';
import { clean, shownValue } from './dom';

/** The parts of `location` an adapter may look at to say whether a page is its EHR. */
export interface PageLocation {
  origin: string;
  hostname: string;
  port: string;
  pathname: string;
  search?: string;
}

/** The order fields an adapter reads (and the field mapper lets an admin point at). */
export const ORDER_FIELDS = ['drug', 'strength', 'quantity', 'sig', 'daysSupply', 'refills'] as const;
export type OrderField = (typeof ORDER_FIELDS)[number];

/** What an order form itself says about its patient, to catch a form left open for someone else. */
export interface PatientHint {
  name?: string;
  birthDate?: string;
  mrn?: string;
}

/** An order as found on the page, with the elements it came from. */
export interface CandidateOrder {
  order: Order;
  /** The prompt is inserted after this element, in the page's flow (never over its controls). */
  anchor: Element;
  /** Where each field was read (the field mapper shows these; tests check them). */
  fields: Partial<Record<OrderField, Element>>;
  /** How sure the adapter is that this is an order being written: built-in adapters say 1. */
  confidence: number;
  /** 'draft' while being written; 'staged' when added to a basket but not yet signed. */
  stage: 'draft' | 'staged';
  patientHint?: PatientHint;
}

/** Handed to adapters on every scan: `generation` changes whenever the page's structure did. */
export interface ScanContext {
  generation: number;
  /** Open shadow roots found on the page (kept current by the watcher). */
  shadowRoots: readonly ShadowRoot[];
}

/** One EHR's knowledge of its own pages. One adapter per file under ./adapters. */
export interface EhrAdapter {
  id: string;
  label: string;
  matches(location: PageLocation): boolean;
  /** Order entry forms with a drug entered; medication lists and allergy entries are not orders. */
  findOrders(root: Document, scan?: ScanContext): CandidateOrder[];
  /** The patient shown on this document; `near` is the order, for pages with one header per tab. */
  findPatient(root: Document, near?: Element): PagePatient | null;
  /** The EHR's signed-in user as this document shows them (a delegate's prescriber picker preselects them). */
  findUser?(root: Document): string | null;
}

/** A user's name as shown (whitespace tidied), or null for nothing or for text too long to be a name. */
export function userName(text: string | null | undefined): string | null {
  const name = clean(text);
  return name.length >= 2 && name.length <= 120 ? name : null;
}

/** Trimmed visible value of a form control or element (a select's option text), or undefined. */
export function valueOf(el: Element | null | undefined): string | undefined {
  return shownValue(el);
}

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, twelve: 12,
  fifteen: 15, twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, ninety: 90, hundred: 100,
};

/** A positive number from a field, or undefined ("#40", "40", " 40 tabs", "thirty (30)"). */
export function numberOf(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const m = /(\d+(?:\.\d+)?)/.exec(text.replace(/(\d),(\d{3})\b/g, '$1$2'));
  let n: number | undefined;
  if (m?.[1]) n = Number(m[1]);
  else {
    const word = /\b([a-z]+)\b/i.exec(text)?.[1]?.toLowerCase();
    n = word ? NUMBER_WORDS[word] : undefined;
  }
  return n !== undefined && Number.isFinite(n) && n > 0 ? n : undefined;
}

/** A whole number of refills ("0", "2", "2 refills"), or undefined. */
export function refillsOf(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const m = /^\s*(\d{1,2})\b/.exec(text);
  return m?.[1] ? Number(m[1]) : undefined;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function ymd(y: string, m: number, d: number): string | undefined {
  if (m < 1 || m > 12 || d < 1 || d > 31) return undefined;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Date text as EHRs print it to YYYY-MM-DD: ISO, US "4/9/1961", "09-Apr-1961", "Apr 9, 1961". */
export function isoDate(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const iso = /(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (iso?.[1] && iso[2] && iso[3]) return ymd(iso[1], Number(iso[2]), Number(iso[3]));
  const us = /(\d{1,2})\/(\d{1,2})\/(\d{4})/.exec(text);
  if (us?.[1] && us[2] && us[3]) return ymd(us[3], Number(us[1]), Number(us[2]));
  // "09-Apr-1961", "09 — Apr — 1961", "9 April 1961": try every match, skipping non-months ("64 yrs · 09 — Apr — 1961").
  for (const m of text.matchAll(/(\d{1,2})[\s\-—–.]+([A-Za-z]{3,9})\.?[\s\-—–.,]+(\d{4})/g)) {
    const month = MONTHS.indexOf((m[2] ?? '').slice(0, 3).toLowerCase());
    if (month >= 0 && m[1] && m[3]) return ymd(m[3], month + 1, Number(m[1]));
  }
  for (const m of text.matchAll(/([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})/g)) {
    const month = MONTHS.indexOf((m[1] ?? '').slice(0, 3).toLowerCase());
    if (month >= 0 && m[2] && m[3]) return ymd(m[3], month + 1, Number(m[2]));
  }
  return undefined;
}

/** Whole years between a YYYY-MM-DD birth date and `now` (local calendar), or undefined. */
export function ageYears(birthDate: string, now: Date): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  let age = now.getFullYear() - y;
  if (now.getMonth() + 1 < mo || (now.getMonth() + 1 === mo && now.getDate() < d)) age--;
  return age >= 0 && age < 130 ? age : undefined;
}

/** "Family, Given" or "Given Family" into parts. */
export function splitName(text: string): { given: string; family: string } | undefined {
  const cleaned = clean(text);
  if (cleaned.includes(',')) {
    const [family = '', given = ''] = cleaned.split(',').map((s) => s.trim());
    return family && given ? { given: given.split(' ')[0] ?? given, family } : undefined;
  }
  const parts = cleaned.split(' ');
  if (parts.length < 2) return undefined;
  return { given: parts[0] ?? '', family: parts.slice(1).join(' ') };
}

/** A PagePatient from what a banner shows, or null when the name or DOB is missing. */
export function toPatient(
  nameText: string | undefined,
  dobText: string | undefined,
  extra: { mrn?: string | undefined; sex?: string | undefined } = {},
): PagePatient | null {
  const parts = nameText ? splitName(nameText) : undefined;
  const birthDate = isoDate(dobText);
  if (!parts || !birthDate) return null;
  const sex = extra.sex?.trim().toLowerCase();
  const gender = sex === 'f' || sex === 'female' ? 'female' : sex === 'm' || sex === 'male' ? 'male' : undefined;
  const mrn = extra.mrn?.trim();
  return {
    name: `${parts.given} ${parts.family}`,
    ...parts,
    birthDate,
    ...(mrn ? { mrn } : {}),
    ...(gender ? { gender } : {}),
  };
}

/** Does a form's own patient hint contradict the banner's patient? Unknown parts never conflict. */
export function hintConflicts(hint: PatientHint | undefined, patient: PagePatient): boolean {
  if (!hint) return false;
  if (hint.mrn && patient.mrn && hint.mrn.trim().toLowerCase() !== patient.mrn.trim().toLowerCase()) return true;
  if (hint.birthDate && hint.birthDate !== patient.birthDate) return true;
  if (hint.name) {
    const parts = splitName(hint.name);
    if (parts && (parts.family.toLowerCase() !== patient.family.toLowerCase() || parts.given.toLowerCase() !== patient.given.toLowerCase())) return true;
  }
  return false;
}

/** Drops undefined values so an Order never carries `key: undefined` (zod and JSON keys agree). */
export function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
