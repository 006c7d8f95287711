/**
 * SMART Backend Services (HL7 SMART App Launch, "Backend Services"): the extension proves who it
 * is with a JWT signed by its own private key (private_key_jwt) and gets a short-lived access
 * token with the client_credentials grant. Keys are JWKs; signing is WebCrypto (browser and Node).
 * Nothing here logs: a private key, an assertion or an access token never reaches a console.
 */
import { z } from 'zod';
import { PmpError, type AuthProblem, type PmpErrorKind } from './errors';

export const SigningAlg = z.enum(['ES384', 'RS384']);
export type SigningAlg = z.infer<typeof SigningAlg>;

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** A PDMP query reads patients and their dispensations: the SMART v2 system scopes for that. */
export const DEFAULT_SMART_SCOPE = 'system/Patient.rs system/MedicationDispense.rs';
/** The spec caps an assertion's lifetime at five minutes; stay under it to allow for clock skew. */
export const ASSERTION_LIFETIME_S = 240;

const b64u = (what: string) => z.string({ error: `The key has no "${what}" member` }).regex(/^[A-Za-z0-9_-]+$/, `"${what}" is not base64url text`);

/** An EC P-384 private key (ES384). */
export const EcPrivateJwk = z.object({
  kty: z.literal('EC'),
  crv: z.literal('P-384', { error: 'Only the P-384 curve is used (ES384): this EC key is on another curve' }),
  x: b64u('x'),
  y: b64u('y'),
  d: b64u('d'),
  kid: z.string().trim().min(1).max(200).optional(),
});

/** An RSA private key (RS384), at least 2048 bits. */
export const RsaPrivateJwk = z.object({
  kty: z.literal('RSA'),
  // 2048 bits are 256 bytes, 342 base64url characters.
  n: b64u('n').min(342, 'The RSA key is shorter than 2048 bits'),
  e: b64u('e'),
  d: b64u('d'),
  p: b64u('p'),
  q: b64u('q'),
  dp: b64u('dp'),
  dq: b64u('dq'),
  qi: b64u('qi'),
  kid: z.string().trim().min(1).max(200).optional(),
});

export type EcPrivateJwk = z.infer<typeof EcPrivateJwk>;
export type RsaPrivateJwk = z.infer<typeof RsaPrivateJwk>;

export const PrivateJwk = z.discriminatedUnion('kty', [EcPrivateJwk, RsaPrivateJwk], {
  error: 'The key type ("kty") must be "EC" (P-384) or "RSA"',
});
export type PrivateJwk = z.infer<typeof PrivateJwk>;

/** The public half, as the PMP registers it. */
export interface PublicJwk {
  kty: 'EC' | 'RSA';
  kid: string;
  alg: SigningAlg;
  use: 'sig';
  key_ops: readonly ['verify'];
  crv?: 'P-384';
  x?: string;
  y?: string;
  n?: string;
  e?: string;
}

export function algOf(jwk: PrivateJwk): SigningAlg {
  return jwk.kty === 'EC' ? 'ES384' : 'RS384';
}

function bytesToB64u(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function textToB64u(text: string): string {
  return bytesToB64u(new TextEncoder().encode(text));
}

/** RFC 7638 JWK thumbprint (SHA-256): a stable key id derived from the public key. */
export async function jwkThumbprint(jwk: PrivateJwk): Promise<string> {
  // Required members only, in lexicographic order, no whitespace.
  const canonical = jwk.kty === 'EC' ? JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }) : JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n });
  const hash = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical));
  return bytesToB64u(new Uint8Array(hash));
}

/** The key id the assertion's header names: the key's own `kid`, or its thumbprint. */
export async function keyIdOf(jwk: PrivateJwk): Promise<string> {
  return jwk.kid ?? (await jwkThumbprint(jwk));
}

/** The public JWK to give the PMP (never the private members). */
export async function publicJwkOf(jwk: PrivateJwk): Promise<PublicJwk> {
  const common = { kty: jwk.kty, kid: await keyIdOf(jwk), alg: algOf(jwk), use: 'sig', key_ops: ['verify'] } as const;
  return jwk.kty === 'EC' ? { ...common, crv: jwk.crv, x: jwk.x, y: jwk.y } : { ...common, n: jwk.n, e: jwk.e };
}

/** The JWKS document an administrator registers with the PMP. */
export async function publicJwksOf(jwk: PrivateJwk): Promise<{ keys: PublicJwk[] }> {
  return { keys: [await publicJwkOf(jwk)] };
}

