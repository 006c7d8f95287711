// @vitest-environment node
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Bundle, OperationOutcome, Parameters, buildHistoryRequest } from '../../lib/pmp/fhir';
import type { PatientQuery, Requester } from '../../lib/pmp/history';
import { startPmpServer } from './server';
import type { FaultSettings, PmpServerHandle } from './server';

const IG_DIR = fileURLToPath(new URL('../../test/fixtures/pmp/fhir-pdmp-ig/', import.meta.url));
const igText = (name: string): string => readFileSync(`${IG_DIR}${name}`, 'utf8');

const TODAY = new Date(2025, 5, 15);
const REQUESTER: Requester = { prescriber: { name: 'Avery Testford, MD', npi: '9000079191' } };
const CHRONIC: PatientQuery = { given: 'Morgan', family: 'Testwell', birthDate: '1961-04-09' };
const TWINS: PatientQuery = { given: 'Jordan', family: 'Twinfield', birthDate: '1990-07-14' };
const AUTH = { Authorization: 'Bearer demo-token', 'Content-Type': 'application/fhir+json' };

let server: PmpServerHandle;

beforeAll(async () => {
  server = await startPmpServer({ port: 0, today: TODAY });
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  server.setFaults({});
});

interface PostInit {
  path?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

function post(body: string, init: PostInit = {}): Promise<Response> {
  return fetch(`${server.url}${init.path ?? '/Patient/$pdmp-history'}`, {
    method: 'POST',
    headers: init.headers ?? AUTH,
    body,
    ...(init.signal ? { signal: init.signal } : {}),
  });
}

const ask = (patient: PatientQuery, init?: PostInit): Promise<Response> => post(JSON.stringify(buildHistoryRequest(patient, REQUESTER)), init);

async function params(res: Response): Promise<Parameters> {
  return Parameters.parse(await res.json());
}

function outcomeOf(p: Parameters): OperationOutcome | undefined {
  const r = p.parameter?.find((x) => x.name === 'outcome')?.resource;
  return r ? OperationOutcome.parse(r) : undefined;
}

function bundleOf(p: Parameters): Bundle {
  return Bundle.parse(p.parameter?.find((x) => x.name === 'pdmp-history-data')?.resource);
}

const types = (b: Bundle): string[] => (b.entry ?? []).map((e) => e.resource?.resourceType ?? '');

describe('$pdmp-history', () => {
  it.each(['/Patient/$pdmp-history', '/$pdmp-history', '/Patient/%24pdmp-history', '/Patient/$pdmp-history/'])('answers a history on %s', async (path) => {
    const res = await ask(CHRONIC, { path });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/fhir+json');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const p = await params(res);
    const b = bundleOf(p);
    expect(b.type).toBe('collection');
    expect(new Set(types(b))).toEqual(new Set(['Patient', 'MedicationDispense', 'MedicationRequest', 'Practitioner', 'Organization']));
    expect(types(b).filter((t) => t === 'MedicationDispense')).toHaveLength(7);
    // One prescriber resource per person, one Organization per pharmacy.
    expect(types(b).filter((t) => t === 'Practitioner')).toHaveLength(2);
    expect(types(b).filter((t) => t === 'Organization')).toHaveLength(1);
    expect(p.parameter?.find((x) => x.name === 'pdmp-history-link')?.valueUrl).toMatch(/\/report\/[A-Za-z0-9_-]+$/);
    expect(outcomeOf(p)).toBeUndefined();
  });

  it('adds a DetectedIssue for a multiple provider episode', async () => {
    const b = bundleOf(await params(await ask({ given: 'Casey', family: 'Examplar', birthDate: '1975-02-17' })));
    expect(types(b)).toContain('DetectedIssue');
  });

  it('answers no-data (IG output-parameters-3) when nobody matches, e.g. for the IG input sample', async () => {
    const res = await post(igText('Parameters-pdmp-history-input-parameters-1.json'));
    expect(res.status).toBe(200);
    const issue = outcomeOf(await params(res))?.issue[0];
    expect(issue).toMatchObject({ severity: 'information', code: 'informational', details: { coding: [{ code: 'no-data' }] } });
  });

  it('accepts the IG messaging variant of the request', async () => {
    const res = await post(igText('Bundle-pdmp-bundle-request-message-1.json'));
    expect(res.status).toBe(200);
    expect(outcomeOf(await params(res))?.issue[0]?.details?.coding?.[0]?.code).toBe('no-data');
  });

  it('answers an error outcome when several patients match, and a history once sex or ZIP is given', async () => {
    const issue = outcomeOf(await params(await ask(TWINS)))?.issue[0];
    expect(issue).toMatchObject({ severity: 'error', code: 'multiple-matches' });
    expect(issue?.diagnostics).toMatch(/add sex or ZIP/);
    for (const narrowed of [{ ...TWINS, gender: 'female' as const }, { ...TWINS, postalCode: '06516' }]) {
      expect(types(bundleOf(await params(await ask(narrowed))))).toContain('MedicationDispense');
    }
  });

  it.each([
    ['no Authorization', { 'Content-Type': 'application/json' }],
    ['a wrong token', { Authorization: 'Bearer nope', 'Content-Type': 'application/json' }],
    ['a Basic scheme', { Authorization: 'Basic ZGVtby10b2tlbg==', 'Content-Type': 'application/json' }],
  ])('answers 401 + OperationOutcome for %s', async (_label, headers) => {
    const res = await ask(CHRONIC, { headers });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(OperationOutcome.parse(await res.json()).issue[0]?.code).toBe('login');
  });

  it.each([
    ['malformed JSON', '{"resourceType":', 'structure'],
    ['a non-Parameters resource', '{"resourceType":"Patient"}', 'invalid'],
    ['Parameters without a patient', '{"resourceType":"Parameters","parameter":[]}', 'invalid'],
    ['the IG veterinary sample (no birth date)', igText('Parameters-pdmp-history-input-parameters-3-veterinary.json'), 'invalid'],
  ])('answers 400 + OperationOutcome for %s', async (_label, body, code) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(OperationOutcome.parse(await res.json()).issue[0]?.code).toBe(code);
  });

  it('answers 413 for an oversized body', async () => {
    const res = await post(`{"x":"${'a'.repeat(1_100_000)}"}`);
    expect(res.status).toBe(413);
  });

  it.each([
    ['GET', '/Patient/$pdmp-history', 405],
    ['GET', '/nowhere', 404],
    ['POST', '/metadata', 404],
  ])('%s %s -> %i', async (method, path, status) => {
    const res = await fetch(`${server.url}${path}`, { method, headers: AUTH });
    expect(res.status).toBe(status);
    expect(OperationOutcome.safeParse(await res.json()).success).toBe(true);
  });
});

