// @vitest-environment node
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startPmpServer } from '../../server/pmp/server';
import type { PmpServerHandle } from '../../server/pmp/server';
import { fetchFhirHistory } from './client';
import { PATIENT_MISMATCH, PmpError } from './errors';
import { Parameters } from './fhir';
import type { PatientQuery, Requester } from './history';
import { AccessTokenCache, generatePrivateJwk, publicJwksOf, type PrivateJwk, type SmartClientConfig } from './smart';
import { syntheticPatients } from './synthetic';

const IG_DIR = fileURLToPath(new URL('../../test/fixtures/pmp/fhir-pdmp-ig/', import.meta.url));
const igText = (name: string): string => readFileSync(`${IG_DIR}${name}`, 'utf8');

const AUGUST: PatientQuery = { given: 'August', family: 'Samuels', birthDate: '1989-03-12' };
const REQUESTER: Requester = { prescriber: { name: 'Avery Testford, MD', npi: '9000079191' }, organization: 'Sample Clinic' };
const NOW = new Date('2025-06-15T12:00:00Z');

type FetchArgs = [input: RequestInfo | URL, init?: RequestInit];

function fakeFetch(respond: (...args: FetchArgs) => Promise<Response>): typeof fetch & { calls: FetchArgs[] } {
  const calls: FetchArgs[] = [];
  const f = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    calls.push([input, init]);
    return respond(input, init);
  };
  return Object.assign(f, { calls });
}

const reply = (body: string, status = 200): (() => Promise<Response>) => () =>
  Promise.resolve(new Response(body, { status, headers: { 'Content-Type': 'application/fhir+json' } }));

/** Resolves only when the request's signal aborts, like a PMP that never answers. */
const hang = (_input: RequestInfo | URL, init?: RequestInit): Promise<Response> =>
  new Promise((_resolve, reject) => {
    init?.signal?.addEventListener('abort', () => {
      const reason: unknown = init.signal?.reason;
      reject(reason instanceof Error ? reason : new DOMException('aborted', 'AbortError'));
    });
  });

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

async function pmpFailure(p: Promise<unknown>): Promise<PmpError> {
  const e = await failure(p);
  if (!(e instanceof PmpError)) throw new Error(`expected a PmpError, got ${String(e)}`);
  return e;
}