/** A new key pair for ES384 (default) or RS384; the private JWK carries its thumbprint as kid. */
export async function generatePrivateJwk(alg?: 'ES384'): Promise<EcPrivateJwk>;
export async function generatePrivateJwk(alg: 'RS384'): Promise<RsaPrivateJwk>;
export async function generatePrivateJwk(alg: SigningAlg): Promise<PrivateJwk>;
export async function generatePrivateJwk(alg: SigningAlg = 'ES384'): Promise<PrivateJwk> {
  // Extractable: the private key has to be stored (chrome.storage.local) to sign later.
  const pair =
    alg === 'ES384'
      ? await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, ['sign', 'verify'])
      : await crypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-384' }, true, ['sign', 'verify']);
  const jwk = PrivateJwk.parse(await crypto.subtle.exportKey('jwk', pair.privateKey));
  return { ...jwk, kid: await jwkThumbprint(jwk) };
}

export type JwkParse = { ok: true; jwk: PrivateJwk } | { ok: false; error: string };

/** Reads a pasted private key (a JWK, or a JWKS holding exactly one key) and says what is wrong in plain words. */
export function parsePrivateJwkText(text: string): JwkParse {
  if (!text.trim()) return { ok: false, error: 'Paste the private key (a JWK) or generate a key pair' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: 'This is not JSON: paste the private key as a JWK, e.g. {"kty": "EC", "crv": "P-384", …}' };
  }
  if (typeof json === 'object' && json !== null && 'keys' in json && Array.isArray(json.keys)) {
    const keys: unknown[] = json.keys;
    if (keys.length !== 1) return { ok: false, error: `This key set holds ${String(keys.length)} keys: paste exactly one private key` };
    json = keys[0];
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { ok: false, error: 'Paste one private key as a JSON object (a JWK)' };
  if ((json as Record<string, unknown>).kty !== undefined && !('d' in json)) {
    return { ok: false, error: 'This is a public key: paste the private key (it has a "d" member), or generate a key pair' };
  }
  const parsed = PrivateJwk.safeParse(json);
  if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? 'This is not a usable private key' };
  return { ok: true, jwk: parsed.data };
}

function authError(kind: PmpErrorKind, auth: AuthProblem, detail?: string, cause?: unknown): PmpError {
  return new PmpError(kind, { auth, ...(detail ? { detail } : {}), ...(cause === undefined ? {} : { cause }) });
}

/** Loads the private JWK into WebCrypto for signing; a key it refuses is a `key-unusable` error. */
export async function importSigningKey(jwk: PrivateJwk): Promise<CryptoKey> {
  const { kid: _kid, ...members } = jwk;
  try {
    return jwk.kty === 'EC'
      ? await crypto.subtle.importKey('jwk', members, { name: 'ECDSA', namedCurve: 'P-384' }, false, ['sign'])
      : await crypto.subtle.importKey('jwk', members, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' }, false, ['sign']);
  } catch (e) {
    throw new PmpError('unauthorized', { auth: 'key-unusable', retryable: false, detail: 'WebCrypto refused the private key', cause: e });
  }
}

export interface AssertionInput {
  clientId: string;
  tokenUrl: string;
  jwk: PrivateJwk;
  now?: Date;
  /** Unique per assertion: the token endpoint refuses one it has seen. Random by default. */
  jti?: string;
}

/** Builds and signs the client assertion JWT: iss = sub = client_id, aud = token URL, exp ≤ 5 min. */
export async function signClientAssertion(input: AssertionInput): Promise<string> {
  const key = await importSigningKey(input.jwk);
  const alg = algOf(input.jwk);
  const iat = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const header = { alg, kid: await keyIdOf(input.jwk), typ: 'JWT' };
  const claims = { iss: input.clientId, sub: input.clientId, aud: input.tokenUrl, jti: input.jti ?? crypto.randomUUID(), iat, exp: iat + ASSERTION_LIFETIME_S };
  const signingInput = `${textToB64u(JSON.stringify(header))}.${textToB64u(JSON.stringify(claims))}`;
  // WebCrypto's ECDSA signature is r‖s, which is exactly the JWS encoding for ES384.
  const params = alg === 'ES384' ? { name: 'ECDSA', hash: 'SHA-384' } : { name: 'RSASSA-PKCS1-v1_5' };
  const signature = await crypto.subtle.sign(params, key, new TextEncoder().encode(signingInput));
  return `${signingInput}.${bytesToB64u(new Uint8Array(signature))}`;
}

function isLoopbackUrl(url: URL): boolean {
  return /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/.test(url.hostname);
}

/** A token URL we may send an assertion to: https, or plain http only to this computer. */
export function isAcceptableTokenUrl(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const u = new URL(url);
  return u.protocol === 'https:' || (u.protocol === 'http:' && isLoopbackUrl(u));
}

/** The parts of `.well-known/smart-configuration` a backend client needs. */
export const SmartConfiguration = z.looseObject({
  token_endpoint: z.string(),
  token_endpoint_auth_methods_supported: z.array(z.string()).optional(),
  token_endpoint_auth_signing_alg_values_supported: z.array(z.string()).optional(),
  grant_types_supported: z.array(z.string()).optional(),
});

/** The OAuth 2.0 success answer (RFC 6749 §5.1). */
export const TokenResponse = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().refine((t) => t.toLowerCase() === 'bearer', 'not a bearer token'),
  expires_in: z.number().positive().optional(),
  scope: z.string().optional(),
});

