import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { loadMappings, loadSites } from '@/lib/ehr/site-store';
import { buttonNamed, interact, renderNow, typeInto } from '@/test/react';
import { SitesSettings } from './sites-settings';

let container: HTMLDivElement;
let granted: Set<string>;
let answerRequest: boolean;
const perms = {
  request: vi.fn((p: { origins: string[] }) => {
    if (answerRequest) for (const o of p.origins) granted.add(o);
    return Promise.resolve(answerRequest);
  }),
  contains: vi.fn((p: { origins: string[] }) => Promise.resolve(p.origins.every((o) => granted.has(o)))),
  remove: vi.fn((p: { origins: string[] }) => {
    for (const o of p.origins) granted.delete(o);
    return Promise.resolve(true);
  }),
};

beforeEach(() => {
  granted = new Set();
  answerRequest = true;
  for (const f of Object.values(perms)) f.mockClear();
  Object.assign(fakeBrowser.permissions, perms);
  ({ container } = renderNow(<SitesSettings />));
});

const text = () => container.textContent;
const byName = (name: string) => buttonNamed(container, name);

async function addSite(address: string): Promise<void> {
  const input = container.querySelector<HTMLInputElement>('input[name="ehr-origin"]');
  if (!input) throw new Error('no address box');
  await interact(() => {
    typeInto(input, address);
  });
  await interact(() => {
    container.querySelector('form')?.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
}

describe('the options page\'s EHR sites', () => {
  it('starts with no sites and no mappings', async () => {
    await vi.waitFor(() => {
      expect(text()).toContain('No EHR sites yet.');
    });
    expect(text()).toContain('No field mappings yet.');
    expect(byName('Export mappings (JSON)')?.disabled).toBe(true);
  });

  it('asks the browser for that one origin, then lists the site as granted', async () => {
    await addSite('ehr.example.org/openemr/interface/main/tabs/main.php');
    expect(perms.request).toHaveBeenCalledWith({ origins: ['https://ehr.example.org/*'] });
    await vi.waitFor(() => {
      expect(container.querySelector('[data-testid="site-row"]')?.textContent).toContain('https://ehr.example.orgRecognise automaticallygranted ✓');
    });
    expect(text()).toContain('Added https://ehr.example.org. Reload its open tabs');
    expect((await loadSites()).map((s) => s.origin)).toEqual(['https://ehr.example.org']);
  });

  it.each([
    ['', 'Enter the EHR address'],
    ['https://*.example.org', 'without wildcards'],
    ['ftp://ehr.example.org', 'Only http:// and https://'],
  ])('refuses %j before asking the browser anything', async (address, message) => {
    await addSite(address);
    expect(container.querySelector('[role="alert"]')?.textContent).toContain(message);
    expect(perms.request).not.toHaveBeenCalled();
  });

  it('says so when the admin does not grant access, and adds nothing', async () => {
    answerRequest = false;
    await addSite('https://ehr.example.org');
    await vi.waitFor(() => {
      expect(container.querySelector('[role="alert"]')?.textContent).toContain('was not granted');
    });
    expect(await loadSites()).toEqual([]);
  });

  it('removes a site and gives its permission back', async () => {
    await addSite('https://ehr.example.org');
    await vi.waitFor(() => byName('Remove https://ehr.example.org'));
    await interact(() => {
      byName('Remove https://ehr.example.org')?.click();
    });
    await vi.waitFor(() => {
      expect(text()).toContain('Removed https://ehr.example.org');
    });
    expect(perms.remove).toHaveBeenCalledWith({ origins: ['https://ehr.example.org/*'] });
    expect(await loadSites()).toEqual([]);
  });

  it('starts the field mapper through the background, and shows why it could not', async () => {
    fakeBrowser.runtime.onMessage.addListener(((msg: { type: string }, _s: unknown, reply: (r: unknown) => void) => {
      if (msg.type !== 'startMapper') return undefined;
      reply({ ok: true, value: { started: false, error: 'Open https://ehr.example.org in a tab first, then map its fields.' } });
      return true;
    }) as never);
    await addSite('https://ehr.example.org');
    await vi.waitFor(() => byName('Map fields on https://ehr.example.org'));
    await interact(() => {
      byName('Map fields on https://ehr.example.org')?.click();
    });
    await vi.waitFor(() => {
      expect(container.querySelector('[role="alert"]')?.textContent).toBe('Open https://ehr.example.org in a tab first, then map its fields.');
    });
  });
});

describe('field mappings in the options page', () => {
  const mapping = (origin: string) => ({
    version: 1,
    origin,
    fields: { drug: { path: ['#d'] }, quantity: { path: ['#q'] }, patientName: { path: ['#n'] }, patientDob: { path: ['#b'] } },
    savedAt: '2025-11-20T10:00:00.000Z',
  });

  async function importFile(content: string): Promise<void> {
    const input = container.querySelector<HTMLInputElement>('input[type=file]');
    if (!input) throw new Error('no file input');
    const file = new File([content], 'mappings.json', { type: 'application/json' });
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    await interact(() => {
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
  }

  it('imports the good mappings, refuses the bad ones with reasons, and lists what it kept', async () => {
    await importFile(JSON.stringify({ kind: 'pmp-check.field-mappings', version: 1, mappings: [mapping('https://a.example'), { ...mapping('https://b.example'), fields: {} }] }));
    await vi.waitFor(() => {
      expect(container.querySelector('[data-testid="import-report"]')?.textContent).toContain('Imported 1 mapping(s).');
    });
    expect(container.querySelector('[data-testid="import-report"]')?.textContent).toContain('#2 (https://b.example): fields.drug');
    await vi.waitFor(() => {
      expect(container.querySelector('[data-testid="mapping-row"]')?.textContent).toContain('https://a.exampleDrug, Quantity, Patient name, Patient date of birth');
    });
    expect((await loadMappings()).map((m) => m.origin)).toEqual(['https://a.example']);
  });

  it('refuses a file that is not an export, with a clear message', async () => {
    await importFile('{"hello": "world"}');
    await vi.waitFor(() => {
      expect(container.querySelector('[role="alert"]')?.textContent).toContain('not a PMP Check field-mapping export');
    });
  });

  it('exports every mapping as JSON and removes one', async () => {
    const created: Blob[] = [];
    const url = URL as unknown as { createObjectURL: (b: Blob) => string; revokeObjectURL: (u: string) => void };
    url.createObjectURL = (b: Blob) => {
      created.push(b);
      return 'blob:x';
    };
    url.revokeObjectURL = () => undefined;
    await importFile(JSON.stringify({ kind: 'pmp-check.field-mappings', version: 1, mappings: [mapping('https://a.example')] }));
    await vi.waitFor(() => {
      expect(byName('Export mappings (JSON)')?.disabled).toBe(false);
    });
    await interact(() => {
      byName('Export mappings (JSON)')?.click();
    });
    const exported = JSON.parse(await (created[0] as Blob).text()) as { mappings: { origin: string }[] };
    expect(exported.mappings.map((m) => m.origin)).toEqual(['https://a.example']);
    await interact(() => {
      byName('Remove the mapping for https://a.example')?.click();
    });
    await vi.waitFor(() => {
      expect(text()).toContain('No field mappings yet.');
    });
    expect(await loadMappings()).toEqual([]);
  });
});
