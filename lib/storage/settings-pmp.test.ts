import { fakeBrowser } from 'wxt/testing/fake-browser';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_INDICATOR_SETTINGS } from '../indicators/settings';
import { generatePrivateJwk, type PrivateJwk } from '../pmp/smart';
import { BUNDLED_PMP_LABEL, DEFAULT_SETTINGS, LOCAL_DEMO_PMP, PmpConnection, Settings, loadSettings, migrateSettingsV1, migrateSettingsV2, saveSettings, settingsItem } from './settings';

const message = (input: unknown): string => {
  const r = PmpConnection.safeParse(input);
  return r.success ? '' : r.error.issues.map((i) => i.message).join('; ');
};
const fhir = (over: object) => ({ kind: 'fhir', label: 'State PMP', baseUrl: 'https://pmp.example.org/fhir', auth: { mode: 'none' }, timeoutMs: 10_000, ...over });
let key: PrivateJwk;
const smart = (over: object = {}) => fhir({ auth: { mode: 'smart-backend', clientId: 'pmp-check-1', scope: 'system/*.rs', privateKey: key, ...over } });

describe('PmpConnection', () => {
  it('is the bundled PMP or a FHIR endpoint', () => {
    expect(PmpConnection.parse({ kind: 'bundled' })).toEqual({ kind: 'bundled', label: BUNDLED_PMP_LABEL });
    expect(PmpConnection.parse(fhir({ auth: { mode: 'bearer', token: 't' } }))).toMatchObject({ kind: 'fhir', auth: { mode: 'bearer', token: 't' } });
    expect(PmpConnection.parse(LOCAL_DEMO_PMP)).toEqual(LOCAL_DEMO_PMP);
  });

  it.each([
    ['plain http to another computer', fhir({ baseUrl: 'http://pmp.example.org/fhir' }), 'Use https'],
    ['not a URL', fhir({ baseUrl: 'pmp example' }), 'Enter the PMP address'],
    ['an ftp URL', fhir({ baseUrl: 'ftp://pmp.example.org' }), 'Enter the PMP address'],
    ['no name', fhir({ label: '  ' }), 'Give the connection a name'],
    ['a timeout under a second', fhir({ timeoutMs: 10 }), '>=1000'],
    ['an unknown kind', { kind: 'script' }, 'Invalid discriminator value'],
    ['an unknown auth mode', fhir({ auth: { mode: 'kerberos' } }), 'Choose how to sign in to the PMP'],
    ['bearer auth without a token', fhir({ auth: { mode: 'bearer', token: ' ' } }), 'Enter the bearer token'],
  ])('rejects %s with a clear message', (_label, input, text) => {
    expect(message(input)).toContain(text);
  });

  it.each(['http://127.0.0.1:47810', 'http://localhost:8080/fhir', 'http://[::1]:9000'])('allows plain http to this computer: %s', (baseUrl) => {
    expect(message(fhir({ baseUrl }))).toBe('');
  });
});

describe('SMART Backend Services auth', () => {
  beforeAll(async () => {
    key = await generatePrivateJwk();
  });

  it('keeps the client id, scope, optional token URL and the private key', () => {
    const parsed = PmpConnection.parse(smart({ tokenUrl: 'https://auth.example.org/token' }));
    expect(parsed).toMatchObject({ auth: { mode: 'smart-backend', clientId: 'pmp-check-1', scope: 'system/*.rs', tokenUrl: 'https://auth.example.org/token', privateKey: { kty: 'EC', crv: 'P-384' } } });
    expect(message(smart())).toBe('');
  });

  it.each<[string, () => object, string]>([
    ['no client id', () => smart({ clientId: '' }), 'Enter the client ID'],
    ['no scope', () => smart({ scope: '  ' }), 'Enter the scopes'],
    ['an http token URL to another computer', () => smart({ tokenUrl: 'http://auth.example.org/token' }), 'Enter the token URL as https'],
    ['a token URL that is no URL', () => smart({ tokenUrl: 'token please' }), 'Enter the token URL as https'],
    ['no private key', () => smart({ privateKey: undefined }), 'The key type ("kty") must be'],
    ['a P-256 key', () => smart({ privateKey: { ...key, crv: 'P-256' } }), 'Only the P-384 curve'],
    ['a key without d', () => smart({ privateKey: { ...key, d: undefined } }), 'The key has no "d" member'],
  ])('rejects %s with a clear message', (_label, input, text) => {
    expect(message(input())).toContain(text);
  });
});