/** The OAuth 2.0 error answer (RFC 6749 §5.2). */
const OAuthError = z.looseObject({ error: z.string(), error_description: z.string().optional() });

export interface SmartClientConfig {
  /** The FHIR base URL; the SMART configuration is found under it. */
  baseUrl: string;
  clientId: string;
  scope: string;
  /** An explicit token URL skips discovery. */
  tokenUrl?: string;
  privateKey: PrivateJwk;
  timeoutMs?: number;
}

export interface IssuedToken {
  accessToken: string;
  /** Epoch ms when the token stops working. */
  expiresAt: number;
  /** Epoch ms after which a new token is fetched instead. */
  refreshAt: number;
  scope?: string;
  tokenUrl: string;
}

interface RequestOptions {
  fetchImpl?: typeof fetch;
  now?: () => number;
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** Used when a server leaves out `expires_in` (the spec says it SHALL send it): the spec's usual 5 minutes. */
const DEFAULT_EXPIRES_IN_S = 300;

async function fetchWithTimeout(fetchImpl: typeof fetch, url: string, init: RequestInit, timeoutMs: number, signal?: AbortSignal): Promise<Response> {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new DOMException('timed out', 'TimeoutError'));
  }, timeoutMs);
  const onAbort = (): void => {
    controller.abort(signal?.reason);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await fetchImpl(url, { ...init, signal: controller.signal });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

function unreachable(what: string, e: unknown, signal?: AbortSignal): PmpError {
  if (signal?.aborted) throw signal.reason;
  const timedOut = typeof e === 'object' && e !== null && 'name' in e && e.name === 'TimeoutError';
  return authError(timedOut ? 'timeout' : 'unreachable', 'token-endpoint-unreachable', `${what} ${timedOut ? 'did not answer in time' : 'could not be reached'}`, e);
}

/** Finds the token endpoint in `<base>/.well-known/smart-configuration`. */
export async function discoverTokenUrl(baseUrl: string, options: RequestOptions & { timeoutMs?: number } = {}): Promise<string> {
  const fetchImpl = options.fetchImpl ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const url = `${baseUrl.replace(/\/+$/, '')}/.well-known/smart-configuration`;
  let res: Response;
  let body: unknown;
  try {
    res = await fetchWithTimeout(fetchImpl, url, { headers: { Accept: 'application/json' } }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.signal);
    body = res.ok ? await res.json().catch(() => undefined) : undefined;
  } catch (e) {
    throw unreachable('The SMART configuration', e, options.signal);
  }
  if (!res.ok) throw authError('unauthorized', 'discovery-failed', `${url} answered HTTP ${String(res.status)}`);
  const config = SmartConfiguration.safeParse(body);
  if (!config.success) throw authError('unauthorized', 'discovery-failed', `${url} has no token_endpoint`);
  const { token_endpoint: tokenUrl, token_endpoint_auth_methods_supported: methods } = config.data;
  if (!isAcceptableTokenUrl(tokenUrl)) throw authError('unauthorized', 'discovery-failed', 'token_endpoint is not an https URL');
  if (methods && !methods.includes('private_key_jwt')) throw authError('unauthorized', 'discovery-failed', `the server does not accept private_key_jwt (it offers ${methods.join(', ')})`);
  return tokenUrl;
}

function oauthFailure(status: number, text: string): PmpError {
  let parsed: z.infer<typeof OAuthError> | undefined;
  try {
    const r = OAuthError.safeParse(JSON.parse(text));
    if (r.success) parsed = r.data;
  } catch {
    parsed = undefined;
  }
  const detail = `HTTP ${String(status)}${parsed ? `: ${parsed.error}${parsed.error_description ? ` (${parsed.error_description})` : ''}` : ''}`;
  if (parsed?.error === 'invalid_client') return authError('unauthorized', 'invalid-client', detail);
  if (parsed?.error === 'invalid_scope') return authError('unauthorized', 'invalid-scope', detail);
  if (status >= 500 || status === 429) return authError('server-error', 'token-endpoint-error', detail);
  // Some servers answer a bad client with a bare 401.
  if (!parsed && status === 401) return authError('unauthorized', 'invalid-client', detail);
  return authError('unauthorized', 'token-request-refused', detail);
}

/** One client_credentials request with a fresh signed assertion; failures are PmpErrors with `auth` set. */
export async function requestAccessToken(config: SmartClientConfig, options: RequestOptions = {}): Promise<IssuedToken> {
  const fetchImpl = options.fetchImpl ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const now = options.now ?? Date.now;
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const tokenUrl = config.tokenUrl ?? (await discoverTokenUrl(config.baseUrl, { ...options, timeoutMs }));
  if (!isAcceptableTokenUrl(tokenUrl)) throw authError('unauthorized', 'discovery-failed', 'the token URL is not an https URL');
  const assertion = await signClientAssertion({ clientId: config.clientId, tokenUrl, jwk: config.privateKey, now: new Date(now()) });
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    scope: config.scope,
    client_assertion_type: CLIENT_ASSERTION_TYPE,
    client_assertion: assertion,
  });
  let res: Response;
  let text: string;
  try {
    res = await fetchWithTimeout(
      fetchImpl,
      tokenUrl,
      { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' }, body: form.toString() },
      timeoutMs,
      options.signal,
    );
    text = await res.text();
  } catch (e) {
    throw unreachable('The token endpoint', e, options.signal);
  }
  if (!res.ok) throw oauthFailure(res.status, text);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw authError('malformed', 'token-response-malformed', 'the token response is not JSON', e);
  }
  const token = TokenResponse.safeParse(json);
  if (!token.success) throw authError('malformed', 'token-response-malformed', `the token response has ${token.error.issues[0]?.path.join('.') || 'a bad shape'}: ${token.error.issues[0]?.message ?? ''}`);
  const issuedAt = now();
  const lifetimeMs = (token.data.expires_in ?? DEFAULT_EXPIRES_IN_S) * 1000;
  // Renew a minute early (a fifth of the lifetime for short ones): a request must not carry a token that expires on the way.
  const margin = Math.min(60_000, lifetimeMs / 5);
  return {
    accessToken: token.data.access_token,
    expiresAt: issuedAt + lifetimeMs,
    refreshAt: issuedAt + lifetimeMs - margin,
    tokenUrl,
    ...(token.data.scope ? { scope: token.data.scope } : {}),
  };
}

