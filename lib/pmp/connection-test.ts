import { z } from 'zod';
import { AuthProblem, normalizeError } from './errors';
import { NetProblem, describeNetError, type NetErrorObserver } from './net-errors';
import { requestAccessToken, type SmartClientConfig } from './smart';

/** What failed; the SMART token step names its own problems (AuthProblem). */
export const ConnectionProblem = z.enum([
  'unreachable',
  'timeout',
  'wrong-server',
  'wrong-fhir-version',
  'operation-missing',
  'unauthorized',
  'server-error',
  ...AuthProblem.options,
  ...NetProblem.options.filter((p) => p !== 'timeout'),
]);
export type ConnectionProblem = z.infer<typeof ConnectionProblem>;

export interface ConnectionCheck {
  step: 'reach' | 'fhir' | 'operation' | 'token' | 'auth';
  ok: boolean;
  title: string;
  detail?: string;
}

export interface ConnectionReport {
  ok: boolean;
  problem?: ConnectionProblem;
  checks: ConnectionCheck[];
}

const Capability = z.looseObject({
  resourceType: z.literal('CapabilityStatement'),
  fhirVersion: z.string().optional(),
  rest: z
    .array(
      z.looseObject({
        operation: z.array(z.looseObject({ name: z.string(), definition: z.string().optional() })).optional(),
        resource: z
          .array(z.looseObject({ type: z.string(), operation: z.array(z.looseObject({ name: z.string(), definition: z.string().optional() })).optional() }))
          .optional(),
      }),
    )
    .optional(),
});

function hasPdmpHistory(cs: z.infer<typeof Capability>): boolean {
  const ops = (cs.rest ?? []).flatMap((r) => [...(r.operation ?? []), ...(r.resource ?? []).flatMap((res) => res.operation ?? [])]);
  return ops.some((o) => o.name.replace(/^\$/, '') === 'pdmp-history' || (o.definition ?? '').endsWith('/OperationDefinition/pdmp-history'));
}

