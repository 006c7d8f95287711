import { describe, expect, it } from 'vitest';
import { loadSettings, saveSettings, settingsItem, type Settings } from './settings';

describe('practice settings: delegates, patient identifiers, retention', () => {
  it('settings stored before these fields existed load with the defaults, identity kept', async () => {
    const older = {
      state: 'CT',
      identity: { userId: 'u1', name: 'Sam Nurse', role: 'delegate' },
      supervisingPrescribers: [{ name: 'Dr. Avery Quill', npi: '1234567893' }],
      pmp: { kind: 'fhir', label: 'Local demo PMP server', baseUrl: 'http://127.0.0.1:47810', token: 'demo-token', timeoutMs: 10_000 },
    };
    await settingsItem.setValue(older as unknown as Settings);
    const s = await loadSettings();
    expect(s.identity?.name).toBe('Sam Nurse');
    expect(s.supervisingPrescribers).toEqual([{ name: 'Dr. Avery Quill', npi: '1234567893' }]);
    expect(s.patientIdentifiers).toBe('mrn-initials-dob');
    expect(s.retentionYears).toBe(6);
  });

  it.each<[string, Partial<Settings>, RegExp]>([
    ['a short prescriber name', { supervisingPrescribers: [{ name: 'A' }] }, /full name/],
    ['a bad NPI', { supervisingPrescribers: [{ name: 'Dr. Avery Quill', npi: '123' }] }, /NPI has 10 digits/],
    ['a bad DEA number', { supervisingPrescribers: [{ name: 'Dr. Avery Quill', dea: 'X1' }] }, /DEA number/],
    ['a retention of 0 years', { retentionYears: 0 }, /./],
    ['an unknown identifier setting', { patientIdentifiers: 'everything' as never }, /./],
  ])('refuses %s and keeps what was saved', async (_n, patch, message) => {
    await saveSettings({ retentionYears: 7 });
    await expect(saveSettings(patch)).rejects.toThrow(message);
    expect((await loadSettings()).retentionYears).toBe(7);
  });

  it('saves delegates and practice settings', async () => {
    await saveSettings({ supervisingPrescribers: [{ name: 'Dr. Rowan Vale', npi: '1234567893', dea: 'RV1234563' }], patientIdentifiers: 'mrn', retentionYears: 10 });
    expect(await loadSettings()).toMatchObject({ supervisingPrescribers: [{ name: 'Dr. Rowan Vale', dea: 'RV1234563' }], patientIdentifiers: 'mrn', retentionYears: 10 });
  });
});