function cacheKey(config: SmartClientConfig): string {
  const k = config.privateKey;
  return [config.baseUrl, config.tokenUrl ?? '', config.clientId, config.scope, k.kty === 'EC' ? k.x : k.n.slice(0, 64)].join('|');
}

/**
 * Access tokens in memory, one per client configuration, reused until shortly before they expire.
 * Concurrent callers share one request. Never persisted: a restarted worker simply asks again.
 */
export class AccessTokenCache {
  readonly #entries = new Map<string, { pending?: Promise<IssuedToken>; token?: IssuedToken }>();
  readonly #request: typeof requestAccessToken;
  readonly #now: () => number;

  constructor(options: { request?: typeof requestAccessToken; now?: () => number } = {}) {
    this.#request = options.request ?? requestAccessToken;
    this.#now = options.now ?? Date.now;
  }

  /** A usable token; `rejected` names one the PMP refused, which is then never handed out again. */
  async get(config: SmartClientConfig, options: { rejected?: string; fetchImpl?: typeof fetch } = {}): Promise<IssuedToken> {
    const key = cacheKey(config);
    const entry = this.#entries.get(key) ?? {};
    this.#entries.set(key, entry);
    if (entry.token && (entry.token.accessToken === options.rejected || this.#now() >= entry.token.refreshAt)) delete entry.token;
    if (entry.token) return entry.token;
    // A caller whose token was refused must not be handed the pending request that may return the same token.
    if (!entry.pending) {
      const pending = this.#request(config, { now: this.#now, ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}) });
      entry.pending = pending;
      pending.then(
        (t) => {
          if (entry.pending === pending) {
            entry.token = t;
            delete entry.pending;
          }
        },
        () => {
          if (entry.pending === pending) delete entry.pending;
        },
      );
    }
    return entry.pending;
  }

  /** Forgets every token (e.g. after the settings change). */
  clear(): void {
    this.#entries.clear();
  }
}
