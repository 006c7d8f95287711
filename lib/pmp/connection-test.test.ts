// @vitest-environment node
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPmpServer } from '../../server/pmp/server';
import { testPmpConnection } from './connection-test';
import { watchNetErrors, type NetErrorObserver, type WebRequestErrorDetails, type WebRequestEvents } from './net-errors';
import { generatePrivateJwk, publicJwksOf, type PrivateJwk } from './smart';

let pmp: Awaited<ReturnType<typeof startPmpServer>>;
let other: Server;
let otherUrl = '';
let otherBody: { status: number; json: unknown } = { status: 200, json: {} };

beforeAll(async () => {
  pmp = await startPmpServer({ port: 0 });
  other = createServer((_req, res) => {
    res.writeHead(otherBody.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(otherBody.json));
  });
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  const addr = other.address();
  otherUrl = `http://127.0.0.1:${String(typeof addr === 'object' && addr ? addr.port : 0)}`;
});
afterAll(async () => {
  await pmp.close();
  other.closeAllConnections();
  await new Promise<void>((r) => other.close(() => { r(); }));
});

describe('testPmpConnection against the real local PMP server', () => {
  it('passes every step with the right token', async () => {
    const r = await testPmpConnection({ baseUrl: pmp.url, token: 'demo-token' });
    expect(r).toMatchObject({ ok: true });
    expect(r.checks.map((c) => c.step)).toEqual(['reach', 'fhir', 'operation', 'auth']);
  });
  it('says the token was refused', async () => {
    expect(await testPmpConnection({ baseUrl: pmp.url, token: 'wrong' })).toMatchObject({ ok: false, problem: 'unauthorized' });
  });
  it('says a token is needed', async () => {
    const r = await testPmpConnection({ baseUrl: `${pmp.url}/` });
    expect(r.problem).toBe('unauthorized');
    expect(r.checks.at(-1)?.title).toBe('The server needs a token');
  });
});

