import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { DEFAULT_SETTINGS, loadSettings, type Settings } from '@/lib/storage/settings';
import { PmpSettings } from './pmp-settings';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLDivElement;
let root: Root;

function render(settings: Settings = DEFAULT_SETTINGS) {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  act(() => {
    root.render(
      <QueryClientProvider client={new QueryClient()}>
        <PmpSettings settings={settings} />
      </QueryClientProvider>,
    );
  });
}

afterEach(() => {
  act(() => {
    root.unmount();
  });
  container.remove();
});

const form = (label: string) => container.querySelector(`form[aria-label="${label}"]`) as HTMLFormElement;
const field = (f: HTMLFormElement, name: string) => f.querySelector(`[name="${name}"]`) as HTMLInputElement;

function type(el: HTMLInputElement | HTMLSelectElement, value: string): void {
  const proto = el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
  act(() => {
    Object.getOwnPropertyDescriptor(proto, 'value')?.set?.call(el, value);
    el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
  });
}

async function submit(f: HTMLFormElement): Promise<void> {
  await act(async () => {
    (f.querySelector('button[type="submit"]') as HTMLButtonElement).click();
    await new Promise((r) => setTimeout(r, 10));
  });
}

function chooseFhir(): HTMLFormElement {
  const f = form('PMP connection');
  const radios = f.querySelectorAll<HTMLInputElement>('input[type="radio"]');
  act(() => {
    radios[1]?.click();
  });
  return f;
}

describe('PMP connection settings', () => {
  it('starts on the bundled PMP with no address to fill in', () => {
    render();
    const f = form('PMP connection');
    expect(f.querySelector<HTMLInputElement>('input[type="radio"]:checked')?.parentElement?.textContent).toContain('Bundled synthetic PMP');
    expect(field(f, 'baseUrl')).toBeNull();
  });

  it('offers the local demo server when switching to FHIR, and saves it', async () => {
    render();
    const f = chooseFhir();
    expect(field(f, 'baseUrl').value).toBe('http://127.0.0.1:47810');
    expect(field(f, 'label').value).toBe('Local demo PMP server');
    await submit(f);
    expect(f.textContent).toContain('Saved ✓');
    expect((await loadSettings()).pmp).toMatchObject({ kind: 'fhir', baseUrl: 'http://127.0.0.1:47810', token: 'demo-token', timeoutMs: 10_000 });
  });

  it.each([
    ['plain http to another computer', 'baseUrl', 'http://pmp.example.org/fhir', 'Use https'],
    ['an address that is no URL', 'baseUrl', 'pmp dot example', 'Enter the PMP address'],
    ['an empty name', 'label', '   ', 'Give the connection a name'],
    ['a timeout of 0 seconds', 'timeout', '0', 'Enter a timeout between 1 and 120 seconds'],
    ['a timeout that is no number', 'timeout', 'ten', 'Enter a timeout between 1 and 120 seconds'],
  ])('refuses %s with a message beside the field, and saves nothing', async (_label, name, value, message) => {
    render();
    const f = chooseFhir();
    type(field(f, name), value);
    await submit(f);
    expect(f.textContent).toContain(message);
    expect(field(f, name === 'timeout' ? 'timeout' : name).getAttribute('aria-invalid')).toBe('true');
    expect((await loadSettings()).pmp.kind).toBe('bundled');
  });

  it('asks Chrome for access to a remote PMP and saves once it is granted', async () => {
    const request = vi.spyOn(browser.permissions, 'request').mockResolvedValue(true as never);
    render();
    const f = chooseFhir();
    type(field(f, 'baseUrl'), 'https://pmp.example.org/fhir/');
    type(field(f, 'token'), 'abc');
    await submit(f);
    expect(request).toHaveBeenCalledWith({ origins: ['https://pmp.example.org/*'] });
    expect((await loadSettings()).pmp).toMatchObject({ kind: 'fhir', baseUrl: 'https://pmp.example.org/fhir', token: 'abc' });
  });

  it('does not save a remote PMP the extension was refused access to', async () => {
    vi.spyOn(browser.permissions, 'request').mockResolvedValue(false as never);
    render();
    const f = chooseFhir();
    type(field(f, 'baseUrl'), 'https://pmp.example.org/fhir');
    await submit(f);
    expect(f.querySelector('[role="alert"]')?.textContent).toContain('did not give the extension access to https://pmp.example.org');
    expect((await loadSettings()).pmp.kind).toBe('bundled');
  });

  it('switches back to the bundled PMP', async () => {
    render({ ...DEFAULT_SETTINGS, pmp: { kind: 'fhir', label: 'X', baseUrl: 'http://127.0.0.1:47810', timeoutMs: 5000 } });
    const f = form('PMP connection');
    act(() => {
      f.querySelector<HTMLInputElement>('input[type="radio"]')?.click();
    });
    await submit(f);
    expect((await loadSettings()).pmp.kind).toBe('bundled');
  });
});

