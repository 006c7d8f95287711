import type { PagePatient } from '../messaging/protocol';
import type { Order } from '../orders/order';

/** An order as found on the page, with the element it came from (to anchor the prompt). */
export interface CandidateOrder {
  order: Order;
  /** The prompt is inserted after this element, in the page's flow (never over its controls). */
  anchor: Element;
}

/** One EHR's knowledge of its own pages. One adapter per file under ./adapters. */
export interface EhrAdapter {
  id: string;
  label: string;
  matches(location: Pick<Location, 'origin' | 'pathname' | 'hostname' | 'port'>): boolean;
  /** Order entry forms with a drug entered; medication lists and allergy entries are not orders. */
  findOrders(root: Document): CandidateOrder[];
  findPatient(root: Document): PagePatient | null;
}

/** Trimmed text of a form control or element, or undefined when empty. */
export function valueOf(el: Element | null | undefined): string | undefined {
  if (!el) return undefined;
  const raw =
    el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement ? el.value : el.textContent;
  const text = raw.replace(/\s+/g, ' ').trim();
  return text === '' ? undefined : text;
}

/** A positive number from a field, or undefined ("#40", "40", " 40 tabs"). */
export function numberOf(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const m = /(\d+(?:\.\d+)?)/.exec(text);
  if (!m?.[1]) return undefined;
  const n = Number(m[1]);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** US-style or ISO date text to YYYY-MM-DD, or undefined. */
export function isoDate(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const iso = /(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (iso) return `${iso[1]}-${iso[2]}-${iso[3]}`;
  const us = /(\d{1,2})\/(\d{1,2})\/(\d{4})/.exec(text);
  if (us?.[1] && us[2] && us[3]) return `${us[3]}-${us[1].padStart(2, '0')}-${us[2].padStart(2, '0')}`;
  return undefined;
}

/** "Family, Given" or "Given Family" into parts. */
export function splitName(text: string): { given: string; family: string } | undefined {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.includes(',')) {
    const [family = '', given = ''] = clean.split(',').map((s) => s.trim());
    return family && given ? { given: given.split(' ')[0] ?? given, family } : undefined;
  }
  const parts = clean.split(' ');
  if (parts.length < 2) return undefined;
  return { given: parts[0] ?? '', family: parts.slice(1).join(' ') };
}
