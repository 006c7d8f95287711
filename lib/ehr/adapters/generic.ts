/**
 * The generic reader, for EHRs no built-in adapter knows. It finds order fields by what the
 * page says they are — `<label for>`, aria-labelledby, aria-label, a wrapping label, the
 * table column header, the text just before the field, and last the field's own name —
 * recognises controlled drugs with the catalogue, and scores how sure it is. Below the
 * controller's threshold it shows nothing: a medication list, an allergy entry, a print
 * preview or FHIR text must stay silent, and so must anything it is unsure of.
 */
import { classifyDrug, type Classification } from '../../drugs/catalogue';
import type { PagePatient } from '../../messaging/protocol';
import { compact, isoDate, numberOf, refillsOf, toPatient, type CandidateOrder, type EhrAdapter, type OrderField, type ScanContext } from '../adapter';
import { clean, composedParent, isFormControl, isShown, openShadowRoots, shownValue, textOf } from '../dom';

type Field = OrderField;

// Label words → field. Order matters: "days supply" before "quantity", exclusions first.
const NOT_ORDER_FIELD = /allerg|reaction|severity|pharmacy|prescriber|provider|diagnos|indication|note|comment|reason|search patient|patient name|date of birth|\bdob\b|\bmrn\b/;
const PATTERNS: readonly (readonly [Field, RegExp])[] = [
  ['daysSupply', /days?(?:['’]s?)?\s*(?:of\s*)?supply|supply\s*\(?\s*days|^days$/],
  ['refills', /\brefills?\b/],
  ['quantity', /\b(?:qty|quantity|dispense|disp|amount)\b|^#$/],
  ['sig', /\b(?:sig|directions?|instructions?|dosing|how to take|frequency)\b/],
  ['strength', /\bstrength\b/],
  ['drug', /\b(?:drug|medication|medicine|med|rx|product)\b|drug name|medication name/],
];

/** The order field a label names, if any ("Qty (tabs)" → quantity; "Allergen" → none). */
export function fieldForLabel(label: string): Field | undefined {
  const t = label.toLowerCase().replace(/[_*:]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (!t || t.length > 60 || NOT_ORDER_FIELD.test(t)) return undefined;
  for (const [field, re] of PATTERNS) if (re.test(t)) return field;
  return undefined;
}

// Where the surroundings say "this is a list, an allergy, a printout or a record", not an order.
const NEGATIVE = /\b(?:allerg\w*|medication list|med list|current med\w*|active med\w*|home med\w*|medication history|med history|dispens\w* history|fill history|history|print\w*|preview|reconcil\w*|discontinued|fhir|narrative|json|resource|administ\w*)\b/i;
const POSITIVE = /\b(?:new (?:prescription|order|rx|medication)|prescri(?:be|ption)s?|e-?rx|e-?prescri\w*|orders?|order entry|sign(?: and send)?|send to pharmacy|add to (?:basket|cart|order)|pending|unsigned|draft|compose|to sign)\b/i;

const CONTROL_SELECTOR =
  'input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=button]):not([type=submit]):not([type=reset]):not([type=image]):not([type=file]), select, textarea, [role=combobox], [role=textbox], [contenteditable=true]';
const CHIP_SELECTOR =
  '[class*="chip" i], [class*="pill" i], [class*="token" i], [class*="tag" i]:not([class*="tag-input" i]), [class*="selected" i], [class*="selection" i], [role=option][aria-selected=true], [data-value]';
const CONTAINER_SELECTOR = 'form, [role=form], fieldset, dialog, [role=dialog], [role=tabpanel], section, article';
/** A field's text is scanned this far back for a nearby label. */
const NEARBY_CHARS = 40;

/** Text of the elements with these ids, in the element's own root (document or shadow root). */
function textByIds(el: Element, ids: string): string {
  const root = el.getRootNode() as Document | ShadowRoot;
  return clean(
    ids
      .split(/\s+/)
      .map((id) => {
        const t = root.getElementById(id);
        return t ? textOf(t, 80) : '';
      })
      .join(' '),
  );
}

// Table parts by query rather than rows/cells/tHead: every engine (and happy-dom) agrees on these.
function cellsOf(row: Element): Element[] {
  return [...row.querySelectorAll(':scope > td, :scope > th')];
}
function headRow(table: Element): Element | undefined {
  return table.querySelector(':scope > thead > tr') ?? table.querySelector(':scope > tbody > tr, :scope > tr') ?? undefined;
}
function bodyRows(table: Element): Element[] {
  return [...table.querySelectorAll(':scope > tbody > tr, :scope > tr')];
}
function span(cell: Element): number {
  return Math.max(1, Number(cell.getAttribute('colspan') ?? '1') || 1);
}

/** Column header of a table cell (thead row, or the first row's th/td), or ''. */
function columnHeader(cell: Element): string {
  const table = cell.closest('table');
  const row = cell.parentElement;
  if (!table || !row) return '';
  let col = 0;
  for (const c of cellsOf(row)) {
    if (c === cell) break;
    col += span(c);
  }
  const head = headRow(table);
  if (!head || head === row) return '';
  let i = 0;
  for (const h of cellsOf(head)) {
    if (i === col) return textOf(h, 60);
    i += span(h);
    if (i > col) return '';
  }
  return '';
}

/** The short text right before an element (a label-like sibling, or a preceding cell). */
function nearbyText(el: Element): string {
  let node: Element | null = el;
  for (let depth = 0; node && depth < 3; depth++) {
    for (let prev = node.previousSibling; prev; prev = prev.previousSibling) {
      if (prev.nodeType === 3) {
        const t = clean(prev.nodeValue);
        if (t) return t.slice(-NEARBY_CHARS);
        continue;
      }
      if (prev.nodeType !== 1) continue;
      const p = prev as Element;
      if (isFormControl(p) || p.querySelector('input, select, textarea')) return '';
      const t = textOf(p, 80);
      if (t) return t.length <= NEARBY_CHARS ? t : '';
    }
    node = node.parentElement;
    if (node && (node.matches(CONTAINER_SELECTOR) || node.tagName === 'TR')) break;
  }
  return '';
}

/** The words naming a field, strongest source first; `how` says which (tests check it). */
export function labelOf(el: Element, labelsFor: (root: Document | ShadowRoot, id: string) => Element | undefined): { text: string; how: string } {
  const by = el.getAttribute('aria-labelledby');
  if (by) {
    const t = textByIds(el, by);
    if (t) return { text: t, how: 'aria-labelledby' };
  }
  if (el.id) {
    const label = labelsFor(el.getRootNode() as Document | ShadowRoot, el.id);
    if (label) {
      const t = textOf(label, 80);
      if (t) return { text: t, how: 'for' };
    }
  }
  const wrapping = el.closest('label');
  if (wrapping) {
    const t = textOf(wrapping, 80);
    if (t) return { text: t, how: 'wrapping-label' };
  }
  const aria = el.getAttribute('aria-label');
  if (aria?.trim()) return { text: clean(aria), how: 'aria-label' };
  const cell = el.closest('td, th');
  if (cell?.tagName === 'TD') {
    const t = columnHeader(cell);
    if (t) return { text: t, how: 'table-header' };
  }
  const near = nearbyText(el);
  if (near) return { text: near, how: 'nearby-text' };
  const weak = [el.getAttribute('placeholder'), el.getAttribute('title'), el.getAttribute('name'), el.id]
    .map((s) => (s ?? '').replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_\-[\]]+/g, ' ').trim())
    .find(Boolean);
  return { text: weak ?? '', how: 'attributes' };
}

interface Located {
  container: Element;
  anchor: Element;
  fields: Partial<Record<Field, Element>>;
  /** How sure we are from the surroundings alone (the values are scored when read). */
  contextScore: number;
  stage: 'draft' | 'staged';
  /** Table rows with no controls: the values are the cells' text. */
  staticRow?: boolean;
}

/** The text that says what a container is: its own label, legend, caption, nearest heading, dialog title. */
function contextText(container: Element): string {
  const parts: string[] = [];
  let node: Element | null = container;
  for (let depth = 0; node && depth < 6; depth++, node = composedParent(node)) {
    const label = node.getAttribute('aria-label');
    if (label) parts.push(label);
    const by = node.getAttribute('aria-labelledby');
    if (by) parts.push(textByIds(node, by));
    const own = node.querySelector(':scope > legend, :scope > caption, :scope > h1, :scope > h2, :scope > h3, :scope > h4, :scope > header');
    if (own) parts.push(textOf(own, 80));
    if (node.id) parts.push(node.id.replace(/[-_]+/g, ' '));
    const cls = typeof node.className === 'string' ? node.className : '';
    if (/print|preview|allerg|med-?list|history/i.test(cls)) parts.push(cls.replace(/[-_]+/g, ' '));
    if (node.tagName === 'BODY') break;
  }
  // The nearest heading before the container.
  for (let prev = container.previousElementSibling, n = 0; prev && n < 4; prev = prev.previousElementSibling, n++) {
    if (/^H[1-6]$/.test(prev.tagName)) {
      parts.push(textOf(prev, 80));
      break;
    }
  }
  return parts.join(' · ');
}

function buttonsText(container: Element): string {
  return [...container.querySelectorAll('button, [role=button], input[type=submit], input[type=button], a.btn, a[class*="button" i]')]
    .slice(0, 12)
    .map((b) => (b.tagName === 'INPUT' ? (b as HTMLInputElement).value : textOf(b, 40)))
    .join(' · ');
}

function scoreContext(container: Element): number {
  const ctx = contextText(container);
  const doc = container.ownerDocument;
  let score = 0;
  if (NEGATIVE.test(ctx)) score -= 0.6;
  if (POSITIVE.test(ctx) || POSITIVE.test(buttonsText(container))) score += 0.15;
  // A page laid out for printing is a printout, whatever it contains.
  if (/\bprint|preview\b/i.test(`${doc.title} ${doc.body.className}`)) score -= 0.6;
  // Allergy forms label their own fields so.
  if ([...container.querySelectorAll('label, th, legend')].slice(0, 40).some((l) => /allerg|reaction|severity/i.test(l.textContent))) score -= 0.6;
  return score;
}

/** The smallest container around the drug field that also holds another order field. */
function containerFor(drug: Element, others: readonly Element[]): Element {
  const form = drug.closest('form');
  if (form) return form;
  let best: Element | null = null;
  let node: Element | null = composedParent(drug);
  for (let depth = 0; node && depth < 8; depth++, node = composedParent(node)) {
    if (node.tagName === 'BODY') break;
    const n = node;
    if (others.some((o) => o !== drug && n.contains(o))) {
      best = node;
      break;
    }
  }
  return best ?? drug.closest(CONTAINER_SELECTOR) ?? drug.parentElement ?? drug;
}

interface Classified {
  el: Element;
  field: Field;
}

function locate(doc: Document, roots: readonly ShadowRoot[]): Located[] {
  // Labels by their `for`, per root: one pass instead of a query per control.
  const labelIndex = new Map<Document | ShadowRoot, Map<string, Element>>();
  const labelsFor = (root: Document | ShadowRoot, id: string): Element | undefined => {
    let m = labelIndex.get(root);
    if (!m) {
      m = new Map();
      for (const l of root.querySelectorAll('label[for]')) {
        const f = l.getAttribute('for');
        if (f && !m.has(f)) m.set(f, l);
      }
      labelIndex.set(root, m);
    }
    return m.get(id);
  };

  const classified: Classified[] = [];
  const scopes: (Document | ShadowRoot)[] = [doc, ...roots];
  for (const scope of scopes) {
    for (const el of scope.querySelectorAll(CONTROL_SELECTOR)) {
      if (el.closest('pmp-check-prompt, [data-pmp-check]')) continue;
      const field = fieldForLabel(labelOf(el, labelsFor).text);
      if (field) classified.push({ el, field });
    }
  }
  const drugs = classified.filter((c) => c.field === 'drug');
  const otherEls = classified.filter((c) => c.field !== 'drug').map((c) => c.el);
  const out: Located[] = [];
  const used = new Set<Element>();
  for (const d of drugs) {
    if (used.has(d.el)) continue;
    const container = containerFor(d.el, otherEls);
    const fields: Partial<Record<Field, Element>> = { drug: d.el };
    for (const c of classified) {
      if (c.el === d.el || fields[c.field] || !container.contains(c.el)) continue;
      // Another drug field in the same container is another order row: keep rows apart.
      if (c.field === 'drug') continue;
      const row = d.el.closest('tr');
      if (row && !row.contains(c.el)) continue;
      fields[c.field] = c.el;
    }
    used.add(d.el);
    const row = d.el.closest('tr');
    out.push({ container: row ?? container, anchor: row ?? container, fields, contextScore: scoreContext(container), stage: 'draft' });
  }
  out.push(...locateStagedRows(scopes));
  return out;
}

/** Rows of a "pending / unsigned orders" table: orders staged but not yet signed. */
function locateStagedRows(scopes: readonly (Document | ShadowRoot)[]): Located[] {
  const out: Located[] = [];
  for (const scope of scopes) {
    for (const table of scope.querySelectorAll('table')) {
      const head = table.querySelector(':scope > thead > tr');
      if (!head) continue;
      const cols = cellsOf(head).map((c) => fieldForLabel(textOf(c, 60)));
      if (!cols.includes('drug') || !(cols.includes('quantity') || cols.includes('sig'))) continue;
      const ctx = contextText(table);
      // Only a table that says it holds orders not yet signed; a list of medicines is not one.
      if (!/\b(?:pending|unsigned|not (?:yet )?signed|to sign|basket|cart|queue|draft)\b/i.test(ctx) || NEGATIVE.test(ctx)) continue;
      for (const row of bodyRows(table)) {
        if (row.parentElement?.tagName === 'THEAD') continue;
        const fields: Partial<Record<Field, Element>> = {};
        cellsOf(row).forEach((cell, i) => {
          const f = cols[i];
          if (f && !fields[f]) fields[f] = cell;
        });
        if (fields.drug) out.push({ container: row, anchor: row, fields, contextScore: 0.15, stage: 'staged', staticRow: true });
      }
    }
  }
  return out;
}

/** The drug text of a drug field: its value, or when empty the chip / hidden input beside it. */
function drugTextOf(el: Element): { text?: string; rxcui?: string; ndc?: string } {
  const direct = isFormControl(el) || el.getAttribute('role') === 'textbox' ? shownValue(el) : undefined;
  if (direct) return { text: direct };
  // The field's own box: walk up while it holds no other control than this one.
  let box: Element = el;
  for (let depth = 0; depth < 3; depth++) {
    const up = box.parentElement;
    if (!up || up.matches(CONTAINER_SELECTOR) || up.querySelectorAll('input:not([type=hidden]), select, textarea').length > 1) break;
    box = up;
  }
  const out: { text?: string; rxcui?: string; ndc?: string } = {};
  for (const h of box.querySelectorAll<HTMLInputElement>('input[type=hidden]')) {
    const key = `${h.name} ${h.id}`.toLowerCase();
    const v = h.value.trim();
    if (!v) continue;
    if (/rxcui|rxnorm/.test(key) && /^\d{4,8}$/.test(v)) out.rxcui = v;
    else if (/ndc/.test(key) && /^[\d-]{10,13}$/.test(v)) out.ndc = v;
    else if (/drug|med|product|rx/.test(key) && /[a-z]{3}/i.test(v)) out.text = v;
  }
  for (const chip of box.querySelectorAll(CHIP_SELECTOR)) {
    if (chip === el || isFormControl(chip)) continue;
    const t = textOf(chip, 120).replace(/\s*[×✕]\s*$/, '');
    if (t && /[a-z]{3}/i.test(t)) return { ...out, text: t };
  }
  if (!isFormControl(el)) {
    const t = textOf(el, 120);
    if (t && /[a-z]{3}/i.test(t)) return { ...out, text: t };
  }
  return out;
}

function valueText(el: Element | undefined, staticRow: boolean): string | undefined {
  if (!el) return undefined;
  return staticRow ? textOf(el, 200) || undefined : shownValue(el);
}

const cache = new WeakMap<Document, { generation: number; located: Located[] }>();

// The catalogue lookup for the drug texts seen lately: typing in the sig re-reads the same drug.
const classified = new Map<string, Classification>();
function classify(text: string, codes: { rxcui?: string; ndc?: string }): Classification {
  const key = `${text}|${codes.rxcui ?? ''}|${codes.ndc ?? ''}`;
  let c = classified.get(key);
  if (!c) {
    c = classifyDrug(text, compact(codes));
    if (classified.size > 50) classified.clear();
    classified.set(key, c);
  }
  return c;
}

function read(l: Located): CandidateOrder | null {
  const staticRow = l.staticRow === true;
  const drugEl = l.fields.drug;
  if (!drugEl) return null;
  const drug = staticRow ? { text: textOf(drugEl, 160) } : drugTextOf(drugEl);
  if (!drug.text && !drug.rxcui && !drug.ndc) return null;
  const drugText = drug.text ?? `RxCUI ${drug.rxcui ?? drug.ndc ?? ''}`;
  const cls = classify(drugText, { rxcui: drug.rxcui, ndc: drug.ndc });
  // Only controlled drugs are worth a question: the rest stay silent without asking.
  if (!cls.controlled) return null;
  const quantityText = valueText(l.fields.quantity, staticRow);
  const sig = valueText(l.fields.sig, staticRow);
  const daysSupply = numberOf(valueText(l.fields.daysSupply, staticRow));
  const editable = Object.values(l.fields).some((e) => isFormControl(e) || e.getAttribute('contenteditable') === 'true' || e.getAttribute('role') === 'combobox');
  let confidence = l.contextScore + 0.3;
  if (numberOf(quantityText) !== undefined) confidence += 0.2;
  if (sig) confidence += 0.2;
  if (daysSupply !== undefined) confidence += 0.1;
  if (l.fields.strength || l.fields.refills) confidence += 0.05;
  // With no field a person can edit, it is a record of an order, not one being written.
  if (!editable && !staticRow) confidence -= 0.5;
  return {
    anchor: l.anchor,
    confidence: Math.max(0, Math.min(1, confidence)),
    stage: l.stage,
    fields: l.fields,
    order: compact({
      drugText,
      rxcui: drug.rxcui,
      ndc: drug.ndc,
      strength: valueText(l.fields.strength, staticRow),
      quantity: numberOf(quantityText),
      quantityText,
      sig,
      daysSupply,
      refills: refillsOf(valueText(l.fields.refills, staticRow)),
      kind: 'prescription' as const,
    }),
  };
}

// ---------------------------------------------------------------- patient

const DOB = /\b(?:DOB|D\.O\.B\.?|Date of birth|Birth ?date|Born)\b\s*:?\s*([0-9]{1,4}[/\-.][0-9]{1,2}[/\-.][0-9]{2,4}|[0-9]{1,2}[\s\-—–.]+[A-Za-z]{3,9}\.?[\s\-—–.,]+[0-9]{4}|[A-Za-z]{3,9}\.? [0-9]{1,2},? [0-9]{4})/i;
const MRN = /\b(?:MRN|Medical record (?:number|no\.?|#)|Chart (?:#|no\.?|number)|Patient ID)\s*:?\s*#?\s*([A-Z0-9][A-Z0-9-]{2,20})\b/i;
const SEX = /\b(?:Sex|Gender)\s*:?\s*(F|M|Female|Male)\b/i;
const NAME_LIKE = /^[A-Za-z][A-Za-z'’.-]*(?:,?\s+[A-Za-z][A-Za-z'’.-]*){1,3}$/;
const BANNER_SELECTOR =
  '[class*="patient" i][class*="banner" i], [id*="patient" i][id*="banner" i], [class*="patient" i][class*="header" i], [id*="patient" i][id*="header" i], [class*="pt-header" i], [class*="demographic" i], [aria-label*="patient" i], [data-testid*="patient" i], [role=banner]';
const NAME_SELECTOR = '[class*="name" i], [id*="name" i], [data-testid*="name" i], [itemprop="name"]';
const LABEL_WORDS = /^(?:patient|name|dob|date of birth|mrn|sex|gender|age|born)\b/i;

/** A patient from one banner-like element: a name-looking element, a DOB, maybe an MRN. */
export function patientFromBanner(banner: Element): PagePatient | null {
  const text = textOf(banner, 600);
  const dob = DOB.exec(text)?.[1];
  if (!dob || !isoDate(dob)) return null;
  let name: string | undefined;
  for (const el of banner.querySelectorAll(NAME_SELECTOR)) {
    const t = textOf(el, 80).replace(/^(?:patient|name)\s*:\s*/i, '');
    if (NAME_LIKE.test(t) && !LABEL_WORDS.test(t)) {
      name = t;
      break;
    }
  }
  if (!name) {
    const labelled = /\b(?:Patient|Name)\s*:\s*([A-Za-z][A-Za-z'’.-]*(?:,?\s+[A-Za-z][A-Za-z'’.-]*){1,3})/.exec(text)?.[1];
    if (labelled) name = labelled;
  }
  if (!name) {
    for (const el of banner.querySelectorAll('strong, b, h1, h2, h3, [role=heading]')) {
      const t = textOf(el, 80);
      if (NAME_LIKE.test(t) && !LABEL_WORDS.test(t)) {
        name = t;
        break;
      }
    }
  }
  if (!name) return null;
  return toPatient(name, dob, { mrn: MRN.exec(text)?.[1], sex: SEX.exec(text)?.[1] });
}

/** Scopes from nearest to widest: each tab panel / section holding `near`, then the document. */
function patientScopes(doc: Document, near: Element | undefined): Element[] {
  const scopes: Element[] = [];
  for (let node = near ? composedParent(near) : null; node; node = composedParent(node)) {
    if (node.matches('[role=tabpanel], [role=dialog], dialog, [class*="tab-pane" i], [class*="tabpanel" i], [data-patient], article')) scopes.push(node);
  }
  scopes.push(doc.body);
  return scopes;
}

function findPatientIn(scope: Element): PagePatient | null {
  for (const banner of scope.querySelectorAll(BANNER_SELECTOR)) {
    // A banner inside another panel (another tab's) belongs to that panel, not this scope.
    if (scope.tagName === 'BODY' && (banner.closest('[role=tabpanel], [class*="tab-pane" i]') || !isShown(banner))) continue;
    const p = patientFromBanner(banner);
    if (p) return p;
  }
  return null;
}

export const generic: EhrAdapter = {
  id: 'generic',
  label: 'Any EHR (read by labels)',
  // The content script only runs where the admin granted it; there, this is the fallback.
  matches: () => true,

  findOrders(root, scan?: ScanContext) {
    const generation = scan?.generation ?? -1;
    let entry = cache.get(root);
    if (!entry || entry.generation !== generation || generation < 0) {
      entry = { generation, located: locate(root, scan?.shadowRoots ?? openShadowRoots(root)) };
      cache.set(root, entry);
    }
    // Elements replaced since (a re-rendered form) force a fresh look next time.
    if (entry.located.some((l) => !l.anchor.isConnected)) {
      entry = { generation, located: locate(root, scan?.shadowRoots ?? openShadowRoots(root)) };
      cache.set(root, entry);
    }
    const out: CandidateOrder[] = [];
    for (const l of entry.located) {
      const c = read(l);
      if (c) out.push(c);
    }
    return out;
  },

  findPatient(root, near) {
    for (const scope of patientScopes(root, near)) {
      const p = findPatientIn(scope);
      if (p) return p;
    }
    return null;
  },
};