describe('testPmpConnection with SMART Backend Services (the token step)', () => {
  let key: PrivateJwk;
  beforeAll(async () => {
    key = await generatePrivateJwk();
    pmp.registerClient({ client_id: 'ct-test', jwks: await publicJwksOf(key) });
  });
  const smart = (over: object = {}) => ({ baseUrl: pmp.url, clientId: 'ct-test', scope: 'system/Patient.rs system/MedicationDispense.rs', privateKey: key, ...over });

  it('discovers the token endpoint, gets a token, and the PMP accepts it', async () => {
    const r = await testPmpConnection({ baseUrl: pmp.url, smart: smart() });
    expect(r).toMatchObject({ ok: true });
    expect(r.checks.map((c) => c.step)).toEqual(['reach', 'fhir', 'operation', 'token', 'auth']);
    expect(r.checks[3]?.title).toBe('The token endpoint issued an access token to ct-test');
    expect(r.checks[4]?.title).toBe('The access token is accepted');
  });

  it.each<[string, () => object, string, RegExp]>([
    ['an unknown client', () => smart({ clientId: 'not-registered' }), 'invalid-client', /refused this client \(invalid_client\)/],
    ['a scope the PMP refuses', () => smart({ scope: 'system/*.write' }), 'invalid-scope', /refused the scope/],
    ['a token URL where nothing listens', () => smart({ tokenUrl: 'http://127.0.0.1:9/token' }), 'token-endpoint-unreachable', /Could not reach the token endpoint/],
    ['a key that cannot sign', () => smart({ privateKey: { ...key, d: 'AAAA' } }), 'key-unusable', /private key cannot be used/],
  ])('names %s at the token step', async (_name, config, problem, title) => {
    const r = await testPmpConnection({ baseUrl: pmp.url, smart: config() as never });
    expect(r).toMatchObject({ ok: false, problem });
    expect(r.checks.at(-1)).toMatchObject({ step: 'token', ok: false });
    expect(r.checks.at(-1)?.title).toMatch(title);
  });

  it('a server without a SMART configuration: discovery failed, with the way out', async () => {
    otherBody = { status: 200, json: { resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', rest: [{ operation: [{ name: 'pdmp-history' }] }] } };
    const r = await testPmpConnection({ baseUrl: otherUrl, smart: smart({ baseUrl: otherUrl }) });
    expect(r).toMatchObject({ ok: false, problem: 'discovery-failed' });
    expect(r.checks.at(-1)?.detail).toMatch(/Enter the token URL/);
  });
});

describe('testPmpConnection: what failed, in plain words', () => {
  it('nothing listens there', async () => {
    const r = await testPmpConnection({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 3000 });
    expect(r).toMatchObject({ ok: false, problem: 'unreachable' });
    expect(r.checks[0]?.title).toContain('Could not connect to 127.0.0.1:9');
  });
  it('an https address mentions the certificate as a possible cause', async () => {
    const failing = (() => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch;
    const r = await testPmpConnection({ baseUrl: 'https://pmp.example.invalid/fhir' }, failing);
    expect(r.checks[0]?.detail).toMatch(/certificate/);
  });
  it('a timeout', async () => {
    const slow = ((_u: string, init?: RequestInit) =>
      new Promise((_res, rej) => init?.signal?.addEventListener('abort', () => { rej(new DOMException('t', 'TimeoutError')); }))) as typeof fetch;
    expect(await testPmpConnection({ baseUrl: 'http://x.invalid', timeoutMs: 50 }, slow)).toMatchObject({ problem: 'timeout' });
  });
  it.each([
    ['a web page, not FHIR', { status: 200, json: { hello: 'world' } }, 'wrong-server'],
    ['a 404 on /metadata', { status: 404, json: {} }, 'wrong-server'],
    ['FHIR STU3', { status: 200, json: { resourceType: 'CapabilityStatement', fhirVersion: '3.0.2' } }, 'wrong-fhir-version'],
    ['FHIR R4 without the PDMP operation', { status: 200, json: { resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', rest: [{ operation: [{ name: 'everything' }] }] } }, 'operation-missing'],
    ['a server error', { status: 503, json: {} }, 'server-error'],
  ])('%s → %s', async (_name, body, problem) => {
    otherBody = body;
    expect(await testPmpConnection({ baseUrl: otherUrl })).toMatchObject({ ok: false, problem });
  });
});

describe('testPmpConnection names a failed connection from the browser’s webRequest error', () => {
  /** A fake webRequest.onErrorOccurred, and a fetch that fails the way the browser does: the event, then a bare TypeError. */
  function failingBrowser(error: string | null, order: 'event-first' | 'event-after' = 'event-first') {
    const listeners = new Set<(d: WebRequestErrorDetails) => void>();
    const webRequest: WebRequestEvents = {
      onErrorOccurred: {
        addListener: (cb) => listeners.add(cb),
        removeListener: (cb) => listeners.delete(cb),
      },
    };
    const fire = (url: string) => {
      if (error !== null) for (const cb of [...listeners]) cb({ url, error });
    };
    const fetchImpl = ((input: string) => {
      if (order === 'event-first') fire(input);
      else setTimeout(() => { fire(input); }, 20);
      return Promise.reject(new TypeError('Failed to fetch'));
    }) as unknown as typeof fetch;
    const observe: NetErrorObserver = (url) => watchNetErrors(webRequest, url);
    return { fetchImpl, observe, listeners };
  }

  it.each<[string, string, string, RegExp]>([
    ['net::ERR_NAME_NOT_RESOLVED', 'https://pmp.invalid', 'dns', /^The name pmp\.invalid does not resolve \(DNS\)$/],
    ['NS_ERROR_UNKNOWN_HOST', 'https://pmp.invalid/fhir/', 'dns', /^The name pmp\.invalid does not resolve \(DNS\)$/],
    ['net::ERR_CERT_AUTHORITY_INVALID', 'https://127.0.0.1:9443', 'tls-untrusted', /not trusted \(issued by an unknown authority\)/],
    ['net::ERR_CERT_COMMON_NAME_INVALID', 'https://pmp.example.org', 'tls-wrong-name', /is for another name/],
    ['net::ERR_CERT_DATE_INVALID', 'https://pmp.example.org', 'tls-expired', /has expired/],
    ['net::ERR_CONNECTION_REFUSED', 'https://pmp.example.org:8443', 'connection-refused', /^Nothing accepts connections at pmp\.example\.org:8443$/],
    ['net::ERR_CONNECTION_TIMED_OUT', 'https://pmp.example.org', 'timeout', /timed out/],
  ])('%s at %s → %s', async (code, baseUrl, problem, title) => {
    const b = failingBrowser(code);
    const r = await testPmpConnection({ baseUrl }, b.fetchImpl, b.observe);
    expect(r).toMatchObject({ ok: false, problem });
    expect(r.checks).toHaveLength(1);
    expect(r.checks[0]).toMatchObject({ step: 'reach', ok: false });
    expect(r.checks[0]?.title).toMatch(title);
    expect(r.checks[0]?.detail).toContain(`(${code})`);
    expect(b.listeners.size).toBe(0);
  });

  it('takes an event that arrives after fetch rejected', async () => {
    const b = failingBrowser('net::ERR_CERT_AUTHORITY_INVALID', 'event-after');
    const r = await testPmpConnection({ baseUrl: 'https://127.0.0.1:9443' }, b.fetchImpl, b.observe);
    expect(r.problem).toBe('tls-untrusted');
    expect(b.listeners.size).toBe(0);
  });

  it('keeps the general wording when the browser reports nothing useful (or nothing at all)', async () => {
    for (const error of ['net::ERR_FAILED', null]) {
      const b = failingBrowser(error);
      const r = await testPmpConnection({ baseUrl: 'https://pmp.example.org', timeoutMs: 2000 }, b.fetchImpl, (url) => {
        const w = b.observe(url);
        return { stop: () => { w.stop(); }, error: () => w.error(10) };
      });
      expect(r).toMatchObject({ ok: false, problem: 'unreachable' });
      expect(r.checks[0]?.detail).toMatch(/browsers do not say which/);
      expect(b.listeners.size).toBe(0);
    }
  });

  it('without an observer (no webRequest access) says what it said before', async () => {
    const b = failingBrowser('net::ERR_NAME_NOT_RESOLVED');
    const r = await testPmpConnection({ baseUrl: 'https://pmp.invalid' }, b.fetchImpl);
    expect(r).toMatchObject({ ok: false, problem: 'unreachable' });
    expect(r.checks[0]?.title).toBe('Could not connect to pmp.invalid');
  });

  it('an observer that cannot watch the address does not break the test', async () => {
    const b = failingBrowser(null);
    const r = await testPmpConnection({ baseUrl: 'https://pmp.example.org' }, b.fetchImpl, () => {
      throw new Error('not watchable');
    });
    expect(r.problem).toBe('unreachable');
  });

  it('stops watching once the server answered (the real local server)', async () => {
    const listeners = new Set<unknown>();
    let stops = 0;
    const observe: NetErrorObserver = (url) => {
      listeners.add(url);
      return { error: () => Promise.resolve(undefined), stop: () => { stops++; listeners.delete(url); } };
    };
    const r = await testPmpConnection({ baseUrl: pmp.url, token: 'demo-token' }, fetch, observe);
    expect(r.ok).toBe(true);
    expect(stops).toBe(1);
    expect(listeners.size).toBe(0);
  });

  it('a real refused connection, named by the observer (Node fetch has no webRequest: the fake supplies it)', async () => {
    const b = failingBrowser('net::ERR_CONNECTION_REFUSED');
    const real = ((input: string, init?: RequestInit) => fetch(input, init).catch((e: unknown) => b.fetchImpl(input).catch(() => { throw e; }))) as typeof fetch;
    const r = await testPmpConnection({ baseUrl: 'http://127.0.0.1:9' }, real, b.observe);
    expect(r).toMatchObject({ ok: false, problem: 'connection-refused' });
    expect(r.checks[0]?.title).toBe('Nothing accepts connections at 127.0.0.1:9');
  });
});
