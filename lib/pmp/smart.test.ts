// @vitest-environment node
import { createPublicKey, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startPmpServer, type PmpServerHandle } from '../../server/pmp/server';
import { PmpError, describePmpError } from './errors';
import {
  ASSERTION_LIFETIME_S,
  AccessTokenCache,
  discoverTokenUrl,
  generatePrivateJwk,
  jwkThumbprint,
  parsePrivateJwkText,
  publicJwkOf,
  publicJwksOf,
  requestAccessToken,
  signClientAssertion,
  type EcPrivateJwk,
  type IssuedToken,
  type PrivateJwk,
  type RsaPrivateJwk,
  type SmartClientConfig,
} from './smart';

let server: PmpServerHandle;
let es: EcPrivateJwk;
let rs: RsaPrivateJwk;

beforeAll(async () => {
  [es, rs] = await Promise.all([generatePrivateJwk('ES384'), generatePrivateJwk('RS384')]);
  server = await startPmpServer({ port: 0 });
  server.registerClient({ client_id: 'pmp-check-es', jwks: await publicJwksOf(es) });
  server.registerClient({ client_id: 'pmp-check-rs', jwks: await publicJwksOf(rs) });
});
afterAll(async () => {
  await server.close();
});

const config = (over: Partial<SmartClientConfig> = {}): SmartClientConfig => ({ baseUrl: server.url, clientId: 'pmp-check-es', scope: 'system/Patient.rs system/MedicationDispense.rs', privateKey: es, timeoutMs: 3000, ...over });

async function failure(p: Promise<unknown>): Promise<PmpError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(PmpError);
  return e as PmpError;
}

