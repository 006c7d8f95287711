/**
 * The local PMP's SMART Backend Services authorization server: clients are registered with a
 * public JWKS, prove themselves with a signed client assertion (private_key_jwt, ES384 or RS384)
 * and get short-lived bearer tokens for `$pdmp-history`. Nothing here is logged.
 */
import { createHash, createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const ALGS = ['ES384', 'RS384'] as const;
/** Assertions may live at most five minutes (the spec), plus a minute of clock skew. */
const MAX_ASSERTION_LIFETIME_S = 300;
const CLOCK_SKEW_S = 60;
/** Scopes a PDMP client may ask for: read/search on patients and dispensations (SMART v1 or v2 syntax). */
const ALLOWED_SCOPE = /^system\/(\*|Patient|MedicationDispense|MedicationRequest)\.(rs|r|s|read)$/;

const PublicJwk = z
  .looseObject({
    kty: z.enum(['EC', 'RSA']),
    kid: z.string().min(1).optional(),
    alg: z.enum(ALGS).optional(),
    crv: z.string().optional(),
    d: z.unknown().optional(),
  })
  .refine((k) => k.d === undefined, 'A private key was sent: register the PUBLIC key only');

/** What `POST /__clients` (or the server option) takes: a client id and its public keys. */
export const ClientRegistration = z.object({
  client_id: z.string().trim().min(1).max(200),
  jwks: z.object({ keys: z.array(PublicJwk).min(1).max(10) }),
});
export type ClientRegistration = z.infer<typeof ClientRegistration>;

interface RegisteredKey {
  kid?: string;
  alg: (typeof ALGS)[number];
  key: KeyObject;
}

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

class OAuthFailure extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

const b64uJson = (part: string): unknown => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

const Header = z.looseObject({ alg: z.string(), kid: z.string().optional(), typ: z.string().optional() });
const Claims = z.looseObject({
  iss: z.string(),
  sub: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  exp: z.number(),
  jti: z.string().min(1).max(500),
});

const digest = (s: string): string => createHash('sha256').update(s).digest('base64url');

function importKey(jwk: z.infer<typeof PublicJwk>): RegisteredKey {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk as unknown as import('node:crypto').JsonWebKey, format: 'jwk' });
  } catch {
    throw new Error(`The key${jwk.kid ? ` "${jwk.kid}"` : ''} is not a valid public JWK`);
  }
  if (jwk.kty === 'EC' && key.asymmetricKeyDetails?.namedCurve !== 'secp384r1') throw new Error('EC keys must be on P-384 (ES384)');
  if (jwk.kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw new Error('RSA keys must have at least 2048 bits');
  const alg = jwk.kty === 'EC' ? 'ES384' : 'RS384';
  if (jwk.alg && jwk.alg !== alg) throw new Error(`A ${jwk.kty} key cannot be used with ${jwk.alg}`);
  return { ...(jwk.kid ? { kid: jwk.kid } : {}), alg, key };
}

/** Registered clients, seen assertion ids and issued tokens, all in memory. */
export class SmartAuthority {
  readonly #clients = new Map<string, RegisteredKey[]>();
  readonly #seenJti = new Map<string, number>();
  readonly #tokens = new Map<string, { clientId: string; expiresAt: number }>();
  readonly #ttlSeconds: number;
  readonly #now: () => number;

  constructor(options: { accessTokenTtlSeconds?: number; now?: () => number } = {}) {
    this.#ttlSeconds = options.accessTokenTtlSeconds ?? 300;
    this.#now = options.now ?? Date.now;
  }

  /** Registers (or replaces) a client's public keys; throws with a readable message on a bad key. */
  register(input: unknown): void {
    const reg = ClientRegistration.parse(input);
    this.#clients.set(reg.client_id, reg.jwks.keys.map(importKey));
  }

