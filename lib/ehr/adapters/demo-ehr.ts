/**
 * Our own demo EHR (server/demo-ehr): a patient banner and a prescription form with labelled
 * fields. Served on 127.0.0.1:47811 by `npm run demo` and the end-to-end tests.
 */
import { isoDate, numberOf, splitName, valueOf, type EhrAdapter } from '../adapter';

export const DEMO_EHR_PORT = '47811';

export const demoEhr: EhrAdapter = {
  id: 'demo-ehr',
  label: 'Demo EHR',
  matches: (loc) => loc.port === DEMO_EHR_PORT && (loc.hostname === '127.0.0.1' || loc.hostname === 'localhost'),

  findOrders(root) {
    const form = root.querySelector<HTMLFormElement>('form#rx-form');
    if (!form) return [];
    const drugText = valueOf(form.querySelector('#drug'));
    if (!drugText) return [];
    const quantityText = valueOf(form.querySelector('#quantity'));
    const quantity = numberOf(quantityText);
    const unit = valueOf(form.querySelector('#quantity-unit'));
    const strength = valueOf(form.querySelector('#strength'));
    const sig = valueOf(form.querySelector('#sig'));
    const daysSupply = numberOf(valueOf(form.querySelector('#days-supply')));
    const refillsText = valueOf(form.querySelector('#refills'));
    const refills = refillsText !== undefined && /^\d+$/.test(refillsText) ? Number(refillsText) : undefined;
    const longTerm = form.querySelector<HTMLInputElement>('#long-term')?.checked === true;
    return [
      {
        anchor: form,
        order: {
          drugText,
          ...(strength ? { strength } : {}),
          ...(quantity !== undefined ? { quantity } : {}),
          ...(quantityText ? { quantityText } : {}),
          ...(unit ? { quantityUnit: unit } : {}),
          ...(sig ? { sig } : {}),
          ...(daysSupply !== undefined ? { daysSupply } : {}),
          ...(refills !== undefined ? { refills } : {}),
          ...(longTerm ? { continuousTherapy: true } : {}),
          setting: 'outpatient',
          kind: 'prescription',
        },
      },
    ];
  },

  findPatient(root) {
    const banner = root.querySelector('#patient-banner');
    if (!banner) return null;
    const name = valueOf(banner.querySelector('.pt-name'));
    const birthDate = isoDate(valueOf(banner.querySelector('.pt-dob')));
    const parts = name ? splitName(name) : undefined;
    if (!name || !birthDate || !parts) return null;
    const mrn = valueOf(banner.querySelector('.pt-mrn'));
    const sex = valueOf(banner.querySelector('.pt-sex'))?.toLowerCase();
    const gender = sex === 'f' || sex === 'female' ? 'female' : sex === 'm' || sex === 'male' ? 'male' : undefined;
    return {
      name: `${parts.given} ${parts.family}`,
      ...parts,
      birthDate,
      ...(mrn ? { mrn } : {}),
      ...(gender ? { gender } : {}),
    };
  },
};
