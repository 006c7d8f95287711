import { fakeBrowser } from 'wxt/testing/fake-browser';
import { describe, expect, it } from 'vitest';
import { PmpDatabase } from '../attestations/db';
import { AttestationRepository } from '../attestations/repository';
import { draft } from '../attestations/test-helpers';
import { MAPPINGS_KEY } from '../ehr/mapping';
import { SITES_KEY } from '../ehr/sites';
import { getPack } from '../rules/packs';
import { DEFAULT_INDICATOR_SETTINGS } from '../indicators/settings';
import { DEFAULT_SETTINGS, LOCAL_DEMO_PMP, loadSettings, resetSettings, saveSettings, settingsItem, type Settings } from './settings';

/** Every field away from its default, as a practice that has been set up would have it. */
async function configurePractice(): Promise<Settings> {
  const ct = getPack('CT');
  return saveSettings({
    state: 'WA',
    identity: { userId: 'u-1', name: 'Sam Nurse', role: 'delegate' },
    supervisingPrescribers: [{ name: 'Dr. Avery Quill', npi: '1234567893' }],
    pmp: LOCAL_DEMO_PMP,
    indicators: { ...DEFAULT_INDICATOR_SETTINGS, mmeTable: 'cdc-2016' },
    patientIdentifiers: 'mrn',
    retentionYears: 10,
    packEdits: { CT: { ...ct, version: `${ct.version}-edited` } },
    continuousTherapy: 'order-flag-or-history',
  });
}

describe('resetting the settings', () => {
  it('restores every setting to its default, the PMP token included', async () => {
    const before = await configurePractice();
    expect(before).not.toEqual(DEFAULT_SETTINGS);
    await expect(resetSettings()).resolves.toEqual(DEFAULT_SETTINGS);
    await expect(loadSettings()).resolves.toEqual(DEFAULT_SETTINGS);
    const stored = JSON.stringify(await fakeBrowser.storage.local.get('settings'));
    expect(stored).not.toContain('demo-token');
    expect(stored).not.toContain('Sam Nurse');
  });

  it('keeps the version marker the migrations left, so no migration runs on the defaults', async () => {
    // A version 1 user is migrated when the extension updates, then resets.
    const { kind: _fhir, ...v1Pmp } = LOCAL_DEMO_PMP;
    await fakeBrowser.storage.local.set({ settings: { state: 'CT', identity: null, supervisingPrescribers: [], pmp: v1Pmp }, settings$: { v: 1 } });
    await settingsItem.migrate();
    const migrated = await settingsItem.getMeta();
    expect(migrated).toMatchObject({ v: expect.any(Number) as number });
    expect((await loadSettings()).pmp).toEqual(LOCAL_DEMO_PMP);
    await resetSettings();
    expect(await settingsItem.getMeta()).toEqual(migrated);
    await settingsItem.migrate();
    await expect(loadSettings()).resolves.toEqual(DEFAULT_SETTINGS);
    expect(await settingsItem.getMeta()).toEqual(migrated);
  });

  it('saves normally afterwards', async () => {
    await configurePractice();
    await resetSettings();
    await saveSettings({ retentionYears: 8 });
    await expect(loadSettings()).resolves.toEqual({ ...DEFAULT_SETTINGS, retentionYears: 8 });
  });

  it('leaves the EHR sites, the field mappings and the attestation log alone', async () => {
    const sites = [{ origin: 'https://ehr.example.org', adapter: 'auto', addedAt: '2026-11-01T00:00:00.000Z' }];
    const mappings = { 'https://ehr.example.org|/': { origin: 'https://ehr.example.org', pathPrefix: '/' } };
    await fakeBrowser.storage.local.set({ [SITES_KEY]: sites, [MAPPINGS_KEY]: mappings });
    const db = new PmpDatabase('reset-test');
    const repo = new AttestationRepository(db, () => new Date('2026-11-22T15:00:00Z'), { retryDelaysMs: [0], setTimer: () => undefined });
    const recorded = await repo.append(draft());
    await configurePractice();

    await resetSettings();

    expect(await fakeBrowser.storage.local.get([SITES_KEY, MAPPINGS_KEY])).toEqual({ [SITES_KEY]: sites, [MAPPINGS_KEY]: mappings });
    const log = await repo.all();
    expect(log.map((a) => a.id)).toEqual([recorded.id]);
    await expect(repo.verify()).resolves.toMatchObject({ ok: true });
    db.close();
  });
});