const json = (body: unknown, status = 200): Response => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('keys', () => {
  it('generates ES384 and RS384 private JWKs with their thumbprint as kid', async () => {
    expect(es).toMatchObject({ kty: 'EC', crv: 'P-384', kid: await jwkThumbprint(es) });
    expect(rs).toMatchObject({ kty: 'RSA', e: 'AQAB', kid: await jwkThumbprint(rs) });
  });

  it('computes the RFC 7638 thumbprint (the RFC’s own example key)', async () => {
    const n =
      '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw';
    const key = { kty: 'RSA', n, e: 'AQAB', d: 'x', p: 'x', q: 'x', dp: 'x', dq: 'x', qi: 'x' } as const;
    expect(await jwkThumbprint(key)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('gives the public half only', async () => {
    const pub = await publicJwkOf(es);
    expect(pub).toEqual({ kty: 'EC', crv: 'P-384', x: es.x, y: es.y, kid: es.kid, alg: 'ES384', use: 'sig', key_ops: ['verify'] });
    expect(JSON.stringify(await publicJwksOf(rs))).not.toContain(rs.d);
  });

  it.each<[string, string, RegExp]>([
    ['empty text', '  ', /Paste the private key/],
    ['not JSON', 'MIIEvQIBADANBg', /This is not JSON/],
    ['an array', '[1]', /Paste one private key as a JSON object/],
    ['a public key', JSON.stringify({ kty: 'EC', crv: 'P-384', x: 'a', y: 'b' }), /This is a public key/],
    ['a P-521 key', JSON.stringify({ kty: 'EC', crv: 'P-521', x: 'a', y: 'b', d: 'c' }), /Only the P-384 curve/],
    ['a symmetric key', JSON.stringify({ kty: 'oct', k: 'a', d: 'x' }), /must be "EC" \(P-384\) or "RSA"/],
    ['an RSA key under 2048 bits', JSON.stringify({ kty: 'RSA', n: 'abc', e: 'AQAB', d: 'x', p: 'x', q: 'x', dp: 'x', dq: 'x', qi: 'x' }), /shorter than 2048 bits/],
    ['a member that is not base64url', JSON.stringify({ kty: 'EC', crv: 'P-384', x: 'a+b/', y: 'b', d: 'c' }), /"x" is not base64url/],
    ['an empty key set', JSON.stringify({ keys: [] }), /holds 0 keys/],
  ])('refuses %s in words', (_name, text, message) => {
    const r = parsePrivateJwkText(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  it('accepts a JWK, or a JWKS holding one key, and drops extra members', () => {
    const r = parsePrivateJwkText(JSON.stringify({ keys: [{ ...es, alg: 'ES384', ext: true, key_ops: ['sign'] }] }));
    expect(r).toEqual({ ok: true, jwk: es });
  });

  it('a key WebCrypto refuses is a key-unusable error', async () => {
    const broken: PrivateJwk = { ...es, d: 'AAAA' };
    const e = await failure(signClientAssertion({ clientId: 'c', tokenUrl: 'https://t', jwk: broken }));
    expect(e).toMatchObject({ kind: 'unauthorized', auth: 'key-unusable', retryable: false });
    expect(describePmpError(e).title).toBe("The extension's private key cannot be used");
  });
});

describe('the client assertion', () => {
  it.each([
    ['ES384', () => es],
    ['RS384', () => rs],
  ])('is a %s JWT with iss = sub = client_id, aud = token URL, a random jti and exp ≤ 5 min, that verifies', async (alg, jwk) => {
    const now = new Date('2026-11-22T15:00:00Z');
    const jwt = await signClientAssertion({ clientId: 'c1', tokenUrl: 'https://pmp.example.org/token', jwk: jwk(), now });
    const [h = '', c = '', s = ''] = jwt.split('.');
    const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>;
    const claims = JSON.parse(Buffer.from(c, 'base64url').toString()) as Record<string, unknown>;
    expect(header).toEqual({ alg, kid: jwk().kid, typ: 'JWT' });
    const iat = now.getTime() / 1000;
    expect(claims).toMatchObject({ iss: 'c1', sub: 'c1', aud: 'https://pmp.example.org/token', iat, exp: iat + ASSERTION_LIFETIME_S });
    expect(ASSERTION_LIFETIME_S).toBeLessThanOrEqual(300);
    expect(String(claims.jti)).toMatch(/^[0-9a-f-]{36}$/);
    const other = await signClientAssertion({ clientId: 'c1', tokenUrl: 'https://pmp.example.org/token', jwk: jwk(), now });
    expect(JSON.parse(Buffer.from(other.split('.')[1] ?? '', 'base64url').toString())).not.toMatchObject({ jti: claims.jti });
    const pub = createPublicKey({ key: (await publicJwkOf(jwk())) as unknown as import('node:crypto').JsonWebKey, format: 'jwk' });
    const ok = verify('sha384', Buffer.from(`${h}.${c}`), alg === 'ES384' ? { key: pub, dsaEncoding: 'ieee-p1363' } : pub, Buffer.from(s, 'base64url'));
    expect(ok).toBe(true);
  });
});

describe('discovery', () => {
  it('finds the token endpoint of the local server', async () => {
    expect(await discoverTokenUrl(server.url)).toBe(`${server.url}/auth/token`);
  });

  it.each<[string, () => Response, RegExp]>([
    ['a 404', () => new Response('nope', { status: 404 }), /HTTP 404/],
    ['no token_endpoint', () => json({ issuer: 'x' }), /no token_endpoint/],
    ['an http token endpoint elsewhere', () => json({ token_endpoint: 'http://auth.example.org/token' }), /not an https URL/],
    ['no private_key_jwt', () => json({ token_endpoint: 'https://auth.example.org/token', token_endpoint_auth_methods_supported: ['client_secret_basic'] }), /private_key_jwt/],
  ])('says discovery failed on %s', async (_name, answer, detail) => {
    const e = await failure(discoverTokenUrl('https://pmp.example.org/fhir', { fetchImpl: () => Promise.resolve(answer()) }));
    expect(e).toMatchObject({ kind: 'unauthorized', auth: 'discovery-failed' });
    expect(e.detail).toMatch(detail);
  });

  it('an unreachable server is "token endpoint unreachable", retryable', async () => {
    const e = await failure(discoverTokenUrl('http://127.0.0.1:9'));
    expect(e).toMatchObject({ kind: 'unreachable', auth: 'token-endpoint-unreachable', retryable: true });
  });
});

describe('requestAccessToken against the local server', () => {
  it.each([
    ['ES384', 'pmp-check-es', () => es],
    ['RS384', 'pmp-check-rs', () => rs],
  ])('gets a bearer token with %s through discovery', async (_alg, clientId, jwk) => {
    const t0 = Date.now();
    const t = await requestAccessToken(config({ clientId, privateKey: jwk() }));
    expect(t.accessToken.length).toBeGreaterThan(20);
    expect(t.tokenUrl).toBe(`${server.url}/auth/token`);
    expect(t.expiresAt - t0).toBeGreaterThanOrEqual(299_000);
    // Renewed a minute before it expires.
    expect(t.expiresAt - t.refreshAt).toBe(60_000);
  });

  it('uses an explicit token URL without discovery', async () => {
    const seen: string[] = [];
    const fetchImpl = ((url: string, init?: RequestInit) => {
      seen.push(url);
      return fetch(url, init);
    }) as typeof fetch;
    await requestAccessToken(config({ tokenUrl: `${server.url}/auth/token` }), { fetchImpl });
    expect(seen).toEqual([`${server.url}/auth/token`]);
  });

  it.each<[string, () => SmartClientConfig, string, string]>([
    ['an unknown client', () => config({ clientId: 'nobody' }), 'unauthorized', 'invalid-client'],
    ['a key the PMP does not know', () => config({ privateKey: rs, clientId: 'pmp-check-es' }), 'unauthorized', 'invalid-client'],
    ['a scope the PMP refuses', () => config({ scope: 'system/*.write' }), 'unauthorized', 'invalid-scope'],
    ['a token URL where nothing listens', () => config({ tokenUrl: 'http://127.0.0.1:9/token' }), 'unreachable', 'token-endpoint-unreachable'],
  ])('names %s', async (_name, c, kind, auth) => {
    const e = await failure(requestAccessToken(c()));
    expect(e).toMatchObject({ kind, auth });
    expect(describePmpError(e).title.length).toBeGreaterThan(10);
  });

  it('refuses to send an assertion to a plain-http token URL on another computer', async () => {
    const fetchImpl = vi.fn<typeof fetch>();
    const e = await failure(requestAccessToken(config({ tokenUrl: 'http://auth.example.org/token' }), { fetchImpl }));
    expect(e.auth).toBe('discovery-failed');
    expect(fetchImpl).not.toHaveBeenCalled();
  });
});

describe('token responses', () => {
  const tokenAt = (answer: () => Response) => requestAccessToken(config({ tokenUrl: 'https://auth.example.org/token' }), { fetchImpl: () => Promise.resolve(answer()) });

  it.each<[string, () => Response, string, string]>([
    ['not JSON', () => new Response('<html>', { status: 200 }), 'malformed', 'token-response-malformed'],
    ['no access_token', () => json({ token_type: 'bearer', expires_in: 300 }), 'malformed', 'token-response-malformed'],
    ['a token that is not bearer', () => json({ access_token: 'a', token_type: 'mac', expires_in: 300 }), 'malformed', 'token-response-malformed'],
    ['a negative lifetime', () => json({ access_token: 'a', token_type: 'bearer', expires_in: -5 }), 'malformed', 'token-response-malformed'],
    ['invalid_client', () => json({ error: 'invalid_client' }, 400), 'unauthorized', 'invalid-client'],
    ['a bare 401', () => new Response('', { status: 401 }), 'unauthorized', 'invalid-client'],
    ['invalid_scope', () => json({ error: 'invalid_scope' }, 400), 'unauthorized', 'invalid-scope'],
    ['unsupported_grant_type', () => json({ error: 'unsupported_grant_type' }, 400), 'unauthorized', 'token-request-refused'],
    ['a server failure', () => new Response('', { status: 503 }), 'server-error', 'token-endpoint-error'],
  ])('%s → %s / %s', async (_name, answer, kind, auth) => {
    expect(await failure(tokenAt(answer))).toMatchObject({ kind, auth });
  });

  it('sends the client_credentials form with a signed assertion', async () => {
    let body = '';
    let contentType = '';
    await requestAccessToken(config({ tokenUrl: 'https://auth.example.org/token', scope: 'system/*.rs' }), {
      fetchImpl: (_url, init) => {
        body = typeof init?.body === 'string' ? init.body : '';
        contentType = new Headers(init?.headers).get('content-type') ?? '';
        return Promise.resolve(json({ access_token: 'a', token_type: 'Bearer', expires_in: 60 }));
      },
    });
    const form = new URLSearchParams(body);
    expect(contentType).toBe('application/x-www-form-urlencoded');
    expect([...form.keys()]).toEqual(['grant_type', 'scope', 'client_assertion_type', 'client_assertion']);
    expect(form.get('grant_type')).toBe('client_credentials');
    expect(form.get('scope')).toBe('system/*.rs');
    expect(form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    expect(form.get('client_assertion')?.split('.')).toHaveLength(3);
  });

  it('a token endpoint that never answers times out as unreachable-in-time', async () => {
    const hang = ((_u: string, init?: RequestInit) =>
      new Promise((_res, rej) => init?.signal?.addEventListener('abort', () => { rej(new DOMException('t', 'TimeoutError')); }))) as typeof fetch;
    const e = await failure(requestAccessToken(config({ tokenUrl: 'https://auth.example.org/token', timeoutMs: 50 }), { fetchImpl: hang }));
    expect(e).toMatchObject({ kind: 'timeout', auth: 'token-endpoint-unreachable' });
  });
});

describe('AccessTokenCache', () => {
  const issued = (n: number, now: number, lifetime = 300_000): IssuedToken => ({ accessToken: `t${String(n)}`, expiresAt: now + lifetime, refreshAt: now + lifetime - 60_000, tokenUrl: 'https://t' });

  it('reuses a token until shortly before it expires, then asks again', async () => {
    let now = 1_000_000;
    let n = 0;
    const request = vi.fn(() => Promise.resolve(issued(++n, now)));
    const cache = new AccessTokenCache({ request, now: () => now });
    expect((await cache.get(config())).accessToken).toBe('t1');
    now += 239_000;
    expect((await cache.get(config())).accessToken).toBe('t1');
    now += 1_000;
    expect((await cache.get(config())).accessToken).toBe('t2');
    expect(request).toHaveBeenCalledTimes(2);
  });

  it('shares one request between concurrent callers', async () => {
    const request = vi.fn(() => new Promise<IssuedToken>((r) => setTimeout(() => { r(issued(1, Date.now())); }, 20)));
    const cache = new AccessTokenCache({ request });
    const all = await Promise.all([cache.get(config()), cache.get(config()), cache.get(config())]);
    expect(all.map((t) => t.accessToken)).toEqual(['t1', 't1', 't1']);
    expect(request).toHaveBeenCalledTimes(1);
  });

  it('drops a token the PMP refused, and keeps clients apart', async () => {
    let n = 0;
    const request = vi.fn(() => Promise.resolve(issued(++n, Date.now())));
    const cache = new AccessTokenCache({ request });
    expect((await cache.get(config())).accessToken).toBe('t1');
    expect((await cache.get(config(), { rejected: 'some-old-token' })).accessToken).toBe('t1');
    expect((await cache.get(config(), { rejected: 't1' })).accessToken).toBe('t2');
    expect((await cache.get(config({ clientId: 'other' }))).accessToken).toBe('t3');
    expect((await cache.get(config())).accessToken).toBe('t2');
  });

  it('does not keep a failure: the next call asks again', async () => {
    const request = vi.fn().mockRejectedValueOnce(new PmpError('unreachable', { auth: 'token-endpoint-unreachable' })).mockResolvedValueOnce(issued(1, Date.now()));
    const cache = new AccessTokenCache({ request });
    await expect(cache.get(config())).rejects.toMatchObject({ auth: 'token-endpoint-unreachable' });
    expect((await cache.get(config())).accessToken).toBe('t1');
  });
});
