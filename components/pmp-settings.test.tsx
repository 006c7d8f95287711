import { QueryClient } from '@tanstack/react-query';
import { act } from 'react';
import type { Root } from 'react-dom/client';
import { describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { DEFAULT_SETTINGS, loadSettings, type Settings } from '@/lib/storage/settings';
import { renderNow } from '@/test/react';
import { PmpSettings } from './pmp-settings';

let container: HTMLDivElement;
let root: Root;

function render(settings: Settings = DEFAULT_SETTINGS) {
  // The library's default QueryClient (with retries), as before.
  ({ container, root } = renderNow(<PmpSettings settings={settings} />, { client: new QueryClient() }));
}

const form = (label: string) => container.querySelector(`form[aria-label="${label}"]`) as HTMLFormElement;
const field = (f: HTMLFormElement, name: string) => f.querySelector(`[name="${name}"]`) as HTMLInputElement;

function type(el: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, value: string): void {
  const proto = el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
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
    expect((await loadSettings()).pmp).toMatchObject({ kind: 'fhir', baseUrl: 'http://127.0.0.1:47810', auth: { mode: 'bearer', token: 'demo-token' }, timeoutMs: 10_000 });
  });

  it.each([
    ['plain http to another computer', 'baseUrl', 'http://pmp.example.org/fhir', 'Use https'],
    ['an address that is no URL', 'baseUrl', 'pmp dot example', 'Enter the PMP address'],
    ['an empty name', 'label', '   ', 'Give the connection a name'],
    ['a timeout of 0 seconds', 'timeout', '0', 'Enter a timeout between 1 and 120 seconds'],
    ['a timeout that is no number', 'timeout', 'ten', 'Enter a timeout between 1 and 120 seconds'],
    ['an empty bearer token', 'token', '  ', 'Enter the bearer token the PMP issued'],
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
    expect((await loadSettings()).pmp).toMatchObject({ kind: 'fhir', baseUrl: 'https://pmp.example.org/fhir', auth: { mode: 'bearer', token: 'abc' } });
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
    render({ ...DEFAULT_SETTINGS, pmp: { kind: 'fhir', label: 'X', baseUrl: 'http://127.0.0.1:47810', auth: { mode: 'none' }, timeoutMs: 5000 } });
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

  /** browser.webRequest.onErrorOccurred as the options page sees it (fakeBrowser does not implement it). */
  function fakeWebRequest(granted: boolean) {
    type Listener = Parameters<typeof browser.webRequest.onErrorOccurred.addListener>[0];
    const listeners = new Set<Listener>();
    const filters: string[][] = [];
    vi.spyOn(browser.webRequest.onErrorOccurred, 'addListener').mockImplementation((cb, filter) => {
      listeners.add(cb);
      filters.push(filter.urls);
    });
    vi.spyOn(browser.webRequest.onErrorOccurred, 'removeListener').mockImplementation((cb) => {
      listeners.delete(cb);
    });
    const contains = vi.spyOn(browser.permissions, 'contains').mockResolvedValue(granted as never);
    vi.spyOn(browser.permissions, 'request').mockResolvedValue(true as never);
    // The browser's order: the webRequest event, then fetch's bare TypeError.
    vi.stubGlobal('fetch', vi.fn((url: string) => {
      // Only the fields the page reads; the rest of Chrome's details do not matter here.
      for (const cb of [...listeners]) cb({ url, error: 'net::ERR_NAME_NOT_RESOLVED' } as Parameters<Listener>[0]);
      return Promise.reject(new TypeError('Failed to fetch'));
    }));
    return { listeners, filters, contains };
  }

  it('names a DNS failure from webRequest when the origin is granted, and stops listening', async () => {
    const wr = fakeWebRequest(true);
    render();
    const f = chooseFhir();
    type(field(f, 'baseUrl'), 'https://pmp.invalid/fhir');
    await clickTest(f);
    const report = f.querySelector('[data-testid="connection-report"]');
    expect(report?.getAttribute('data-problem')).toBe('dns');
    expect(report?.querySelector('[data-step="reach"]')?.textContent).toContain('The name pmp.invalid does not resolve (DNS)');
    expect(report?.textContent).toContain('net::ERR_NAME_NOT_RESOLVED');
    expect(wr.contains).toHaveBeenCalledWith({ origins: ['https://pmp.invalid/*'] });
    expect(wr.filters).toEqual([['https://pmp.invalid/*']]);
    expect(wr.listeners.size).toBe(0);
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('without the grant it does not listen and keeps the general wording', async () => {
    const wr = fakeWebRequest(false);
    render();
    const f = chooseFhir();
    type(field(f, 'baseUrl'), 'https://pmp.invalid/fhir');
    await clickTest(f);
    const report = f.querySelector('[data-testid="connection-report"]');
    expect(report?.getAttribute('data-problem')).toBe('unreachable');
    expect(report?.textContent).toContain('browsers do not say which');
    expect(wr.filters).toEqual([]);
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('asks for the address first when it is not a URL', async () => {
    render();
    const f = chooseFhir();
    type(field(f, 'baseUrl'), 'not a url');
    await clickTest(f);
    expect(f.querySelector('[role="alert"]')?.textContent).toContain('Enter the FHIR PDMP base URL first');
  });
});

describe('SMART Backend Services', () => {
  function chooseSmart(): HTMLFormElement {
    const f = chooseFhir();
    act(() => {
      f.querySelector<HTMLInputElement>('input[name="auth-mode"][value="smart-backend"]')?.click();
    });
    return f;
  }
  const button = (f: HTMLFormElement, text: RegExp) => [...f.querySelectorAll('button')].find((b) => text.test(b.textContent));
  async function click(el: HTMLElement | undefined, ms = 50): Promise<void> {
    expect(el).toBeDefined();
    await act(async () => {
      el?.click();
      await new Promise((r) => setTimeout(r, ms));
    });
  }
  async function generateKey(f: HTMLFormElement): Promise<void> {
    await click(button(f, /Generate a key pair/));
    await vi.waitFor(() => {
      expect(field(f, 'publicJwks')).not.toBeNull();
    });
  }

  it('generates a key pair, shows only the public JWKS, and saves the private key in local storage', async () => {
    render();
    const f = chooseSmart();
    expect(field(f, 'scope').value).toBe('system/Patient.rs system/MedicationDispense.rs');
    type(field(f, 'clientId'), 'pmp-check-ct-01');
    await generateKey(f);
    const jwks = JSON.parse(field(f, 'publicJwks').value) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-384', alg: 'ES384', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    expect(f.textContent).not.toMatch(/"d"/);
    await submit(f);
    expect(f.textContent).toContain('Saved ✓');
    const pmp = (await loadSettings()).pmp;
    expect(pmp).toMatchObject({ kind: 'fhir', auth: { mode: 'smart-backend', clientId: 'pmp-check-ct-01', privateKey: { kty: 'EC', kid: jwks.keys[0]?.kid } } });
    expect(await browser.storage.sync.get(null)).toEqual({});
  });

  it('generates an RSA key when RS384 is chosen', async () => {
    render();
    const f = chooseSmart();
    type(f.querySelector('select[name="keyAlg"]') as HTMLSelectElement, 'RS384');
    await generateKey(f);
    expect(JSON.parse(field(f, 'publicJwks').value)).toMatchObject({ keys: [{ kty: 'RSA', alg: 'RS384', e: 'AQAB' }] });
  });

  it('shows the stored key’s public JWKS when the page opens again', async () => {
    render();
    let f = chooseSmart();
    type(field(f, 'clientId'), 'c1');
    await generateKey(f);
    const shown = field(f, 'publicJwks').value;
    await submit(f);
    act(() => {
      root.unmount();
    });
    container.remove();
    render(await loadSettings());
    f = form('PMP connection');
    await vi.waitFor(() => {
      expect(field(f, 'publicJwks').value).toBe(shown);
    });
    expect(field(f, 'clientId').value).toBe('c1');
  });

  it('accepts a pasted private JWK', async () => {
    const { generatePrivateJwk } = await import('@/lib/pmp/smart');
    const key = await generatePrivateJwk();
    render();
    const f = chooseSmart();
    type(field(f, 'clientId'), 'c2');
    type(field(f, 'privateKey'), JSON.stringify({ ...key, kid: 'my-kid' }));
    await click(button(f, /Use this private key/));
    expect(JSON.parse(field(f, 'publicJwks').value)).toMatchObject({ keys: [{ kid: 'my-kid', x: key.x }] });
    await submit(f);
    expect((await loadSettings()).pmp).toMatchObject({ auth: { mode: 'smart-backend', privateKey: { kid: 'my-kid', d: key.d } } });
  });

  it.each<[string, () => Promise<string>, RegExp]>([
    ['text that is not JSON', () => Promise.resolve('-----BEGIN PRIVATE KEY-----'), /This is not JSON/],
    ['a public key', async () => { const { generatePrivateJwk } = await import('@/lib/pmp/smart'); const { d: _d, ...pub } = await generatePrivateJwk(); return JSON.stringify(pub); }, /This is a public key/],
    ['a P-256 key', () => Promise.resolve(JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'c' })), /Only the P-384 curve/],
    ['a short RSA key', () => Promise.resolve(JSON.stringify({ kty: 'RSA', n: 'abc', e: 'AQAB', d: 'x', p: 'x', q: 'x', dp: 'x', dq: 'x', qi: 'x' })), /shorter than 2048 bits/],
    ['an RSA key without its primes', () => Promise.resolve(JSON.stringify({ kty: 'RSA', n: 'a'.repeat(342), e: 'AQAB', d: 'x' })), /no "p" member/],
    ['an oct key', () => Promise.resolve(JSON.stringify({ kty: 'oct', k: 'abc', d: 'x' })), /must be "EC" \(P-384\) or "RSA"/],
    ['a key set with two keys', () => Promise.resolve(JSON.stringify({ keys: [{}, {}] })), /holds 2 keys/],
  ])('refuses %s with a readable message, and saves nothing', async (_name, text, message) => {
    render();
    const f = chooseSmart();
    type(field(f, 'clientId'), 'c3');
    type(field(f, 'privateKey'), await text());
    await submit(f);
    expect(f.textContent).toMatch(message);
    expect(field(f, 'privateKey').getAttribute('aria-invalid')).toBe('true');
    expect((await loadSettings()).pmp.kind).toBe('bundled');
  });

  it.each<[string, string, string, RegExp]>([
    ['no client id', 'clientId', '', /Enter the client ID the PMP registered/],
    ['no scope', 'scope', ' ', /Enter the scopes to ask for/],
    ['an http token URL to another computer', 'tokenUrl', 'http://auth.example.org/token', /Enter the token URL as https/],
  ])('refuses %s beside the field', async (_name, name, value, message) => {
    render();
    const f = chooseSmart();
    type(field(f, 'clientId'), 'c4');
    await generateKey(f);
    type(field(f, name), value);
    await submit(f);
    expect(f.textContent).toMatch(message);
    expect(field(f, name).getAttribute('aria-invalid')).toBe('true');
    expect((await loadSettings()).pmp.kind).toBe('bundled');
  });

  it('asks for a key when none was generated or pasted', async () => {
    render();
    const f = chooseSmart();
    type(field(f, 'clientId'), 'c5');
    await submit(f);
    expect(f.textContent).toContain('Generate a key pair, or paste the private key the PMP registered');
    expect((await loadSettings()).pmp.kind).toBe('bundled');
  });

  it('saves "no sign-in"', async () => {
    render();
    const f = chooseFhir();
    act(() => {
      f.querySelector<HTMLInputElement>('input[name="auth-mode"][value="none"]')?.click();
    });
    expect(field(f, 'token')).toBeNull();
    await submit(f);
    expect((await loadSettings()).pmp).toMatchObject({ kind: 'fhir', auth: { mode: 'none' } });
  });

  it('Test connection gets a token from the discovered endpoint and shows the token step', async () => {
    const calls: string[] = [];
    const fetchMock = vi.fn((url: string, init?: RequestInit) => {
      calls.push(`${init?.method ?? 'GET'} ${url}`);
      if (url.endsWith('/metadata')) return Promise.resolve(new Response(JSON.stringify({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', rest: [{ operation: [{ name: 'pdmp-history' }] }] })));
      if (url.endsWith('/.well-known/smart-configuration')) return Promise.resolve(new Response(JSON.stringify({ token_endpoint: 'http://127.0.0.1:47810/auth/token', token_endpoint_auth_methods_supported: ['private_key_jwt'] })));
      if (url.endsWith('/auth/token')) {
        const form = new URLSearchParams(typeof init?.body === 'string' ? init.body : '');
        const ok = form.get('grant_type') === 'client_credentials' && form.get('client_assertion')?.split('.').length === 3;
        return Promise.resolve(new Response(JSON.stringify(ok ? { access_token: 'at-1', token_type: 'bearer', expires_in: 300 } : { error: 'invalid_request' }), { status: ok ? 200 : 400 }));
      }
      const auth = new Headers(init?.headers).get('authorization');
      return Promise.resolve(new Response('{}', { status: auth === 'Bearer at-1' ? 400 : 401 }));
    });
    vi.stubGlobal('fetch', fetchMock);
    render();
    const f = chooseSmart();
    type(field(f, 'clientId'), 'c6');
    await generateKey(f);
    await click(button(f, /^Test connection$/), 100);
    await vi.waitFor(() => {
      expect(f.querySelector('[data-testid="connection-report"]')?.getAttribute('data-ok')).toBe('true');
    });
    expect(f.querySelector('[data-step="token"]')?.textContent).toContain('The token endpoint issued an access token to c6');
    expect(f.querySelector('[data-step="auth"]')?.textContent).toContain('The access token is accepted');
    expect(calls).toEqual([
      'GET http://127.0.0.1:47810/metadata',
      'GET http://127.0.0.1:47810/.well-known/smart-configuration',
      'POST http://127.0.0.1:47810/auth/token',
      'POST http://127.0.0.1:47810/Patient/$pdmp-history',
    ]);
    vi.unstubAllGlobals();
  });

  it('Test connection names an unknown client', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn((url: string) => {
        if (url.endsWith('/metadata')) return Promise.resolve(new Response(JSON.stringify({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', rest: [{ operation: [{ name: 'pdmp-history' }] }] })));
        return Promise.resolve(new Response(JSON.stringify({ error: 'invalid_client', error_description: 'Unknown client' }), { status: 401 }));
      }),
    );
    render();
    const f = chooseSmart();
    type(field(f, 'clientId'), 'c7');
    type(field(f, 'tokenUrl'), 'http://127.0.0.1:47810/auth/token');
    await generateKey(f);
    await click(button(f, /^Test connection$/), 100);
    await vi.waitFor(() => {
      expect(f.querySelector('[data-testid="connection-report"]')?.getAttribute('data-problem')).toBe('invalid-client');
    });
    expect(f.querySelector('[data-step="token"]')?.textContent).toMatch(/refused this client \(invalid_client\).*Unknown client/);
    vi.unstubAllGlobals();
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