describe('fetchFhirHistory with a fake fetch', () => {
  const config = { baseUrl: 'https://pmp.example/fhir/', token: 'tok', timeoutMs: 1000 };

  it('POSTs an IG Parameters to Patient/$pdmp-history with the bearer token', async () => {
    const f = fakeFetch(reply(igText('Parameters-pdmp-history-output-parameters-1.json')));
    const h = await fetchFhirHistory(config, AUGUST, REQUESTER, { fetchImpl: f, now: NOW });
    expect(h.fills).toHaveLength(1);
    expect(h).toMatchObject({ source: 'https://pmp.example/fhir', retrievedAt: NOW.toISOString() });
    const [url, init] = f.calls[0] ?? [];
    expect(url).toBe('https://pmp.example/fhir/Patient/$pdmp-history');
    expect(init?.method).toBe('POST');
    expect(init?.headers).toMatchObject({ Authorization: 'Bearer tok', 'Content-Type': 'application/fhir+json' });
    const body = Parameters.parse(JSON.parse(typeof init?.body === 'string' ? init.body : ''));
    expect(body.parameter?.[0]?.resource).toMatchObject({ resourceType: 'Patient', birthDate: '1989-03-12' });
  });

  it('sends no Authorization header without a token', async () => {
    const f = fakeFetch(reply(igText('Parameters-pdmp-history-output-parameters-1.json')));
    await fetchFhirHistory({ baseUrl: 'https://pmp.example' }, AUGUST, REQUESTER, { fetchImpl: f });
    expect(f.calls[0]?.[1]?.headers).not.toHaveProperty('Authorization');
  });

  it.each([
    ['401', reply('', 401), 'unauthorized', false],
    ['403', reply('', 403), 'unauthorized', false],
    ['400', reply(JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'required', diagnostics: 'birthDate required' }] }), 400), 'bad-request', false],
    ['404', reply('not here', 404), 'bad-request', false],
    ['500', reply('{}', 500), 'server-error', true],
    ['503', reply('', 503), 'server-error', true],
    ['non-JSON 200', reply('<html>proxy login</html>'), 'malformed', false],
    ['JSON that is not FHIR', reply('{"hello":"world"}'), 'malformed', false],
    ['no-data outcome', reply(igText('Parameters-pdmp-history-output-parameters-3-patient-not-found.json')), 'no-match', false],
    ['fatal outcome', reply(igText('Parameters-pdmp-history-output-parameters-7-fatal-error.json')), 'server-error', true],
    [
      'multiple-matches outcome',
      reply(JSON.stringify({ resourceType: 'Parameters', parameter: [{ name: 'outcome', resource: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'multiple-matches' }] } }] })),
      'multiple-matches',
      false,
    ],
    ['a network failure', () => Promise.reject(new TypeError('fetch failed')), 'unreachable', true],
  ])('%s -> %s', async (_label, respond, kind, retryable) => {
    const e = await pmpFailure(fetchFhirHistory(config, AUGUST, REQUESTER, { fetchImpl: fakeFetch(respond) }));
    expect(e.kind).toBe(kind);
    expect(e.retryable).toBe(retryable);
  });

  it('puts OperationOutcome diagnostics of an HTTP error in the detail', async () => {
    const body = JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'required', diagnostics: 'birthDate required' }] });
    const e = await pmpFailure(fetchFhirHistory(config, AUGUST, REQUESTER, { fetchImpl: fakeFetch(reply(body, 400)) }));
    expect(e.detail).toBe('HTTP 400: birthDate required');
  });

  it('times out when the PMP never answers', async () => {
    const e = await pmpFailure(fetchFhirHistory({ ...config, timeoutMs: 20 }, AUGUST, REQUESTER, { fetchImpl: fakeFetch(hang) }));
    expect(e.kind).toBe('timeout');
    expect(e.retryable).toBe(true);
  });

  it('times out when the body stalls after the headers', async () => {
    const stalled = (_input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          init?.signal?.addEventListener('abort', () => {
            controller.error(init.signal?.reason);
          });
        },
      });
      return Promise.resolve(new Response(body, { status: 200 }));
    };
    const e = await pmpFailure(fetchFhirHistory({ ...config, timeoutMs: 20 }, AUGUST, REQUESTER, { fetchImpl: fakeFetch(stalled) }));
    expect(e.kind).toBe('timeout');
  });

  it('rethrows the caller’s own abort reason instead of a PmpError', async () => {
    const controller = new AbortController();
    const reason = new DOMException('navigated away', 'AbortError');
    const pending = fetchFhirHistory(config, AUGUST, REQUESTER, { fetchImpl: fakeFetch(hang), signal: controller.signal });
    controller.abort(reason);
    expect(await failure(pending)).toBe(reason);
  });

  it('does not call the PMP when already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new DOMException('gone', 'AbortError'));
    const f = fakeFetch(hang);
    await failure(fetchFhirHistory(config, AUGUST, REQUESTER, { fetchImpl: f, signal: controller.signal }));
    expect(f.calls).toHaveLength(0);
  });

  it.each([
    ['an invalid date of birth', { ...AUGUST, birthDate: '03/12/1989' }, REQUESTER],
    ['an empty family name', { ...AUGUST, family: '' }, REQUESTER],
    ['a requester without a name', AUGUST, { prescriber: {} } as unknown as Requester],
  ])('rejects %s as bad-request without calling the PMP', async (_label, patient, requester) => {
    const f = fakeFetch(hang);
    const e = await pmpFailure(fetchFhirHistory(config, patient, requester, { fetchImpl: f }));
    expect(e.kind).toBe('bad-request');
    expect(f.calls).toHaveLength(0);
  });

  it('refuses an answer about a different person', async () => {
    const f = fakeFetch(reply(igText('Parameters-pdmp-history-output-parameters-1.json')));
    const e = await pmpFailure(fetchFhirHistory(config, { given: 'Riley', family: 'Sampleton', birthDate: '1988-11-23' }, REQUESTER, { fetchImpl: f }));
    expect(e).toMatchObject({ kind: 'malformed', detail: PATIENT_MISMATCH });
  });

  it('accepts a different first name when family name and date of birth agree', async () => {
    const f = fakeFetch(reply(igText('Bundle-pdmp-bundle-response-message-1.json')));
    const h = await fetchFhirHistory(config, AUGUST, REQUESTER, { fetchImpl: f });
    expect(h.patient?.given).toBe('John');
  });

  it('clears its timer once answered', async () => {
    vi.useFakeTimers();
    try {
      const f = fakeFetch(reply(igText('Parameters-pdmp-history-output-parameters-1.json')));
      await fetchFhirHistory(config, AUGUST, REQUESTER, { fetchImpl: f });
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('fetchFhirHistory against the local PMP server', () => {
  const today = new Date(2025, 5, 15);
  const population = syntheticPatients({ today });
  let server: PmpServerHandle;
  const config = (): { baseUrl: string; token: string; timeoutMs: number } => ({ baseUrl: server.url, token: 'demo-token', timeoutMs: 2000 });
  const CHRONIC: PatientQuery = { given: 'Morgan', family: 'Testwell', birthDate: '1961-04-09' };

  beforeAll(async () => {
    server = await startPmpServer({ port: 0, today });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.setFaults({});
  });

  it('returns demo-chronic exactly as the synthetic data holds it', async () => {
    const h = await fetchFhirHistory(config(), CHRONIC, REQUESTER);
    expect(h.fills).toEqual(population.find((p) => p.id === 'demo-chronic')?.fills);
    expect(h.patient).toMatchObject({ given: 'Morgan', family: 'Testwell', birthDate: '1961-04-09', gender: 'female', postalCode: '06103' });
    expect(h.reportUrl).toMatch(new RegExp(`^${server.url}/report/[A-Za-z0-9_-]{20,}$`));
    expect(h.warnings).toEqual([]);
  });

  it('round-trips every synthetic patient that can be found uniquely', async () => {
    for (const p of population.filter((x) => !x.id.startsWith('dup-'))) {
      const h = await fetchFhirHistory(config(), { given: p.given, family: p.family, birthDate: p.birthDate }, REQUESTER);
      expect(h.fills).toEqual(p.fills);
    }
  });

  it('raises the multiple provider alert for demo-multi', async () => {
    const h = await fetchFhirHistory(config(), { given: 'Casey', family: 'Examplar', birthDate: '1975-02-17' }, REQUESTER);
    expect(h.alerts).toEqual(['Multiple provider episode: 5 or more prescribers and 5 or more pharmacies in 90 days']);
  });

  it('returns demo-naive as a known patient with no fills', async () => {
    const h = await fetchFhirHistory(config(), { given: 'Riley', family: 'Sampleton', birthDate: '1988-11-23' }, REQUESTER);
    expect(h.fills).toEqual([]);
    expect(h.patient?.family).toBe('Sampleton');
  });

  it.each([
    ['an unknown patient', { given: 'Nobody', family: 'Unknownson', birthDate: '1970-01-01' }, undefined, 'no-match'],
    ['the twins', { given: 'Jordan', family: 'Twinfield', birthDate: '1990-07-14' }, undefined, 'multiple-matches'],
    ['a wrong token', CHRONIC, 'wrong', 'unauthorized'],
  ])('%s -> %s', async (_label, patient, token, kind) => {
    const e = await pmpFailure(fetchFhirHistory({ ...config(), ...(token ? { token } : {}) }, patient, REQUESTER));
    expect(e.kind).toBe(kind);
  });

  it('finds one twin once sex is given', async () => {
    const h = await fetchFhirHistory(config(), { given: 'Jordan', family: 'Twinfield', birthDate: '1990-07-14', gender: 'male' }, REQUESTER);
    expect(h.fills.every((f) => f.ingredient === 'methylphenidate')).toBe(true);
  });

  it.each([
    ['timeout', 'timeout', undefined],
    ['error500', 'server-error', undefined],
    ['fatal', 'server-error', undefined],
    ['malformed', 'malformed', undefined],
    ['wrong-patient', 'malformed', PATIENT_MISMATCH],
  ] as const)('fault %s -> %s', async (mode, kind, detail) => {
    server.setFaults({ mode });
    const e = await pmpFailure(fetchFhirHistory({ ...config(), timeoutMs: 300 }, CHRONIC, REQUESTER));
    expect(e.kind).toBe(kind);
    if (detail) expect(e.detail).toBe(detail);
  });

  it('fault partial -> some fills and an incomplete warning', async () => {
    server.setFaults({ mode: 'partial' });
    const h = await fetchFhirHistory(config(), CHRONIC, REQUESTER);
    expect(h.fills.length).toBeGreaterThan(0);
    expect(h.fills.length).toBeLessThan(7);
    expect(h.warnings[0]).toMatch(/^Incomplete results/);
  });

  it('latency below the timeout still answers; above it times out', async () => {
    server.setFaults({ latencyMs: 100 });
    await expect(fetchFhirHistory(config(), CHRONIC, REQUESTER)).resolves.toMatchObject({ source: server.url });
    server.setFaults({ latencyMs: 500 });
    expect((await pmpFailure(fetchFhirHistory({ ...config(), timeoutMs: 150 }, CHRONIC, REQUESTER))).kind).toBe('timeout');
  });

  it('reports unreachable once the server is gone', async () => {
    const other = await startPmpServer({ port: 0 });
    const url = other.url;
    await other.close();
    const e = await pmpFailure(fetchFhirHistory({ baseUrl: url, token: 'demo-token', timeoutMs: 2000 }, CHRONIC, REQUESTER));
    expect(e.kind).toBe('unreachable');
  });
});

describe('fetchFhirHistory with SMART Backend Services access tokens', () => {
  const CHRONIC: PatientQuery = { given: 'Morgan', family: 'Testwell', birthDate: '1961-04-09' };
  let server: PmpServerHandle;
  let key: PrivateJwk;
  const smart = (): SmartClientConfig => ({ baseUrl: server.url, clientId: 'client-a', scope: 'system/*.rs', privateKey: key, timeoutMs: 2000 });

  beforeAll(async () => {
    key = await generatePrivateJwk();
    server = await startPmpServer({ port: 0, today: new Date(2025, 5, 15) });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(async () => {
    server.registerClient({ client_id: 'client-a', jwks: await publicJwksOf(key) });
  });

  it('answers with a token from the cache, and reuses it', async () => {
    const cache = new AccessTokenCache();
    const given: string[] = [];
    const source = async (rejected?: string): Promise<string> => {
      const t = (await cache.get(smart(), rejected ? { rejected } : {})).accessToken;
      given.push(t);
      return t;
    };
    await expect(fetchFhirHistory({ baseUrl: server.url, accessToken: source }, CHRONIC, REQUESTER)).resolves.toMatchObject({ source: server.url });
    await fetchFhirHistory({ baseUrl: server.url, accessToken: source }, CHRONIC, REQUESTER);
    expect(given).toHaveLength(2);
    expect(given[1]).toBe(given[0]);
  });

  it('on a 401 asks once for a new token (naming the refused one) and retries', async () => {
    const cache = new AccessTokenCache();
    const source = vi.fn(async (rejected?: string) => (await cache.get(smart(), rejected ? { rejected } : {})).accessToken);
    const old = await source();
    // Re-registering forgets the tokens issued before: the cache does not know yet.
    server.revokeClient('client-a');
    server.registerClient({ client_id: 'client-a', jwks: await publicJwksOf(key) });
    await expect(fetchFhirHistory({ baseUrl: server.url, accessToken: source }, CHRONIC, REQUESTER)).resolves.toMatchObject({ source: server.url });
    expect(source.mock.calls.slice(1)).toEqual([[], [old]]);
  });

  it('a revoked client: the new token request fails with invalid_client', async () => {
    const cache = new AccessTokenCache();
    const source = async (rejected?: string) => (await cache.get(smart(), rejected ? { rejected } : {})).accessToken;
    await source();
    server.revokeClient('client-a');
    const e = await pmpFailure(fetchFhirHistory({ baseUrl: server.url, accessToken: source }, CHRONIC, REQUESTER));
    expect(e).toMatchObject({ kind: 'unauthorized', auth: 'invalid-client', retryable: false });
  });

  it('a token refused even when fresh is "token-rejected", after exactly one retry', async () => {
    const source = vi.fn(() => Promise.resolve('never-valid'));
    const e = await pmpFailure(fetchFhirHistory({ baseUrl: server.url, accessToken: source }, CHRONIC, REQUESTER));
    expect(e).toMatchObject({ kind: 'unauthorized', auth: 'token-rejected' });
    expect(source).toHaveBeenCalledTimes(2);
  });

  it('a token source that hangs is bounded by the request timeout', async () => {
    const e = await pmpFailure(fetchFhirHistory({ baseUrl: server.url, accessToken: () => new Promise<string>(() => undefined), timeoutMs: 100 }, CHRONIC, REQUESTER));
    expect(e.kind).toBe('timeout');
  });

  it('a caller that cancels while the token is fetched gets its own reason back', async () => {
    const controller = new AbortController();
    const p = fetchFhirHistory({ baseUrl: server.url, accessToken: () => new Promise<string>(() => undefined) }, CHRONIC, REQUESTER, { signal: controller.signal });
    controller.abort(new Error('navigated away'));
    await expect(p).rejects.toThrow('navigated away');
  });
});
