// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHistoryRequest } from '../../lib/pmp/fhir';
import { CLIENT_ASSERTION_TYPE, generatePrivateJwk, publicJwksOf, signClientAssertion, type PrivateJwk } from '../../lib/pmp/smart';
import { startPmpServer, type PmpServerHandle } from './server';
import { SmartAuthority } from './smart';

let server: PmpServerHandle;
let tokenUrl = '';
let es: PrivateJwk;
let rs: PrivateJwk;
let stranger: PrivateJwk;

beforeAll(async () => {
  [es, rs, stranger] = await Promise.all([generatePrivateJwk('ES384'), generatePrivateJwk('RS384'), generatePrivateJwk('ES384')]);
  server = await startPmpServer({ port: 0, smartClients: [{ client_id: 'ehr-es', jwks: await publicJwksOf(es) }] });
  tokenUrl = `${server.url}/auth/token`;
  server.registerClient({ client_id: 'ehr-rs', jwks: await publicJwksOf(rs) });
});
afterAll(async () => {
  await server.close();
});

interface Form {
  grant_type?: string;
  scope?: string;
  client_assertion_type?: string;
  client_assertion?: string;
}

async function tokenRequest(form: Form, contentType = 'application/x-www-form-urlencoded'): Promise<{ status: number; body: Record<string, unknown> }> {
  const fields = { grant_type: 'client_credentials', scope: 'system/Patient.rs system/MedicationDispense.rs', client_assertion_type: CLIENT_ASSERTION_TYPE, ...form };
  const res = await fetch(tokenUrl, { method: 'POST', headers: { 'Content-Type': contentType }, body: new URLSearchParams(fields).toString() });
  expect(res.headers.get('cache-control')).toBe('no-store');
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const assertion = (over: { clientId?: string; jwk?: PrivateJwk; aud?: string; now?: Date; jti?: string } = {}): Promise<string> =>
  signClientAssertion({ clientId: over.clientId ?? 'ehr-es', tokenUrl: over.aud ?? tokenUrl, jwk: over.jwk ?? es, ...(over.now ? { now: over.now } : {}), ...(over.jti ? { jti: over.jti } : {}) });

const history = (token: string): Promise<Response> =>
  fetch(`${server.url}/Patient/$pdmp-history`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/fhir+json' },
    body: JSON.stringify(buildHistoryRequest({ given: 'Morgan', family: 'Testwell', birthDate: '1961-04-09' }, { prescriber: { name: 'Avery Testford, MD' } })),
  });

describe('GET /.well-known/smart-configuration', () => {
  it('names the token endpoint and private_key_jwt with ES384 and RS384', async () => {
    const res = await fetch(`${server.url}/.well-known/smart-configuration`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      token_endpoint: tokenUrl,
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['ES384', 'RS384'],
      grant_types_supported: ['client_credentials'],
    });
  });
});

describe('the CapabilityStatement', () => {
  it('names the token endpoint (SMART oauth-uris) beside the OAuth service', async () => {
    const cs = JSON.stringify(await (await fetch(`${server.url}/metadata`)).json());
    expect(cs).toContain('"code":"SMART-on-FHIR"');
    expect(cs).toContain(`"valueUri":"${tokenUrl}"`);
  });
});