describe('settings version 3 (auth mode)', () => {
  const v2 = {
    state: 'CT',
    identity: { userId: 'u1', name: 'Dr. Avery Quill', role: 'prescriber' },
    supervisingPrescribers: [],
    pmp: { kind: 'fhir', label: 'State PMP', baseUrl: 'https://pmp.example.org/fhir', token: 'abc', timeoutMs: 10_000 },
    indicators: DEFAULT_INDICATOR_SETTINGS,
  };

  it('turns a stored token into bearer auth, and no token into none', () => {
    expect(Settings.parse(migrateSettingsV2(v2)).pmp).toEqual({ kind: 'fhir', label: 'State PMP', baseUrl: 'https://pmp.example.org/fhir', auth: { mode: 'bearer', token: 'abc' }, timeoutMs: 10_000 });
    const none = Settings.parse(migrateSettingsV2({ ...v2, pmp: { ...v2.pmp, token: undefined } })).pmp;
    expect(none).toMatchObject({ auth: { mode: 'none' } });
    expect(none).not.toHaveProperty('token');
  });

  it('leaves the bundled PMP and values it cannot read alone', () => {
    expect(migrateSettingsV2({ ...v2, pmp: { kind: 'bundled', label: 'x' } })).toMatchObject({ pmp: { kind: 'bundled', label: 'x' } });
    expect(migrateSettingsV2(null)).toBeNull();
  });

  it('migrates what version 2 stored when the extension updates', async () => {
    await fakeBrowser.storage.local.set({ settings: v2, settings$: { v: 2 } });
    await settingsItem.migrate();
    expect(await fakeBrowser.storage.local.get('settings$')).toEqual({ settings$: { v: 3 } });
    const stored = await fakeBrowser.storage.local.get<{ settings: { pmp: Record<string, unknown> } }>('settings');
    expect(stored.settings.pmp).toMatchObject({ auth: { mode: 'bearer', token: 'abc' } });
    expect(stored.settings.pmp).not.toHaveProperty('token');
    expect((await loadSettings()).identity?.name).toBe('Dr. Avery Quill');
  });

  it('reads a connection in the old shape even without a migration (e.g. an old value written back)', async () => {
    await fakeBrowser.storage.local.set({ settings: v2, settings$: { v: 3 } });
    expect((await loadSettings()).pmp).toMatchObject({ auth: { mode: 'bearer', token: 'abc' } });
  });

  it('saves a SMART Backend Services connection in local storage, never sync', async () => {
    key = await generatePrivateJwk();
    await saveSettings({ pmp: PmpConnection.parse(smart()) });
    expect((await loadSettings()).pmp).toMatchObject({ auth: { mode: 'smart-backend', privateKey: { d: key.d } } });
    expect(await fakeBrowser.storage.sync.get(null)).toEqual({});
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
    expect(migrated.pmp).toEqual({ ...LOCAL_DEMO_PMP, label: v1.pmp.label });
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
    expect(await fakeBrowser.storage.local.get('settings$')).toEqual({ settings$: { v: 3 } });
    const s = await loadSettings();
    // Through version 2 (indicators) and version 3 (the token became bearer auth).
    expect(s.pmp).toEqual({ kind: 'fhir', label: 'Local demo PMP server', baseUrl: 'http://127.0.0.1:47810', auth: { mode: 'bearer', token: 'demo-token' }, timeoutMs: 10_000 });
    expect(s.indicators.mmeTable).toBe('cdc-2022');
  });

  it('saves a source switch and an indicator setting, and refuses a bad one', async () => {
    await saveSettings({ pmp: LOCAL_DEMO_PMP, indicators: { ...DEFAULT_INDICATOR_SETTINGS, mmeTable: 'cdc-2016' } });
    expect((await loadSettings()).indicators.mmeTable).toBe('cdc-2016');
    await expect(saveSettings({ indicators: { ...DEFAULT_INDICATOR_SETTINGS, mpeWindowDays: 0 } })).rejects.toThrow();
    expect((await loadSettings()).pmp).toEqual(LOCAL_DEMO_PMP);
  });
});
