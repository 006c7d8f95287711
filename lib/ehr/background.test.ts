import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Sender } from '../messaging/client';
import { createEhrHandlers, sendToFrame, watchSites } from './background';
import { loadMappings } from './site-store';
import { SITES_KEY, SITES_SCRIPT_ID, type RegistrationApi } from './sites';

type Handler = (data: never, sender: Sender) => Promise<unknown>;

const recordDismissal = vi.fn(() => Promise.resolve({ seq: 7, createdAt: '2025-11-20T10:00:00.000Z' }));
const handlers = createEhrHandlers({ recordDismissal }) as Record<string, Handler>;
const call = (type: string, data: unknown, sender: Sender) => {
  const h = handlers[type];
  if (!h) throw new Error(`no handler ${type}`);
  return h(data as never, sender);
};

const fromTab = (url: string, tabId = 5, frameId = 0): Sender => ({ id: fakeBrowser.runtime.id, url, tab: { id: tabId, url } as never, frameId });

let sent: { tabId: number; message: { type: string; data: unknown }; options?: { frameId?: number } }[];
let answer: (msg: { type: string }) => unknown;
let injected: { target: { tabId: number; allFrames?: boolean }; files: string[] }[];
let injectFails: boolean;

beforeEach(() => {
  sent = [];
  answer = () => ({ ok: true, value: { ok: true } });
  (fakeBrowser.tabs as unknown as { sendMessage: unknown }).sendMessage = vi.fn((tabId: number, message: { type: string; data: unknown }, options?: { frameId?: number }) => {
    sent.push({ tabId, message, ...(options ? { options } : {}) });
    const a = answer(message);
    return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
  });
  recordDismissal.mockClear();
  injected = [];
  injectFails = false;
  (fakeBrowser.scripting as unknown as { executeScript: unknown }).executeScript = vi.fn((details: { target: { tabId: number; allFrames?: boolean }; files: string[] }) => {
    if (injectFails) return Promise.reject(new Error('Cannot access contents of the page. Extension manifest must request permission to access the respective host.'));
    injected.push(details);
    return Promise.resolve([]);
  });
});

describe('sending to one frame of a tab', () => {
  it('checks the request, addresses the frame, and checks the answer', async () => {
    await expect(sendToFrame(3, 0, 'mapperEnd', {})).resolves.toEqual({ ok: true });
    expect(sent).toEqual([{ tabId: 3, message: { type: 'mapperEnd', data: {} }, options: { frameId: 0 } }]);
    answer = () => ({ ok: false, error: 'nope' });
    await expect(sendToFrame(3, undefined, 'mapperEnd', {})).rejects.toThrow('nope');
    answer = () => undefined;
    await expect(sendToFrame(3, undefined, 'mapperEnd', {})).rejects.toThrow('No valid answer to "mapperEnd"');
  });
});

describe('EHR message handlers', () => {
  it('hands a prompt dismissal to the attestation path', async () => {
    const req = { outcome: 'declined', reason: 'Not prescribing this order now' };
    await expect(call('dismissPrompt', req, fromTab('http://127.0.0.1:47811/x'))).resolves.toEqual({ seq: 7, createdAt: '2025-11-20T10:00:00.000Z' });
    expect(recordDismissal).toHaveBeenCalledWith(req, expect.objectContaining({ url: 'http://127.0.0.1:47811/x' }));
  });

  it('injects the mapper into every frame of the tab showing the origin, brings it forward, and says so', async () => {
    const tab = await fakeBrowser.tabs.create({ url: 'https://ehr.example/chart', active: false });
    const r = await call('startMapper', { origin: 'https://ehr.example' }, { id: fakeBrowser.runtime.id, url: `chrome-extension://${fakeBrowser.runtime.id}/options.html` });
    expect(r).toEqual({ started: true });
    expect(injected).toEqual([{ target: { tabId: tab.id, allFrames: true }, files: ['/ehr-mapper.js'] }]);
    expect((await fakeBrowser.tabs.get(tab.id ?? -1)).active).toBe(true);
  });

  it('starts the mapper in the sender\'s own tab (the prompt\'s "Wrong fields?")', async () => {
    await expect(call('startMapper', {}, fromTab('https://ehr.example/rx', 9))).resolves.toEqual({ started: true });
    expect(injected[0]?.target.tabId).toBe(9);
  });

  it.each([
    ['no tab shows the origin', 'Open https://nowhere.example in a tab first'],
    ['the page may not be read', 'PMP Check may not read that page'],
  ])('explains when the mapper cannot start: %s', async (what, message) => {
    injectFails = true;
    const origin = what.startsWith('no tab') ? 'https://nowhere.example' : 'https://ehr.example';
    if (!what.startsWith('no tab')) await fakeBrowser.tabs.create({ url: 'https://ehr.example/' });
    const r = (await call('startMapper', { origin }, { id: fakeBrowser.runtime.id, url: `chrome-extension://${fakeBrowser.runtime.id}/options.html` })) as { started: boolean; error?: string };
    expect(r.started).toBe(false);
    expect(r.error).toContain(message);
  });

  it('relays a pick from a child frame to the top frame, with the child\'s origin', async () => {
    const pick = { locator: { path: ['#q'], label: 'Quantity' }, preview: '40' };
    await call('mapperPick', pick, fromTab('https://erx.example/frame', 4, 12));
    expect(sent).toEqual([{ tabId: 4, message: { type: 'mapperPicked', data: { ...pick, origin: 'https://erx.example' } }, options: { frameId: 0 } }]);
  });

  it('ends the mapper in every frame of the tab', async () => {
    await call('mapperStop', {}, fromTab('https://ehr.example/', 4));
    expect(sent).toEqual([{ tabId: 4, message: { type: 'mapperEnd', data: {} } }]);
  });

  it('saves a mapping for the page it was made on, and refuses one for another origin', async () => {
    const mapping = { version: 1, origin: 'https://ehr.example', fields: { drug: { path: ['#d'] }, patientName: { path: ['#n'] }, patientDob: { path: ['#b'] } }, savedAt: '2025-11-20T10:00:00.000Z' };
    await expect(call('saveMapping', { mapping }, fromTab('https://other.example/'))).rejects.toThrow('only be saved for the page it was made on');
    expect(await loadMappings()).toEqual([]);
    await expect(call('saveMapping', { mapping }, fromTab('https://ehr.example/rx'))).resolves.toEqual({ saved: true });
    expect(await loadMappings()).toEqual([mapping]);
  });
});