  /** Forgets a client and every token issued to it. Returns whether it was known. */
  revoke(clientId: string): boolean {
    for (const [k, t] of this.#tokens) if (t.clientId === clientId) this.#tokens.delete(k);
    return this.#clients.delete(clientId);
  }

  /** Whether a bearer token is one this server issued and it is still valid. */
  accepts(accessToken: string): boolean {
    const t = this.#tokens.get(digest(accessToken));
    if (!t) return false;
    if (t.expiresAt <= this.#now()) {
      this.#tokens.delete(digest(accessToken));
      return false;
    }
    return true;
  }

  /** Answers a token request (the form body) made to `tokenUrl`. */
  token(form: URLSearchParams, tokenUrl: string): TokenAnswer {
    try {
      return { status: 200, body: this.#issue(form, tokenUrl) };
    } catch (e) {
      if (e instanceof OAuthFailure) return { status: e.error === 'invalid_client' ? 401 : 400, body: { error: e.error, error_description: e.description } };
      throw e;
    }
  }

  #issue(form: URLSearchParams, tokenUrl: string): Record<string, unknown> {
    const grant = form.get('grant_type');
    if (grant !== 'client_credentials') throw new OAuthFailure('unsupported_grant_type', 'Only grant_type=client_credentials is supported');
    if (form.get('client_assertion_type') !== CLIENT_ASSERTION_TYPE) throw new OAuthFailure('invalid_request', `client_assertion_type must be ${CLIENT_ASSERTION_TYPE}`);
    const scope = (form.get('scope') ?? '').trim();
    if (!scope) throw new OAuthFailure('invalid_request', 'scope is required');
    const assertion = form.get('client_assertion') ?? '';
    const clientId = this.#verifyAssertion(assertion, tokenUrl);
    const scopes = scope.split(/\s+/);
    const refused = scopes.filter((s) => !ALLOWED_SCOPE.test(s));
    if (refused.length > 0) throw new OAuthFailure('invalid_scope', `Not allowed: ${refused.join(' ')}`);

    const accessToken = randomBytes(32).toString('base64url');
    this.#tokens.set(digest(accessToken), { clientId, expiresAt: this.#now() + this.#ttlSeconds * 1000 });
    return { access_token: accessToken, token_type: 'bearer', expires_in: this.#ttlSeconds, scope: scopes.join(' ') };
  }

  /** Checks the client assertion and returns the client id it proves. */
  #verifyAssertion(assertion: string, tokenUrl: string): string {
    const parts = assertion.split('.');
    const [h, c, s] = parts;
    if (parts.length !== 3 || !h || !c || !s) throw new OAuthFailure('invalid_client', 'client_assertion is not a signed JWT');
    let header: z.infer<typeof Header>;
    let claims: z.infer<typeof Claims>;
    try {
      header = Header.parse(b64uJson(h));
      claims = Claims.parse(b64uJson(c));
    } catch {
      throw new OAuthFailure('invalid_client', 'client_assertion header or claims cannot be read (iss, sub, aud, exp and jti are required)');
    }
    if (claims.iss !== claims.sub) throw new OAuthFailure('invalid_client', 'iss and sub must both be the client_id');
    const keys = this.#clients.get(claims.iss);
    if (!keys) throw new OAuthFailure('invalid_client', 'Unknown client');
    if (!(ALGS as readonly string[]).includes(header.alg)) throw new OAuthFailure('invalid_client', `Unsupported alg ${header.alg}: use ES384 or RS384`);
    const candidates = keys.filter((k) => k.alg === header.alg && (header.kid === undefined || k.kid === undefined || k.kid === header.kid));
    const signingInput = Buffer.from(`${h}.${c}`);
    const signature = Buffer.from(s, 'base64url');
    const valid = candidates.some((k) => verify('sha384', signingInput, k.alg === 'ES384' ? { key: k.key, dsaEncoding: 'ieee-p1363' } : k.key, signature));
    if (!valid) throw new OAuthFailure('invalid_client', 'The signature does not match a registered key');
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(tokenUrl)) throw new OAuthFailure('invalid_client', 'aud must be the token endpoint URL');
    const nowS = Math.floor(this.#now() / 1000);
    if (claims.exp <= nowS - CLOCK_SKEW_S) throw new OAuthFailure('invalid_client', 'The client assertion has expired');
    if (claims.exp > nowS + MAX_ASSERTION_LIFETIME_S + CLOCK_SKEW_S) throw new OAuthFailure('invalid_client', 'exp is more than five minutes ahead');
    for (const [k, exp] of this.#seenJti) if (exp < nowS - CLOCK_SKEW_S) this.#seenJti.delete(k);
    const jtiKey = `${claims.iss}|${claims.jti}`;
    if (this.#seenJti.has(jtiKey)) throw new OAuthFailure('invalid_client', 'This client assertion (jti) was already used');
    this.#seenJti.set(jtiKey, claims.exp);
    return claims.iss;
  }
}

/** The `.well-known/smart-configuration` document for a server at `baseUrl`. */
export function smartConfiguration(baseUrl: string): Record<string, unknown> {
  return {
    issuer: baseUrl,
    token_endpoint: `${baseUrl}/auth/token`,
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: [...ALGS],
    grant_types_supported: ['client_credentials'],
    scopes_supported: ['system/Patient.rs', 'system/MedicationDispense.rs', 'system/*.rs', 'system/*.read'],
    capabilities: ['client-confidential-asymmetric'],
  };
}