describe('Test connection', () => {
  async function clickTest(f: HTMLFormElement): Promise<void> {
    const button = [...f.querySelectorAll('button')].find((b) => b.textContent === 'Test connection');
    expect(button).toBeDefined();
    await act(async () => {
      button?.click();
      await new Promise((r) => setTimeout(r, 30));
    });
  }

  it('reports each step when the endpoint is a working PDMP server, without saving anything', async () => {
    const fetchMock = vi.fn((url: string) =>
      Promise.resolve(
        url.endsWith('/metadata')
          ? new Response(JSON.stringify({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', rest: [{ operation: [{ name: 'pdmp-history' }] }] }))
          : new Response('{}', { status: 400 }),
      ),
    );
    vi.stubGlobal('fetch', fetchMock);
    render();
    const f = chooseFhir();
    await clickTest(f);
    const report = f.querySelector('[data-testid="connection-report"]');
    expect(report?.getAttribute('data-ok')).toBe('true');
    expect(report?.textContent).toContain('Offers $pdmp-history');
    expect(fetchMock.mock.calls[0]?.[0]).toBe('http://127.0.0.1:47810/metadata');
    expect((await loadSettings()).pmp.kind).toBe('bundled');
    vi.unstubAllGlobals();
  });

  it('names the step that failed: a FHIR server without the PDMP operation', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.resolve(new Response(JSON.stringify({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', rest: [] })))));
    render();
    const f = chooseFhir();
    await clickTest(f);
    const report = f.querySelector('[data-testid="connection-report"]');
    expect(report?.getAttribute('data-ok')).toBe('false');
    expect(report?.textContent).toContain('does not offer the PDMP history operation');
    vi.unstubAllGlobals();
  });

  it('asks for the address first when it is not a URL', async () => {
    render();
    const f = chooseFhir();
    type(field(f, 'baseUrl'), 'not a url');
    await clickTest(f);
    expect(f.querySelector('[role="alert"]')?.textContent).toContain('Enter the FHIR PDMP base URL first');
  });
});

describe('indicator settings', () => {
  it('saves another MME table and window', async () => {
    render();
    const f = form('History indicators');
    type(f.querySelector('select') as HTMLSelectElement, 'cdc-2016');
    type(field(f, 'mpeWindowDays'), '180');
    await submit(f);
    expect(f.textContent).toContain('Saved ✓');
    expect((await loadSettings()).indicators).toMatchObject({ mmeTable: 'cdc-2016', mpeWindowDays: 180 });
  });

  it.each([
    ['mpeWindowDays', '0', 'Enter 7 or more'],
    ['earlyRefillPercent', '150', 'Enter 100 or less'],
    ['mpeMinPharmacies', 'five', 'Enter a whole number'],
    ['mpeMinPrescribers', '', 'Enter a whole number'],
    ['mmeCaution', '120', 'The caution dose must not be above the high dose'],
  ])('refuses %s = "%s": %s', async (name, value, message) => {
    render();
    const f = form('History indicators');
    type(field(f, name), value);
    await submit(f);
    expect(field(f, name).getAttribute('aria-invalid')).toBe('true');
    expect(f.textContent).toContain(message);
    expect((await loadSettings()).indicators.mpeWindowDays).toBe(90);
  });
});