describe('keeping the registration in step with the sites', () => {
  it('syncs at start and whenever the site list changes', async () => {
    const registered: string[][] = [];
    const api: RegistrationApi = {
      contains: () => Promise.resolve(true),
      registered: () => Promise.resolve(registered.length ? [{ id: SITES_SCRIPT_ID, matches: registered.at(-1) ?? [] }] : []),
      register: (s) => {
        registered.push(s.matches);
        return Promise.resolve();
      },
      update: (s) => {
        registered.push(s.matches);
        return Promise.resolve();
      },
      unregister: () => Promise.resolve(),
    };
    const perms = fakeBrowser.permissions as unknown as { onAdded: { addListener: unknown; removeListener: unknown }; onRemoved: { addListener: unknown; removeListener: unknown } };
    perms.onAdded = { addListener: vi.fn(), removeListener: vi.fn() };
    perms.onRemoved = { addListener: vi.fn(), removeListener: vi.fn() };
    await fakeBrowser.storage.local.set({ [SITES_KEY]: [{ origin: 'https://a.example', adapter: 'auto', addedAt: '2025-11-20T10:00:00.000Z' }] });
    const stop = watchSites(api);
    await vi.waitFor(() => {
      expect(registered).toEqual([['https://a.example/*']]);
    });
    await fakeBrowser.storage.local.set({
      [SITES_KEY]: [
        { origin: 'https://a.example', adapter: 'auto', addedAt: '2025-11-20T10:00:00.000Z' },
        { origin: 'https://b.example', adapter: 'auto', addedAt: '2025-11-20T10:00:00.000Z' },
      ],
    });
    await vi.waitFor(() => {
      expect(registered.at(-1)).toEqual(['https://a.example/*', 'https://b.example/*']);
    });
    expect(perms.onAdded.addListener).toHaveBeenCalled();
    stop();
    expect(perms.onRemoved.removeListener).toHaveBeenCalled();
  });

  it('logs (no PHI) and carries on when registering fails', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const perms = fakeBrowser.permissions as unknown as Record<string, unknown>;
    perms.onAdded = { addListener: vi.fn(), removeListener: vi.fn() };
    perms.onRemoved = { addListener: vi.fn(), removeListener: vi.fn() };
    await fakeBrowser.storage.local.set({ [SITES_KEY]: [{ origin: 'https://a.example', adapter: 'auto', addedAt: '2025-11-20T10:00:00.000Z' }] });
    const stop = watchSites({
      contains: () => Promise.resolve(true),
      registered: () => Promise.reject(new Error('scripting unavailable')),
      register: () => Promise.resolve(),
      update: () => Promise.resolve(),
      unregister: () => Promise.resolve(),
    });
    await vi.waitFor(() => {
      expect(warn).toHaveBeenCalledWith('PMP Check: could not register the content script for the EHR sites', 'scripting unavailable');
    });
    stop();
  });
});
