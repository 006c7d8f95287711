import { describe, expect, it, vi } from 'vitest';
import { LOCAL_DEMO_PMP, type PmpConnection } from '../storage/settings';
import type { PatientQuery, Requester } from './history';
import { fetchHistory } from './source';

const PATIENT: PatientQuery = { given: 'Morgan', family: 'Testwell', birthDate: '1961-04-09' };
const ME: Requester = { prescriber: { name: 'Avery Testford, MD' } };
const KEY = { kty: 'EC', crv: 'P-384', x: 'xx', y: 'yy', d: 'dd' } as const;

/** A fetch that records the Authorization header and answers "no history" (so the call completes). */
function recorder() {
  const seen: (string | null)[] = [];
  const fetchImpl = vi.fn((_url: RequestInfo | URL, init?: RequestInit) => {
    seen.push(new Headers(init?.headers).get('authorization'));
    const outcome = { resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational', details: { text: 'none' } }] };
    return Promise.resolve(new Response(JSON.stringify({ resourceType: 'Parameters', parameter: [{ name: 'outcome', resource: outcome }] }), { status: 200 }));
  });
  return { seen, fetchImpl: fetchImpl as unknown as typeof fetch };
}

describe('fetchHistory: the credentials each auth mode sends', () => {
  it.each<[string, PmpConnection, string | null]>([
    ['bearer', LOCAL_DEMO_PMP, 'Bearer demo-token'],
    ['none', { ...LOCAL_DEMO_PMP, auth: { mode: 'none' } }, null],
  ])('%s', async (_mode, connection, header) => {
    const { seen, fetchImpl } = recorder();
    await fetchHistory(connection, PATIENT, ME, { fetchImpl }).catch(() => undefined);
    expect(seen).toEqual([header]);
  });

  it('smart-backend: the access token from the token source', async () => {
    const { seen, fetchImpl } = recorder();
    const accessToken = vi.fn(() => Promise.resolve('at-42'));
    const smart: PmpConnection = { ...LOCAL_DEMO_PMP, auth: { mode: 'smart-backend', clientId: 'c', scope: 'system/*.rs', privateKey: KEY } };
    await fetchHistory(smart, PATIENT, ME, { fetchImpl, accessToken }).catch(() => undefined);
    expect(accessToken).toHaveBeenCalledTimes(1);
    expect(seen).toEqual(['Bearer at-42']);
  });
});
