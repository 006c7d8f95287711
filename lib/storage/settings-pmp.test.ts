import { fakeBrowser } from 'wxt/testing/fake-browser';
import { describe, expect, it } from 'vitest';
import { DEFAULT_INDICATOR_SETTINGS } from '../indicators/settings';
import { BUNDLED_PMP_LABEL, DEFAULT_SETTINGS, LOCAL_DEMO_PMP, PmpConnection, Settings, loadSettings, migrateSettingsV1, saveSettings, settingsItem } from './settings';

const message = (input: unknown): string => {
  const r = PmpConnection.safeParse(input);
  return r.success ? '' : r.error.issues.map((i) => i.message).join('; ');
};
const fhir = (over: object) => ({ kind: 'fhir', label: 'State PMP', baseUrl: 'https://pmp.example.org/fhir', timeoutMs: 10_000, ...over });

describe('PmpConnection', () => {
  it('is the bundled PMP or a FHIR endpoint', () => {
    expect(PmpConnection.parse({ kind: 'bundled' })).toEqual({ kind: 'bundled', label: BUNDLED_PMP_LABEL });
    expect(PmpConnection.parse(fhir({ token: 't' }))).toMatchObject({ kind: 'fhir', token: 't' });
    expect(PmpConnection.parse(LOCAL_DEMO_PMP)).toEqual(LOCAL_DEMO_PMP);
  });

  it.each([
    ['plain http to another computer', fhir({ baseUrl: 'http://pmp.example.org/fhir' }), 'Use https'],
    ['not a URL', fhir({ baseUrl: 'pmp example' }), 'Enter the PMP address'],
    ['an ftp URL', fhir({ baseUrl: 'ftp://pmp.example.org' }), 'Enter the PMP address'],
    ['no name', fhir({ label: '  ' }), 'Give the connection a name'],
    ['a timeout under a second', fhir({ timeoutMs: 10 }), '>=1000'],
    ['an unknown kind', { kind: 'script' }, 'Invalid discriminator value'],
  ])('rejects %s with a clear message', (_label, input, text) => {
    expect(message(input)).toContain(text);
  });

  it.each(['http://127.0.0.1:47810', 'http://localhost:8080/fhir', 'http://[::1]:9000'])('allows plain http to this computer: %s', (baseUrl) => {
    expect(message(fhir({ baseUrl }))).toBe('');
  });
});

describe('settings version 2', () => {
  const v1 = {
    state: 'CT',
    identity: { userId: 'u1', name: 'Dr. Avery Quill', role: 'prescriber' },
    supervisingPrescribers: [],
    pmp: { kind: 'fhir', label: 'Local demo PMP server', baseUrl: 'http://127.0.0.1:47810', token: 'demo-token', timeoutMs: 10_000 },
  };

  it('gives a new user the bundled PMP and default indicator settings', async () => {
    const s = await loadSettings();
    expect(s.pmp).toEqual({ kind: 'bundled', label: BUNDLED_PMP_LABEL });
    expect(s.indicators).toEqual(DEFAULT_INDICATOR_SETTINGS);
  });

  it('keeps a v1 user on the FHIR connection they had, and adds the indicator settings', () => {
    const migrated = Settings.parse(migrateSettingsV1(v1));
    expect(migrated.pmp).toEqual(v1.pmp);
    expect(migrated.indicators).toEqual(DEFAULT_INDICATOR_SETTINGS);
    expect(migrated.identity?.name).toBe('Dr. Avery Quill');
  });

  it('falls back to the default PMP when a v1 connection is no longer valid, keeping the rest', () => {
    const migrated = Settings.parse(migrateSettingsV1({ ...v1, pmp: { baseUrl: 'http://pmp.example.org', token: 'x', timeoutMs: 10_000, label: 'x' } }));
    expect(migrated.pmp).toEqual(DEFAULT_SETTINGS.pmp);
    expect(migrated.identity?.name).toBe('Dr. Avery Quill');
  });

  it.each([null, 'garbage', 42])('leaves a v1 value it cannot read (%s) to the field-by-field fallback', (value) => {
    expect(migrateSettingsV1(value)).toBe(value);
  });

  it('migrates what version 1 stored when the extension updates', async () => {
    await fakeBrowser.storage.local.set({ settings: v1, settings$: { v: 1 } });
    await settingsItem.migrate();
    expect(await fakeBrowser.storage.local.get('settings$')).toEqual({ settings$: { v: 2 } });
    const s = await loadSettings();
    expect(s.pmp).toEqual(v1.pmp);
    expect(s.indicators.mmeTable).toBe('cdc-2022');
  });

  it('saves a source switch and an indicator setting, and refuses a bad one', async () => {
    await saveSettings({ pmp: LOCAL_DEMO_PMP, indicators: { ...DEFAULT_INDICATOR_SETTINGS, mmeTable: 'cdc-2016' } });
    expect((await loadSettings()).indicators.mmeTable).toBe('cdc-2016');
    await expect(saveSettings({ indicators: { ...DEFAULT_INDICATOR_SETTINGS, mpeWindowDays: 0 } })).rejects.toThrow();
    expect((await loadSettings()).pmp).toEqual(LOCAL_DEMO_PMP);
  });
});
