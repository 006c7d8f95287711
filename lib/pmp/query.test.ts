import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PmpConnection } from '../storage/settings';
import { PmpError } from './errors';
import type { PatientQuery, Requester } from './history';
import { historyQueryOptions, pmpKeys } from './query';

const BUNDLED: PmpConnection = { kind: 'bundled', label: 'Bundled synthetic PMP (demo data)' };
const FHIR = { kind: 'fhir', label: 'Test PMP', baseUrl: 'https://pmp.test/fhir', auth: { mode: 'bearer', token: 'secret-token-1' }, timeoutMs: 5000 } satisfies PmpConnection;
const SMART_KEY = { kty: 'EC', crv: 'P-384', x: 'x1', y: 'y1', d: 'private-d-1' } as const;
const SMART = { ...FHIR, auth: { mode: 'smart-backend', clientId: 'c1', scope: 'system/*.rs', privateKey: SMART_KEY } } satisfies PmpConnection;
const CHRONIC: PatientQuery = { given: 'Morgan', family: 'Testwell', birthDate: '1961-04-09' };
const ME: Requester = { prescriber: { name: 'Avery Testford, MD', npi: '9000079191' } };

const client = () => new QueryClient({ defaultOptions: { queries: { retryDelay: 0 } } });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('pmpKeys', () => {
  it('tells sources, tokens, patients and requesters apart', () => {
    const keys = [
      pmpKeys.history(BUNDLED, CHRONIC, ME),
      pmpKeys.history(FHIR, CHRONIC, ME),
      pmpKeys.history({ ...FHIR, auth: { mode: 'bearer', token: 'secret-token-2' } }, CHRONIC, ME),
      pmpKeys.history(SMART, CHRONIC, ME),
      pmpKeys.history({ ...SMART, auth: { ...SMART.auth, clientId: 'c2' } }, CHRONIC, ME),
      pmpKeys.history({ ...SMART, auth: { ...SMART.auth, privateKey: { ...SMART_KEY, d: 'private-d-2' } } }, CHRONIC, ME),
      pmpKeys.history(FHIR, { ...CHRONIC, birthDate: '1961-04-10' }, ME),
      pmpKeys.history(FHIR, CHRONIC, { prescriber: { name: 'Jordan Stubfield, MD' } }),
      pmpKeys.history(FHIR, CHRONIC, { ...ME, delegate: { name: 'Sam Delegate' } }),
    ].map((k) => JSON.stringify(k));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('never puts the bearer token itself in a key', () => {
    expect(JSON.stringify(pmpKeys.history(FHIR, CHRONIC, ME))).not.toContain('secret-token-1');
    expect(JSON.stringify(pmpKeys.history(SMART, CHRONIC, ME))).not.toContain('private-d-1');
  });

  it('files every history under the one prefix the panel clears', () => {
    expect(pmpKeys.history(BUNDLED, CHRONIC, ME).slice(0, 2)).toEqual([...pmpKeys.histories()]);
  });
});

describe('historyQueryOptions', () => {
  it('answers from the bundled PMP with no network at all', async () => {
    const fetchSpy = vi.fn();
    vi.stubGlobal('fetch', fetchSpy);
    const h = await client().query(historyQueryOptions(BUNDLED, CHRONIC, ME));
    expect(h.fills.length).toBeGreaterThan(3);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('asks the configured FHIR PDMP with the bearer token', async () => {
    const fetchSpy = vi.fn(() => Promise.resolve(new Response(JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational', details: { coding: [{ code: 'no-data' }] } }] }), { status: 200 })));
    vi.stubGlobal('fetch', fetchSpy);
    const e = await client().query(historyQueryOptions(FHIR, CHRONIC, ME)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PmpError);
    expect((e as PmpError).kind).toBe('no-match');
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    const [url, init] = fetchSpy.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('https://pmp.test/fhir/Patient/$pdmp-history');
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer secret-token-1');
  });

  it.each([
    [500, 'server-error', 2],
    [401, 'unauthorized', 1],
  ])('HTTP %d is a %s error, tried %d time(s)', async (status, kind, calls) => {
    const fetchSpy = vi.fn(() => Promise.resolve(new Response('{}', { status })));
    vi.stubGlobal('fetch', fetchSpy);
    const e = await client().query(historyQueryOptions(FHIR, CHRONIC, ME)).catch((x: unknown) => x);
    expect((e as PmpError).kind).toBe(kind);
    expect(fetchSpy).toHaveBeenCalledTimes(calls);
  });

  it('is not retried for a bundled "no match"', async () => {
    const qc = client();
    const e = await qc.query(historyQueryOptions(BUNDLED, { ...CHRONIC, family: 'Nobodyfield' }, ME)).catch((x: unknown) => x);
    expect((e as PmpError).kind).toBe('no-match');
  });
});
