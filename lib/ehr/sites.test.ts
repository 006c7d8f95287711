import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { addSite, loadMappings, loadSites, removeMapping, removeSite, saveMappings } from './site-store';
import { CONTENT_SCRIPT_FILE, parseSites, SITES_KEY, SITES_SCRIPT_ID, syncContentScripts, type ContentScriptRegistration, type RegistrationApi } from './sites';

/** A stand-in for chrome.permissions + chrome.scripting, with what is granted and registered. */
function fakeApi(granted: string[], registered: ContentScriptRegistration[] = []) {
  const state = { registered: [...registered] };
  const api: RegistrationApi = {
    contains: vi.fn((origin: string) => Promise.resolve(granted.includes(origin))),
    registered: vi.fn(() => Promise.resolve(state.registered.map((s) => ({ id: s.id, matches: s.matches })))),
    register: vi.fn((s: ContentScriptRegistration) => {
      if (state.registered.some((r) => r.id === s.id)) return Promise.reject(new Error(`Duplicate script ID '${s.id}'`));
      state.registered.push(s);
      return Promise.resolve();
    }),
    update: vi.fn((s: ContentScriptRegistration) => {
      state.registered = state.registered.map((r) => (r.id === s.id ? s : r));
      return Promise.resolve();
    }),
    unregister: vi.fn((id: string) => {
      state.registered = state.registered.filter((r) => r.id !== id);
      return Promise.resolve();
    }),
  };
  return { api, state };
}

const site = (origin: string) => ({ origin, adapter: 'auto' as const, addedAt: '2025-11-20T10:00:00.000Z' });

describe('runtime content-script registration', () => {
  it('registers the content script, in every frame, for the granted sites only', async () => {
    const { api, state } = fakeApi(['https://a.example', 'https://b.example']);
    const covered = await syncContentScripts(api, [site('https://a.example'), site('https://b.example'), site('https://revoked.example')]);
    expect(covered).toEqual(['https://a.example', 'https://b.example']);
    expect(state.registered).toEqual([
      { id: SITES_SCRIPT_ID, matches: ['https://a.example/*', 'https://b.example/*'], js: [CONTENT_SCRIPT_FILE], allFrames: true, runAt: 'document_idle', persistAcrossSessions: true },
    ]);
  });

  it('never registers the demo EHR twice (the manifest already names it)', async () => {
    const { api, state } = fakeApi(['http://127.0.0.1:47811']);
    await syncContentScripts(api, [site('http://127.0.0.1:47811')]);
    expect(state.registered).toEqual([]);
  });

  it('updates the registration when a site is added, and does nothing when nothing changed', async () => {
    const { api, state } = fakeApi(['https://a.example', 'https://b.example']);
    await syncContentScripts(api, [site('https://a.example')]);
    await syncContentScripts(api, [site('https://a.example'), site('https://b.example')]);
    expect(state.registered[0]?.matches).toEqual(['https://a.example/*', 'https://b.example/*']);
    await syncContentScripts(api, [site('https://b.example'), site('https://a.example')]);
    expect(api.update).toHaveBeenCalledTimes(1);
    expect(api.register).toHaveBeenCalledTimes(1);
  });

  it('unregisters when the last site goes, or its permission is revoked', async () => {
    const { api, state } = fakeApi([], [{ id: SITES_SCRIPT_ID, matches: ['https://a.example/*'], js: [CONTENT_SCRIPT_FILE], allFrames: true, runAt: 'document_idle', persistAcrossSessions: true }]);
    await expect(syncContentScripts(api, [site('https://a.example')])).resolves.toEqual([]);
    expect(state.registered).toEqual([]);
    await expect(syncContentScripts(api, [])).resolves.toEqual([]);
    expect(api.unregister).toHaveBeenCalledTimes(1);
  });

  it('keeps only well-formed, distinct sites from storage', () => {
    expect(parseSites([site('https://a.example'), site('https://a.example'), { origin: '*://*/*' }, 'x', site('https://b.example/path')]).map((s) => s.origin)).toEqual([
      'https://a.example',
    ]);
    expect(parseSites(undefined)).toEqual([]);
    expect(parseSites({})).toEqual([]);
  });
});

describe('the site and mapping store', () => {
  it('adds, re-chooses the reader of, and removes sites', async () => {
    await addSite('https://a.example', 'auto', new Date('2025-11-20T10:00:00Z'));
    await addSite('https://a.example', 'openemr', new Date('2025-11-21T10:00:00Z'));
    await addSite('https://b.example');
    expect((await loadSites()).map((s) => [s.origin, s.adapter])).toEqual([
      ['https://a.example', 'openemr'],
      ['https://b.example', 'auto'],
    ]);
    await removeSite('https://a.example');
    expect((await loadSites()).map((s) => s.origin)).toEqual(['https://b.example']);
  });

  it('refuses to store a site that is not an origin', async () => {
    await expect(addSite('https://a.example/path')).rejects.toThrow();
    await expect(addSite('https://*.example')).rejects.toThrow();
    expect(await loadSites()).toEqual([]);
  });

  it('survives garbage in storage', async () => {
    await fakeBrowser.storage.local.set({ [SITES_KEY]: 'garbage', ehrFieldMappings: [1, 2] });
    expect(await loadSites()).toEqual([]);
    expect(await loadMappings()).toEqual([]);
  });

  it('saves and removes mappings', async () => {
    const mapping = {
      version: 1 as const,
      origin: 'https://a.example',
      fields: { drug: { path: ['#d'] }, patientName: { path: ['#n'] }, patientDob: { path: ['#b'] } },
      savedAt: '2025-11-20T10:00:00.000Z',
    };
    await saveMappings([mapping]);
    expect(await loadMappings()).toEqual([mapping]);
    await removeMapping(mapping);
    expect(await loadMappings()).toEqual([]);
  });
});