describe('other endpoints', () => {
  it('GET /metadata lists the pdmp-history operation without auth', async () => {
    const res = await fetch(`${server.url}/metadata`);
    expect(res.status).toBe(200);
    const cs = (await res.json()) as { resourceType: string; rest: { operation: { name: string; definition: string }[] }[] };
    expect(cs.resourceType).toBe('CapabilityStatement');
    expect(cs.rest[0]?.operation).toContainEqual({ name: 'pdmp-history', definition: 'http://hl7.org/fhir/us/pdmp/OperationDefinition/pdmp-history' });
  });

  it('GET /__health', async () => {
    const res = await fetch(`${server.url}/__health`);
    expect(await res.json()).toMatchObject({ status: 'ok', patients: 65 });
  });

  it('serves the linked report once, without patient data in the URL', async () => {
    const p = await params(await ask(CHRONIC));
    const link = p.parameter?.find((x) => x.name === 'pdmp-history-link')?.valueUrl ?? '';
    expect(link).not.toMatch(/Morgan|Testwell|1961|demo-chronic|MRN/i);
    const res = await fetch(link);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await res.text();
    expect(html).toContain('Morgan Testwell');
    expect(html).toContain('Synthetic');
    expect(html).toContain('Oxycodone HCl 5 mg tablet');
  });

  it('answers 404 for an unknown report token', async () => {
    const res = await fetch(`${server.url}/report/not-a-token`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('expired');
  });
});

describe('CORS', () => {
  it.each(['chrome-extension://abcdefghijklmnopabcdefghijklmnop', 'moz-extension://0b6f4a9e-51b1-4b8b-9c8e-2f3f5a1d7e21'])('answers the preflight of %s', async (origin) => {
    const res = await fetch(`${server.url}/Patient/$pdmp-history`, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect(res.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/);
  });

  it('sets Allow-Origin on the answer to an extension', async () => {
    const origin = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
    const res = await ask(CHRONIC, { headers: { ...AUTH, Origin: origin } });
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
  });

  it.each(['https://evil.example', 'http://localhost:3000', 'null'])('does not open to the web origin %s', async (origin) => {
    const pre = await fetch(`${server.url}/Patient/$pdmp-history`, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' } });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const res = await ask(CHRONIC, { headers: { ...AUTH, Origin: origin } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('fault injection', () => {
  const setByHttp = (f: FaultSettings, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${server.url}/__faults`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(f) });

  it('never answers in timeout mode', async () => {
    server.setFaults({ mode: 'timeout' });
    await expect(ask(CHRONIC, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
  });

  it('answers HTTP 500 + OperationOutcome in error500 mode', async () => {
    server.setFaults({ mode: 'error500' });
    const res = await ask(CHRONIC);
    expect(res.status).toBe(500);
    expect(OperationOutcome.parse(await res.json()).issue[0]).toMatchObject({ severity: 'fatal', code: 'exception' });
  });

  it('answers the IG fatal-error outcome in fatal mode', async () => {
    server.setFaults({ mode: 'fatal' });
    const issue = outcomeOf(await params(await ask(CHRONIC)))?.issue[0];
    expect(issue).toMatchObject({ severity: 'error', code: 'exception' });
  });

  it('answers truncated JSON in malformed mode', async () => {
    server.setFaults({ mode: 'malformed' });
    const res = await ask(CHRONIC);
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow(SyntaxError);
  });

  it('answers another patient in wrong-patient mode', async () => {
    server.setFaults({ mode: 'wrong-patient' });
    const patient = bundleOf(await params(await ask(CHRONIC))).entry?.find((e) => e.resource?.resourceType === 'Patient')?.resource;
    expect(patient).toBeDefined();
    expect(patient?.birthDate).not.toBe('1961-04-09');
  });

  it('answers half the fills and an incomplete warning in partial mode', async () => {
    server.setFaults({ mode: 'partial' });
    const p = await params(await ask(CHRONIC));
    expect(types(bundleOf(p)).filter((t) => t === 'MedicationDispense')).toHaveLength(4);
    expect(outcomeOf(p)?.issue[0]).toMatchObject({ severity: 'warning', code: 'incomplete' });
  });

  it('delays by latencyMs', async () => {
    server.setFaults({ latencyMs: 200 });
    const started = Date.now();
    expect((await ask(CHRONIC)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('switches modes at run time through POST /__faults and reports them on GET', async () => {
    expect((await setByHttp({ mode: 'error500', latencyMs: 0 })).status).toBe(200);
    expect(await (await fetch(`${server.url}/__faults`)).json()).toEqual({ mode: 'error500', latencyMs: 0 });
    expect((await ask(CHRONIC)).status).toBe(500);
    expect((await setByHttp({ mode: 'none' })).status).toBe(200);
    expect((await ask(CHRONIC)).status).toBe(200);
  });

  it.each([
    ['an unknown mode', { mode: 'explode' }],
    ['a negative latency', { latencyMs: -1 }],
    ['an unknown key', { mood: 'none' }],
  ])('rejects %s', async (_label, body) => {
    const res = await setByHttp(body as FaultSettings);
    expect(res.status).toBe(400);
  });

  it('refuses fault changes from a web page', async () => {
    const res = await setByHttp({ mode: 'error500' }, { Origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect((await ask(CHRONIC)).status).toBe(200);
  });

  it('takes faults from the start options', async () => {
    const other = await startPmpServer({ port: 0, today: TODAY, faults: { mode: 'error500' } });
    try {
      const res = await fetch(`${other.url}/Patient/$pdmp-history`, { method: 'POST', headers: AUTH, body: JSON.stringify(buildHistoryRequest(CHRONIC, REQUESTER)) });
      expect(res.status).toBe(500);
    } finally {
      await other.close();
    }
  });
});

describe('startPmpServer options', () => {
  it('needs no token when token is null', async () => {
    const open = await startPmpServer({ port: 0, today: TODAY, token: null });
    try {
      const res = await fetch(`${open.url}/$pdmp-history`, { method: 'POST', body: JSON.stringify(buildHistoryRequest(CHRONIC, REQUESTER)) });
      expect(res.status).toBe(200);
    } finally {
      await open.close();
    }
  });

  it('uses a custom token', async () => {
    const custom = await startPmpServer({ port: 0, today: TODAY, token: 's3cret' });
    try {
      const body = JSON.stringify(buildHistoryRequest(CHRONIC, REQUESTER));
      expect((await fetch(`${custom.url}/$pdmp-history`, { method: 'POST', headers: AUTH, body })).status).toBe(401);
      expect((await fetch(`${custom.url}/$pdmp-history`, { method: 'POST', headers: { Authorization: 'Bearer s3cret' }, body })).status).toBe(200);
    } finally {
      await custom.close();
    }
  });

  it.each(['0.0.0.0', '192.168.1.10', '::'])('refuses to listen on the non-loopback address %s', async (host) => {
    await expect(startPmpServer({ port: 0, host })).rejects.toThrow(/loopback/);
  });

  it('closes promptly even with a hung request and a pending delay', async () => {
    const s = await startPmpServer({ port: 0, today: TODAY, faults: { mode: 'timeout' } });
    const body = JSON.stringify(buildHistoryRequest(CHRONIC, REQUESTER));
    const hung = fetch(`${s.url}/$pdmp-history`, { method: 'POST', headers: AUTH, body }).catch(() => 'dropped');
    s.setFaults({ latencyMs: 60_000 });
    const delayed = fetch(`${s.url}/$pdmp-history`, { method: 'POST', headers: AUTH, body }).catch(() => 'dropped');
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await s.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await hung).toBe('dropped');
    expect(await delayed).toBe('dropped');
  });
});
