/**
 * OpenMRS 3 (O3), the React patient chart (openmrs-esm-patient-chart). Orders are written in the
 * drug order workspace (esm-patient-medications-app, add-drug-order/drug-order-form) and staged
 * in the order basket until "Sign and close". Traps this adapter knows:
 * - a single-page app: workspaces appear later, with no page load;
 * - Carbon components with no name attributes and generated ids: fields are found by their
 *   label text;
 * - CSS-module class names carry a build hash ("…__medicationInfo___Nd3kq"): matched on the
 *   stable part only;
 * - the drug is only text in the form header (#medicationInfo);
 * - the quantity to dispense is computed by the form (dose × frequency × duration) and set by
 *   script, with no input event;
 * - a duration + unit (days, weeks, months) instead of a days supply;
 * - staged basket items (not yet signed) are orders; the medication list is not.
 */
import { compact, isoDate, numberOf, refillsOf, toPatient, userName, valueOf, type CandidateOrder, type EhrAdapter, type PatientHint } from '../adapter';
import { clean, isFormControl, textOf } from '../dom';

const DURATION_DAYS: Readonly<Record<string, number>> = { day: 1, days: 1, week: 7, weeks: 7, month: 30, months: 30 };

/** Controls of a Carbon form by their label's text (lower case): `for=` or aria-labelledby. */
export function controlsByLabel(scope: Element): Map<string, Element> {
  const doc = scope.ownerDocument;
  const out = new Map<string, Element>();
  for (const label of scope.querySelectorAll('label')) {
    const text = clean(label.textContent).toLowerCase();
    const seen = out.get(text);
    // Two labels with the same words (the toggle and the box it opens): the text box wins.
    if (!text || (seen && isFormControl(seen))) continue;
    const id = label.getAttribute('for');
    const byFor = id ? doc.getElementById(id) : null;
    const byLabelledBy = label.id ? scope.querySelector(`[aria-labelledby~="${CSS.escape(label.id)}"]`) : null;
    const control = byFor ?? byLabelledBy ?? label.querySelector('input, textarea, select');
    if (control) out.set(text, control);
  }
  return out;
}

function readForm(form: Element, doc: Document): CandidateOrder | null {
  const info = form.querySelector('#medicationInfo, [class*="__medicationInfo___"]');
  const heading = info?.querySelector('strong');
  const headerText = valueOf(heading);
  if (!info || !headerText) return null;
  // "{drug.display} ({drug.strength})"
  const m = /^(.*?)\s*\(([^()]*)\)\s*$/.exec(headerText);
  const drugText = m?.[1] ?? headerText;
  const strength = m?.[2];
  const fields = controlsByLabel(form);
  const f = (label: string): Element | undefined => fields.get(label);
  const freeToggle = form.querySelector('[role="switch"][aria-label="Free text dosage" i], #freeTextDosageToggle');
  const freeText = freeToggle?.getAttribute('aria-checked') === 'true';
  let sig: string | undefined;
  if (freeText) sig = valueOf(f('free text dosage'));
  else {
    const prn = (f('take as needed') as HTMLInputElement | undefined)?.checked === true;
    const reason = valueOf(f('p.r.n. reason'));
    const parts = [valueOf(f('dose')), valueOf(f('dose unit')), valueOf(f('route')), valueOf(f('frequency'))];
    const base = clean(parts.filter(Boolean).join(' '));
    const extra = valueOf(f('patient instructions'));
    sig = clean([base, prn ? `as needed${reason ? ` for ${reason}` : ''}` : '', extra ?? ''].join(' ')) || undefined;
  }
  const duration = numberOf(valueOf(f('duration')));
  const unit = valueOf(f('duration unit'))?.toLowerCase();
  const perUnit = unit ? DURATION_DAYS[unit] : undefined;
  const quantityEl = f('quantity to dispense');
  const quantityText = valueOf(quantityEl);
  const workspace = form.closest('[class*="__content___"], [role="complementary"]') ?? doc.body;
  const hint = workspaceHint(workspace);
  return {
    anchor: info.parentElement ?? info,
    confidence: 1,
    stage: 'draft',
    fields: compact({ drug: heading ?? undefined, quantity: quantityEl, sig: freeText ? f('free text dosage') : f('frequency'), refills: f('prescription refills') }),
    order: compact({
      drugText,
      strength,
      quantity: numberOf(quantityText),
      quantityText,
      quantityUnit: valueOf(f('quantity unit')),
      sig,
      durationDays: duration !== undefined && perUnit !== undefined ? duration * perUnit : undefined,
      refills: refillsOf(valueOf(f('prescription refills'))),
      setting: 'outpatient' as const,
      kind: 'prescription' as const,
    }),
    ...(hint ? { patientHint: hint } : {}),
  };
}