async function timed(fetchImpl: typeof fetch, url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  return fetchImpl(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
}

const TOKEN_STEP: Record<AuthProblem, { title: string; hint: string }> = {
  'discovery-failed': {
    title: 'Could not find the token endpoint (.well-known/smart-configuration)',
    hint: 'Enter the token URL your PMP gave you, or check the base URL.',
  },
  'token-endpoint-unreachable': { title: 'Could not reach the token endpoint', hint: 'Check the token URL and the network.' },
  'token-endpoint-error': { title: 'The token endpoint failed', hint: 'Try again later; if it persists, contact the PMP.' },
  'invalid-client': {
    title: 'The token endpoint refused this client (invalid_client)',
    hint: 'Check the client ID, and that the public key shown here is the one registered with the PMP (it may have been revoked).',
  },
  'invalid-scope': { title: 'The token endpoint refused the scope (invalid_scope)', hint: 'Ask the PMP which scopes this client may request.' },
  'token-request-refused': { title: 'The token endpoint refused the request', hint: 'Check the client ID and scope with the PMP.' },
  'token-response-malformed': { title: "The token endpoint's answer is not a bearer access token", hint: 'Check the token URL: it may point at another service.' },
  'key-unusable': { title: 'The private key cannot be used for signing', hint: 'Generate a new key pair or paste a valid private JWK (EC P-384 or RSA ≥ 2048 bits).' },
  'token-rejected': { title: 'The server refused the access token', hint: 'Check the scope with the PMP.' },
};

function fail(checks: ConnectionCheck[], problem: ConnectionProblem, check: ConnectionCheck): ConnectionReport {
  return { ok: false, problem, checks: [...checks, check] };
}

/**
 * Checks a FHIR PDMP endpoint step by step — reachable, a FHIR R4 server, offers $pdmp-history,
 * accepts our credentials — and says in plain words which step failed. Sends no patient data:
 * the credentials are probed with an empty request the server must refuse as malformed.
 * With `observe` (the browser's webRequest errors), a failed connection is named exactly: DNS,
 * refused, TLS certificate…; without it fetch() cannot tell those apart.
 */
export async function testPmpConnection(
  config: { baseUrl: string; token?: string; smart?: SmartClientConfig; timeoutMs?: number },
  fetchImpl: typeof fetch = fetch,
  observe?: NetErrorObserver,
): Promise<ConnectionReport> {
  const base = config.baseUrl.replace(/\/+$/, '');
  const timeoutMs = config.timeoutMs ?? 10_000;
  const host = (() => {
    try {
      return new URL(base).host;
    } catch {
      return base;
    }
  })();
  const checks: ConnectionCheck[] = [];

  let res: Response;
  const metadataUrl = `${base}/metadata`;
  let watch: ReturnType<NetErrorObserver> | undefined;
  try {
    watch = observe?.(metadataUrl);
  } catch {
    watch = undefined; // Not a URL the browser can watch: fetch() will say so below.
  }
  try {
    res = await timed(fetchImpl, metadataUrl, { headers: { accept: 'application/fhir+json' } }, timeoutMs);
  } catch (e) {
    const code = await watch?.error();
    const named = code === undefined ? undefined : describeNetError(code, metadataUrl);
    if (named) return fail(checks, named.problem, { step: 'reach', ok: false, title: named.title, detail: `${named.detail} (${named.code})` });
    if (e instanceof DOMException && (e.name === 'TimeoutError' || e.name === 'AbortError')) {
      return fail(checks, 'timeout', { step: 'reach', ok: false, title: `${host} did not answer within ${String(Math.round(timeoutMs / 1000))} s` });
    }
    return fail(checks, 'unreachable', {
      step: 'reach',
      ok: false,
      title: `Could not connect to ${host}`,
      detail: base.startsWith('https:')
        ? 'The name did not resolve, the server refused the connection, or its TLS certificate was not accepted (browsers do not say which). Check the address and open it in a tab to see the certificate.'
        : 'The name did not resolve or nothing answers at that address and port. Check the address.',
    });
  } finally {
    watch?.stop();
  }
  checks.push({ step: 'reach', ok: true, title: `${host} answers` });

  if (res.status >= 500) return fail(checks, 'server-error', { step: 'fhir', ok: false, title: `The server failed (HTTP ${String(res.status)}) on /metadata` });
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  const cs = Capability.safeParse(body);
  if (!res.ok || !cs.success) {
    return fail(checks, 'wrong-server', {
      step: 'fhir',
      ok: false,
      title: 'This is not a FHIR server',
      detail: `${base}/metadata ${res.ok ? 'is not a CapabilityStatement' : `answered HTTP ${String(res.status)}`}. Check the base URL (it usually ends in /fhir or similar).`,
    });
  }
  if (cs.data.fhirVersion && !cs.data.fhirVersion.startsWith('4.')) {
    return fail(checks, 'wrong-fhir-version', { step: 'fhir', ok: false, title: `The server speaks FHIR ${cs.data.fhirVersion}; the PDMP guide needs FHIR R4 (4.0.x)` });
  }
  checks.push({ step: 'fhir', ok: true, title: `A FHIR ${cs.data.fhirVersion ?? 'R4'} server` });

  if (!hasPdmpHistory(cs.data)) {
    return fail(checks, 'operation-missing', {
      step: 'operation',
      ok: false,
      title: 'The server does not offer the PDMP history operation ($pdmp-history)',
      detail: 'Its CapabilityStatement lists no pdmp-history operation: it is a FHIR server, but not a PDMP one (HL7 FHIR US PDMP IG).',
    });
  }
  checks.push({ step: 'operation', ok: true, title: 'Offers $pdmp-history' });

  let bearer = config.token;
  if (config.smart) {
    try {
      const issued = await requestAccessToken({ ...config.smart, timeoutMs }, { fetchImpl });
      bearer = issued.accessToken;
      checks.push({ step: 'token', ok: true, title: `The token endpoint issued an access token to ${config.smart.clientId}`, detail: `${issued.tokenUrl}; valid for ${String(Math.round((issued.expiresAt - Date.now()) / 1000))} s` });
    } catch (e) {
      const err = normalizeError(e);
      const problem = err.auth ?? 'token-endpoint-unreachable';
      const { title, hint } = TOKEN_STEP[problem];
      return fail(checks, problem, { step: 'token', ok: false, title, detail: `${err.detail ? `${err.detail}. ` : ''}${hint}` });
    }
  }

  let probe: Response;
  try {
    probe = await timed(
      fetchImpl,
      `${base}/Patient/$pdmp-history`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/fhir+json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
        body: JSON.stringify({ resourceType: 'Parameters', parameter: [] }),
      },
      timeoutMs,
    );
  } catch {
    return fail(checks, 'unreachable', { step: 'auth', ok: false, title: `The connection to ${host} dropped while checking the credentials` });
  }
  if ((probe.status === 401 || probe.status === 403) && config.smart) {
    return fail(checks, 'token-rejected', { step: 'auth', ok: false, title: TOKEN_STEP['token-rejected'].title, detail: `HTTP ${String(probe.status)}. ${TOKEN_STEP['token-rejected'].hint}` });
  }
  if (probe.status === 401 || probe.status === 403) {
    return fail(checks, 'unauthorized', {
      step: 'auth',
      ok: false,
      title: config.token ? 'The server refused the token' : 'The server needs a token',
      detail: `HTTP ${String(probe.status)}. ${config.token ? 'Check that the token is current.' : 'Enter the bearer token your PMP issued.'}`,
    });
  }
  if (probe.status >= 500) return fail(checks, 'server-error', { step: 'auth', ok: false, title: `The server failed (HTTP ${String(probe.status)}) on $pdmp-history` });
  checks.push({ step: 'auth', ok: true, title: config.smart ? 'The access token is accepted' : config.token ? 'The token is accepted' : 'No token needed' });
  return { ok: true, checks };
}