describe('POST /auth/token', () => {
  it.each([
    ['ES384', 'ehr-es', () => es],
    ['RS384', 'ehr-rs', () => rs],
  ])('issues a short-lived bearer token for a good %s assertion, and $pdmp-history accepts it', async (_alg, clientId, jwk) => {
    const r = await tokenRequest({ client_assertion: await assertion({ clientId, jwk: jwk() }) });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ token_type: 'bearer', expires_in: 300, scope: 'system/Patient.rs system/MedicationDispense.rs' });
    expect(typeof r.body.access_token).toBe('string');
    expect((await history(String(r.body.access_token))).status).toBe(200);
  });

  it('a made-up access token is refused by $pdmp-history; demo-token still works', async () => {
    expect((await history('not-a-token')).status).toBe(401);
    expect((await history('demo-token')).status).toBe(200);
  });

  it.each<[string, () => Promise<Form>, number, string, RegExp]>([
    ['a bad signature (another key)', async () => ({ client_assertion: await assertion({ jwk: stranger }) }), 401, 'invalid_client', /signature/],
    ['an expired assertion', async () => ({ client_assertion: await assertion({ now: new Date(Date.now() - 10 * 60_000) }) }), 401, 'invalid_client', /expired/],
    ['an assertion for years ahead', async () => ({ client_assertion: await assertion({ now: new Date(Date.now() + 3600_000) }) }), 401, 'invalid_client', /five minutes/],
    ['the wrong aud', async () => ({ client_assertion: await assertion({ aud: 'https://other.example/token' }) }), 401, 'invalid_client', /aud/],
    ['an unknown client', async () => ({ client_assertion: await assertion({ clientId: 'nobody', jwk: stranger }) }), 401, 'invalid_client', /Unknown client/],
    ['no assertion', () => Promise.resolve({ client_assertion: '' }), 401, 'invalid_client', /not a signed JWT/],
    ['garbage in the assertion', () => Promise.resolve({ client_assertion: 'a.b.c' }), 401, 'invalid_client', /cannot be read/],
    ['an unsupported grant', async () => ({ grant_type: 'authorization_code', client_assertion: await assertion() }), 400, 'unsupported_grant_type', /client_credentials/],
    ['a wrong assertion type', async () => ({ client_assertion_type: 'urn:x', client_assertion: await assertion() }), 400, 'invalid_request', /client_assertion_type/],
    ['no scope', async () => ({ scope: '', client_assertion: await assertion() }), 400, 'invalid_request', /scope/],
    ['a write scope', async () => ({ scope: 'system/Patient.rs system/MedicationDispense.cud', client_assertion: await assertion() }), 400, 'invalid_scope', /MedicationDispense\.cud/],
  ])('refuses %s', async (_name, form, status, error, description) => {
    const r = await tokenRequest(await form());
    expect(r.status).toBe(status);
    expect(r.body.error).toBe(error);
    expect(String(r.body.error_description)).toMatch(description);
    expect(r.body.access_token).toBeUndefined();
  });

  it('refuses a replayed assertion (same jti)', async () => {
    const once = await assertion({ jti: 'replay-me-1' });
    expect((await tokenRequest({ client_assertion: once })).status).toBe(200);
    const again = await tokenRequest({ client_assertion: once });
    expect(again).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(String(again.body.error_description)).toMatch(/already used/);
  });

  it('refuses a JSON body', async () => {
    const res = await fetch(tokenUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('refuses GET', async () => {
    expect((await fetch(tokenUrl)).status).toBe(405);
  });
});

describe('/__clients (the registration test hook)', () => {
  it('registers a client, whose tokens stop working once it is revoked', async () => {
    const key = await generatePrivateJwk();
    const reg = await fetch(`${server.url}/__clients`, { method: 'POST', body: JSON.stringify({ client_id: 'hook-client', jwks: await publicJwksOf(key) }) });
    expect(reg.status).toBe(201);
    const r = await tokenRequest({ client_assertion: await assertion({ clientId: 'hook-client', jwk: key }) });
    expect(r.status).toBe(200);
    expect((await history(String(r.body.access_token))).status).toBe(200);
    expect((await fetch(`${server.url}/__clients/hook-client`, { method: 'DELETE' })).status).toBe(200);
    expect((await history(String(r.body.access_token))).status).toBe(401);
    expect((await tokenRequest({ client_assertion: await assertion({ clientId: 'hook-client', jwk: key }) })).body.error).toBe('invalid_client');
    expect((await fetch(`${server.url}/__clients/hook-client`, { method: 'DELETE' })).status).toBe(404);
  });

  it.each<[string, () => Promise<unknown>, RegExp]>([
    ['a private key', async () => ({ client_id: 'x', jwks: { keys: [await generatePrivateJwk()] } }), /PUBLIC key only/],
    ['no keys', () => Promise.resolve({ client_id: 'x', jwks: { keys: [] } }), /client_id/],
    ['no client id', async () => ({ jwks: await publicJwksOf(es) }), /client_id/],
    ['a key that is not a key', () => Promise.resolve({ client_id: 'x', jwks: { keys: [{ kty: 'EC', crv: 'P-384', x: 'AAAA', y: 'AAAA' }] } }), /not a valid public JWK/],
    ['a P-256 key', () => Promise.resolve({ client_id: 'x', jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' }] } }), /P-384/],
  ])('refuses %s', async (_name, body, message) => {
    const res = await fetch(`${server.url}/__clients`, { method: 'POST', body: JSON.stringify(await body()) });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toMatch(message);
  });

  it('refuses a web page', async () => {
    const res = await fetch(`${server.url}/__clients`, { method: 'POST', headers: { Origin: 'https://evil.example' }, body: JSON.stringify({ client_id: 'evil', jwks: await publicJwksOf(stranger) }) });
    expect(res.status).toBe(403);
  });
});

describe('SmartAuthority', () => {
  it('tokens expire after their lifetime', async () => {
    let now = Date.now();
    const authority = new SmartAuthority({ accessTokenTtlSeconds: 60, now: () => now });
    authority.register({ client_id: 'c', jwks: await publicJwksOf(es) });
    const form = new URLSearchParams({ grant_type: 'client_credentials', scope: 'system/*.rs', client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: await signClientAssertion({ clientId: 'c', tokenUrl: 'https://t/token', jwk: es, now: new Date(now) }) });
    const answer = authority.token(form, 'https://t/token');
    expect(answer.status).toBe(200);
    const token = String(answer.body.access_token);
    expect(authority.accepts(token)).toBe(true);
    now += 61_000;
    expect(authority.accepts(token)).toBe(false);
  });
});