/** The workspace's own patient header ("Morgan Testwell", "Female · 64 yrs · 09 — Apr — 1961"). */
function workspaceHint(scope: Element): PatientHint | undefined {
  const header = scope.querySelector('[class*="__patientHeader___"]');
  if (!header) return undefined;
  const name = valueOf(header.firstElementChild);
  const birthDate = isoDate(textOf(header));
  return name || birthDate ? compact({ name, birthDate }) : undefined;
}

// "DOSE 1 Tablet — Oral — Every six hours — REFILLS 0 QUANTITY 40 tablet — instructions"
const TILE = /DOSE\s+(.+?)\s+—\s+(.+?)\s+—\s+(.+?)\s+—\s+REFILLS\s+(\d+)\s+QUANTITY\s+(\d+(?:\.\d+)?)\s*([A-Za-z]+)?(?:\s+—\s+(.*))?$/i;

function readTile(tile: Element): CandidateOrder | null {
  const action = valueOf(tile.querySelector('[class*="__orderAction"]'))?.toLowerCase();
  // Discontinuations are not prescriptions.
  if (action === 'discontinue') return null;
  const nameEl = tile.querySelector('[class*="__drugName___"]');
  const drugText = valueOf(nameEl);
  if (!drugText || !nameEl) return null;
  const strength = valueOf(nameEl.nextElementSibling)?.split('—').map((s) => s.trim()).find(Boolean);
  const doseLine = clean(tile.querySelector('[class*="__doseCaption___"]')?.parentElement?.textContent);
  const m = TILE.exec(doseLine);
  return {
    anchor: tile,
    confidence: 1,
    stage: 'staged',
    fields: { drug: nameEl },
    order: compact({
      drugText,
      strength,
      quantity: m?.[5] ? Number(m[5]) : undefined,
      quantityText: m?.[5],
      quantityUnit: m?.[6],
      sig: m ? clean(`${m[1] ?? ''} ${m[2] ?? ''} ${m[3] ?? ''} ${m[7] ?? ''}`) : undefined,
      refills: m?.[4] ? Number(m[4]) : undefined,
      setting: 'outpatient' as const,
      kind: 'prescription' as const,
    }),
  };
}

export const openMrs: EhrAdapter = {
  id: 'openmrs',
  label: 'OpenMRS 3',
  matches: (loc) => loc.pathname.includes('/openmrs/spa/'),

  findOrders(root) {
    const out: CandidateOrder[] = [];
    for (const form of root.querySelectorAll('form#drugOrderForm, form[class*="__orderForm___"]')) {
      const c = readForm(form, root);
      if (c) out.push(c);
    }
    // Staged, unsigned orders in the basket (the medication list's rows are not tiles).
    for (const tile of root.querySelectorAll('[role="listitem"] [class*="__orderBasketItemTile___"]')) {
      const c = readTile(tile.closest('[role="listitem"]') ?? tile);
      if (c) out.push(c);
    }
    return out;
  },

  findPatient(root) {
    const banner = root.querySelector('[aria-label="patient banner"], [class*="__patient-banner__container___"]');
    if (!banner) return null;
    const name = valueOf(banner.querySelector('[class*="__patientName___"]'));
    const demographics = banner.querySelector('[class*="__demographics___"]');
    const dob = demographics ? [...demographics.children].map((c) => valueOf(c)).find((t) => isoDate(t)) : undefined;
    const idTag = banner.querySelector('[class*="__identifierTag___"]');
    const mrn = idTag ? valueOf(idTag.lastElementChild) : undefined;
    const sex = valueOf(banner.querySelector('[class*="__gender___"]'));
    return toPatient(name, dob, { mrn, sex });
  },

  findUser(root) {
    // The user menu panel (esm-primary-navigation-app user-panel-switcher): a Carbon SwitcherItem
    // labelled "User" holding `session.user.person.display`; rendered even while the panel is closed.
    const item = root.querySelector('.cds--switcher [aria-label="User"], [data-extension-id="user-panel-switcher"] [aria-label="User"]');
    return userName(item?.querySelector('p')?.textContent);
  },
};
