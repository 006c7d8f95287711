import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { orderPage } from '../../server/demo-ehr/pages';
import type { SyntheticPatient } from '../pmp/synthetic';
import { startContent } from './content';
import { MAPPINGS_KEY } from './mapping';
import { SITES_KEY } from './sites';
import { fakeBackground, loadHtml, readFixture } from './test-helpers';

const patient = { id: 'demo-chronic', given: 'Morgan', family: 'Testwell', birthDate: '1961-04-09', gender: 'female', mrn: 'MRN-100234', fills: [] } as unknown as SyntheticPatient;
const ownSender = { id: fakeBrowser.runtime.id, url: `chrome-extension://${fakeBrowser.runtime.id}/background.js` };

/** A message from the background: the content script's answer, or undefined when nobody answers. */
function fromBackground(type: string, data: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    // The fake event passes (message, sender, sendResponse) to every listener.
    void fakeBrowser.runtime.onMessage.trigger({ type, data }, ownSender, resolve);
    setTimeout(() => {
      resolve(undefined);
    }, 200);
  });
}

let abort: AbortController;
let bg: ReturnType<typeof fakeBackground>;
beforeEach(() => {
  abort = new AbortController();
  bg = fakeBackground();
});
afterEach(() => {
  abort.abort();
});

function type(sel: string, value: string): void {
  const el = document.querySelector<HTMLInputElement>(sel);
  if (!el) throw new Error(sel);
  el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

describe('the content script', () => {
  it('reads the demo EHR with its own adapter and answers "review changed" by checking again', async () => {
    await loadHtml(orderPage(patient), { url: 'http://127.0.0.1:47811/patients/demo-chronic/orders/new' });
    await startContent(window, abort.signal);
    type('#drug', 'oxycodone 5 mg tablet');
    type('#quantity', '40');
    await vi.waitFor(() => {
      expect(document.querySelector('pmp-check-prompt')?.getAttribute('data-pmp-review')).toBe('due');
    });
    expect(bg.evaluations).toHaveLength(1);
    // The demo EHR's adapter is exact: no "Wrong fields?" there.
    expect(document.querySelector('pmp-check-prompt')?.shadowRoot?.textContent).not.toContain('Wrong fields?');
    await expect(fromBackground('reviewChanged', { patientKey: 'k' })).resolves.toEqual({ ok: true, value: { ok: true } });
    await vi.waitFor(() => {
      expect(bg.evaluations).toHaveLength(2);
    });
  });

  it('switches to the admin\'s field mapping as soon as it is saved', async () => {
    await loadHtml(readFixture('generic/unlabeled.html'), { url: 'http://127.0.0.2:47811/fixtures/generic/unlabeled.html' });
    await startContent(window, abort.signal);
    type('#k91', 'oxycodone 5 mg tablet');
    type('#k92', '40');
    await new Promise((r) => setTimeout(r, 100));
    expect(bg.evaluations).toHaveLength(0); // nothing labelled: the generic reader is not sure enough
    await fakeBrowser.storage.local.set({
      [MAPPINGS_KEY]: {
        'http://127.0.0.2:47811': {
          version: 1,
          origin: 'http://127.0.0.2:47811',
          fields: { drug: { path: ['#k91'] }, quantity: { path: ['#k92'] }, sig: { path: ['#k93'] }, patientName: { path: ['.q8x-a'] }, patientDob: { path: ['.q8x-b'] } },
          savedAt: '2025-11-20T10:00:00.000Z',
        },
      },
    });
    await vi.waitFor(() => {
      expect(document.querySelector('pmp-check-prompt')?.getAttribute('data-pmp-review')).toBe('due');
    });
    expect(bg.evaluations[0]?.patient.name).toBe('Morgan Testwell');
    expect(document.querySelector('pmp-check-prompt')?.shadowRoot?.textContent).toContain('Wrong fields?');
    expect(document.querySelectorAll('pmp-check-prompt')).toHaveLength(1); // the old controller stopped
  });

  it('honours the reader the admin chose for the site', async () => {
    await fakeBrowser.storage.local.set({ [SITES_KEY]: [{ origin: 'http://127.0.0.2:47811', adapter: 'openemr', addedAt: '2025-11-20T10:00:00.000Z' }] });
    await loadHtml(readFixture('generic/label-for.html'), { url: 'http://127.0.0.2:47811/fixtures/generic/label-for.html' });
    await startContent(window, abort.signal);
    await new Promise((r) => setTimeout(r, 100));
    // OpenEMR's reader finds no OpenEMR form here, so nothing is asked.
    expect(bg.evaluations).toHaveLength(0);
  });

  it('stops everything when the extension goes away', async () => {
    await loadHtml(orderPage(patient), { url: 'http://127.0.0.1:47811/patients/demo-chronic/orders/new' });
    await startContent(window, abort.signal);
    abort.abort();
    type('#drug', 'oxycodone 5 mg tablet');
    type('#quantity', '40');
    await new Promise((r) => setTimeout(r, 100));
    expect(bg.evaluations).toHaveLength(0);
    await expect(fromBackground('reviewChanged', { patientKey: 'k' })).resolves.toBeUndefined();
  });
});
