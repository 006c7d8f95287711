/**
 * Our own demo EHR (server/demo-ehr): a patient banner and a prescription form with labelled
 * fields. Served on 127.0.0.1:47811 by `npm run demo` and the end-to-end tests. The same server
 * also serves other EHRs' fixture pages under /fixtures/: those belong to their own adapters.
 */
import { compact, numberOf, refillsOf, toPatient, userName, valueOf, type EhrAdapter } from '../adapter';

export const DEMO_EHR_PORT = '47811';

export const demoEhr: EhrAdapter = {
  id: 'demo-ehr',
  label: 'Demo EHR',
  matches: (loc) =>
    loc.port === DEMO_EHR_PORT && (loc.hostname === '127.0.0.1' || loc.hostname === 'localhost') && !loc.pathname.startsWith('/fixtures/'),

  findOrders(root) {
    const form = root.querySelector<HTMLFormElement>('form#rx-form');
    if (!form) return [];
    const fields = {
      drug: form.querySelector('#drug'),
      strength: form.querySelector('#strength'),
      quantity: form.querySelector('#quantity'),
      sig: form.querySelector('#sig'),
      daysSupply: form.querySelector('#days-supply'),
      refills: form.querySelector('#refills'),
    };
    const drugText = valueOf(fields.drug);
    if (!drugText || !fields.drug) return [];
    const quantityText = valueOf(fields.quantity);
    const longTerm = form.querySelector<HTMLInputElement>('#long-term')?.checked === true;
    return [
      {
        anchor: form,
        confidence: 1,
        stage: 'draft',
        fields: compact(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v ?? undefined]))),
        order: compact({
          drugText,
          strength: valueOf(fields.strength),
          quantity: numberOf(quantityText),
          quantityText,
          // The unit select's value and text are the same words here ('tablet').
          quantityUnit: valueOf(form.querySelector('#quantity-unit')),
          sig: valueOf(fields.sig),
          daysSupply: numberOf(valueOf(fields.daysSupply)),
          refills: refillsOf(valueOf(fields.refills)),
          continuousTherapy: longTerm ? true : undefined,
          setting: 'outpatient' as const,
          kind: 'prescription' as const,
        }),
      },
    ];
  },

  findPatient(root) {
    const banner = root.querySelector('#patient-banner');
    if (!banner) return null;
    return toPatient(valueOf(banner.querySelector('.pt-name')), valueOf(banner.querySelector('.pt-dob')), {
      mrn: valueOf(banner.querySelector('.pt-mrn')),
      sex: valueOf(banner.querySelector('.pt-sex')),
    });
  },

  findUser(root) {
    // The top bar's "Signed in as …" (server/demo-ehr/pages.ts).
    return userName(root.querySelector('#ehr-user .user-name')?.textContent);
  },
};
