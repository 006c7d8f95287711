import type { AttestationDraft } from './schema';

/** A valid draft for tests (synthetic patient), with overrides. */
export function draft(over: Partial<AttestationDraft> = {}): AttestationDraft {
  return {
    reviewer: { userId: 'u-1', name: 'Dr. Avery Quill', role: 'prescriber', npi: '1234567893' },
    prescriber: { name: 'Dr. Avery Quill', npi: '1234567893' },
    patient: { key: 'http://127.0.0.1:47811|mrn:MRN-100234', mrn: 'MRN-100234', initials: 'MT', birthDate: '1961-04-09' },
    order: { drug: 'oxycodone 5 mg tablet', ingredient: 'oxycodone', schedule: 'CII', quantity: 40, daysSupply: 10 },
    ruleIds: ['ct-72h-supply'],
    state: 'CT',
    packVersion: '2016.1',
    outcome: 'reviewed',
    pmpSource: 'Local demo PMP server',
    ehrOrigin: 'http://127.0.0.1:47811',
    ...over,
  };
}
