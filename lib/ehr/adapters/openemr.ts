/**
 * OpenEMR (open-emr.org), the tabbed UI of 6.x/7.x. The prescription form
 * (controller.php?prescription&edit, templates/prescription/general_edit.html.twig) runs in a
 * tab iframe; the patient banner lives in the top frame (interface/main/tabs/main.php,
 * patient_data_template.php). Traps this adapter knows:
 * - the drug is a select2 widget: the choice is an <option> added by script to a hidden
 *   <select>, whose value may be an id; its TEXT is the drug, sometimes ending "(RxCUI: n)";
 * - "Medicine Units" is strength (size + unit select);
 * - directions are dosage + form + route + interval selects whose values are list ids
 *   ("7") while the text is what the prescriber chose ("q.6h");
 * - interval titles like "q.6h" must become "every 6 hours" (read naively, "q.6h" looks like
 *   "every 0.6 hours").
 */
import { compact, numberOf, refillsOf, toPatient, userName, valueOf, type CandidateOrder, type EhrAdapter } from '../adapter';
import { clean } from '../dom';

// drug_interval list titles (list_options) → words the sig reader knows.
const INTERVALS: Readonly<Record<string, string>> = {
  'b.i.d.': 'twice a day',
  't.i.d.': 'three times a day',
  'q.i.d.': 'four times a day',
  'q.d.': 'once a day',
  'a.c.': 'before meals',
  'p.c.': 'after meals',
  'a.m.': 'every morning',
  'p.m.': 'every evening',
  'h.s.': 'at bedtime',
  'p.r.n.': 'as needed',
  stat: 'now',
};

// drug_route titles → words; unknown routes pass through as shown.
const ROUTES: Readonly<Record<string, string>> = { 'per oris': 'by mouth', bymouth: 'by mouth', 'per rectum': 'rectally', 'per nostril': 'in the nostril' };

/** An OpenEMR interval title in words ("q.6h" → "every 6 hours"); unknown titles pass through. */
export function intervalWords(title: string): string {
  const t = title.trim().toLowerCase();
  const hourly = /^q\.?\s*(\d+)\s*h\.?$/.exec(t);
  if (hourly?.[1]) return `every ${hourly[1]} hours`;
  return INTERVALS[t] ?? title.trim();
}

/** "ALPRAZolam 0.5 MG Oral Tablet (RxCUI: 308048)" → the name and the code. */
export function splitRxcui(text: string): { drugText: string; rxcui?: string } {
  const m = /^(.*?)\s*\(RxCUI:\s*(\d+)\s*\)\s*$/i.exec(text);
  return m?.[1] && m[2] ? { drugText: m[1], rxcui: m[2] } : { drugText: text };
}

function readForm(form: HTMLFormElement): CandidateOrder | null {
  const drugSelect = form.querySelector('select#drug, select[name="drug"]');
  // The select2 widget shows the choice in its rendered span; the hidden select holds it too.
  const raw = valueOf(drugSelect) ?? valueOf(form.querySelector('#select2-drug-container'));
  if (!raw || !drugSelect) return null;
  const { drugText, rxcui } = splitRxcui(raw);
  const codeField = valueOf(form.querySelector('input[name="rxnorm_drugcode"]'));
  const code = rxcui ?? (codeField && /^\d+$/.test(codeField) ? codeField : undefined);

  const quantityEl = form.querySelector('#quantity, [name="quantity"]');
  const quantityText = valueOf(quantityEl);
  const sizeText = valueOf(form.querySelector('#size, [name="size"]'));
  const unitText = valueOf(form.querySelector('select#unit, select[name="unit"]'));
  const strength = sizeText ? clean(`${sizeText} ${unitText ?? ''}`) : undefined;

  const dosageEl = form.querySelector('#dosage, [name="dosage"]');
  const dosage = valueOf(dosageEl);
  const doseForm = valueOf(form.querySelector('select#form, select[name="form"]'));
  const route = valueOf(form.querySelector('select#route, select[name="route"]'));
  const interval = valueOf(form.querySelector('select#interval, select[name="interval"]'));
  // Simplified prescriptions have only a free-text "dosage" box holding the whole direction.
  const sig = clean(
    [dosage, doseForm, route ? ROUTES[route.toLowerCase()] ?? route : undefined, interval ? intervalWords(interval) : undefined]
      .filter(Boolean)
      .join(' '),
  );
  const refillsEl = form.querySelector('select[name="refills"]');
  const anchor = dosageEl?.closest('.form-group') ?? quantityEl?.closest('.form-group') ?? form;
  return {
    anchor,
    confidence: 1,
    stage: 'draft',
    fields: compact({ drug: drugSelect, quantity: quantityEl ?? undefined, sig: dosageEl ?? undefined, refills: refillsEl ?? undefined }),
    order: compact({
      drugText,
      rxcui: code,
      strength,
      doseForm,
      quantity: numberOf(quantityText),
      quantityText,
      quantityUnit: doseForm,
      sig: sig || undefined,
      refills: refillsOf(valueOf(refillsEl)),
      setting: 'outpatient' as const,
      kind: 'prescription' as const,
    }),
  };
}

export const openEmr: EhrAdapter = {
  id: 'openemr',
  label: 'OpenEMR',
  // Paths are the same wherever OpenEMR is installed (…/interface/…, …/controller.php).
  matches: (loc) => /\/interface\/|\/controller\.php$/.test(loc.pathname),

  findOrders(root) {
    const out: CandidateOrder[] = [];
    for (const form of root.querySelectorAll<HTMLFormElement>('form#prescribe, form[name="prescribe"]')) {
      const c = readForm(form);
      if (c) out.push(c);
    }
    return out;
  },

  findPatient(root) {
    // The banner (patient_data_template.php) in the top frame, rendered by Knockout.
    const banner = root.querySelector('#attendantData');
    if (!banner) return null;
    const name = valueOf(banner.querySelector('.ptName [data-bind*="pname"]'));
    const pubpid = valueOf(banner.querySelector('.ptName [data-bind*="pubpid"]'));
    const dob = valueOf(banner.querySelector('[data-bind*="str_dob"]'));
    return toPatient(name, dob, { mrn: pubpid });
  },

  findUser(root) {
    // The user menu in the top frame (templates/user_data_template.php, Knockout `with: user`):
    // first and last name in spans, inside a dropdown that is hidden until opened (read anyway).
    const menu = root.querySelector('#username');
    if (!menu) return null;
    const part = (field: string) => menu.querySelector(`[data-bind="text:${field}"], [data-bind="text: ${field}"]`)?.textContent ?? '';
    return userName(`${part('fname')} ${part('lname')}`);
  },
};
