/**
 * One small set of PMP error kinds. Every failure at the PMP boundary becomes a PmpError so the
 * side panel renders a single error state and decides about retry from `retryable` alone.
 */
import { z } from 'zod';

export const PmpErrorKind = z.enum([
  'unreachable',
  'timeout',
  'unauthorized',
  'no-match',
  'multiple-matches',
  'server-error',
  'malformed',
  'bad-request',
]);
export type PmpErrorKind = z.infer<typeof PmpErrorKind>;

/**
 * What went wrong while getting an access token with SMART Backend Services (client credentials
 * with a signed client assertion). Rides on a PmpError so the UI can name the failing part.
 */
export const AuthProblem = z.enum([
  'discovery-failed',
  'token-endpoint-unreachable',
  'token-endpoint-error',
  'invalid-client',
  'invalid-scope',
  'token-request-refused',
  'token-response-malformed',
  'key-unusable',
  'token-rejected',
]);
export type AuthProblem = z.infer<typeof AuthProblem>;

/** Detail code for an answer about another patient than the one asked for. */
export const PATIENT_MISMATCH = 'patient-mismatch';

// Transient by nature: the same request may well succeed a moment later.
const RETRYABLE_BY_DEFAULT: ReadonlySet<PmpErrorKind> = new Set(['unreachable', 'timeout', 'server-error']);

const MAX_DETAIL = 300;

export interface PmpErrorOptions {
  /**
   * Technical detail for developers (HTTP status, a server's diagnostics). It can carry text the
   * PMP wrote, so it is never shown as the clinician-facing message and never logged.
   */
  detail?: string;
  retryable?: boolean;
  cause?: unknown;
  /** Set when the failure happened while getting an access token (SMART Backend Services). */
  auth?: AuthProblem;
}

/** The one error type the PMP layer throws; `kind` drives the UI, `retryable` the retry policy. */
export class PmpError extends Error {
  readonly kind: PmpErrorKind;
  readonly retryable: boolean;
  readonly detail?: string;
  readonly auth?: AuthProblem;

  constructor(kind: PmpErrorKind, options: PmpErrorOptions = {}) {
    // The message is the kind only: messages end up in consoles and crash reports, details may not.
    super(`PMP error: ${kind}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PmpError';
    this.kind = kind;
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT.has(kind);
    if (options.detail !== undefined) this.detail = options.detail.slice(0, MAX_DETAIL);
    if (options.auth !== undefined) this.auth = options.auth;
  }
}

/** Maps an HTTP status that is not a success to an error kind. */
export function kindForHttpStatus(status: number): PmpErrorKind {
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 408 || status === 504) return 'timeout';
  if (status === 429 || status >= 500) return 'server-error';
  return 'bad-request';
}

function errorName(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null || !('name' in e)) return undefined;
  return typeof e.name === 'string' ? e.name : undefined;
}

/** Turns anything thrown at the PMP boundary into a PmpError. */
export function normalizeError(e: unknown): PmpError {
  if (e instanceof PmpError) return e;
  const name = errorName(e);
  // DOMException is not an Error subclass in every runtime, so match on the name.
  if (name === 'TimeoutError') return new PmpError('timeout', { detail: 'timed out', cause: e });
  if (name === 'AbortError') return new PmpError('unreachable', { detail: 'request aborted', cause: e });
  if (e instanceof z.ZodError) return new PmpError('malformed', { detail: 'schema mismatch', cause: e });
  if (e instanceof SyntaxError) return new PmpError('malformed', { detail: 'not JSON', cause: e });
  // fetch() rejects with a TypeError for DNS, refused connections, CORS and TLS failures.
  if (e instanceof TypeError) return new PmpError('unreachable', { detail: 'network failure', cause: e });
  if (typeof e === 'object' && e !== null && 'status' in e && typeof e.status === 'number') {
    return new PmpError(kindForHttpStatus(e.status), { detail: `HTTP ${e.status}`, cause: e });
  }
  return new PmpError('server-error', { detail: 'unexpected failure', retryable: false, cause: e });
}

const DESCRIPTIONS: Record<PmpErrorKind, { title: string; body: string }> = {
  unreachable: {
    title: 'The PMP could not be reached',
    body: 'Check the network connection and the PMP address in Options, then try again. If the PMP stays unavailable, document why the review could not be done.',
  },
  timeout: {
    title: 'The PMP did not answer',
    body: 'The PMP took too long to respond. Try again in a moment. If it keeps happening, document why the review could not be done.',
  },
  unauthorized: {
    title: 'The PMP did not accept the sign-in',
    body: 'The PMP refused the access credentials. Check the PMP connection settings in Options or ask your administrator.',
  },
  'no-match': {
    title: 'No patient in the PMP matches',
    body: 'No patient in the PMP matches the name and date of birth that were sent. Check the spelling, a former name or the date of birth in the chart, then search again.',
  },
  'multiple-matches': {
    title: 'Several patients in the PMP match',
    body: 'More than one patient in the PMP has this name and date of birth. Add the sex or ZIP code and search again.',
  },
  'server-error': {
    title: 'The PMP reported an error',
    body: 'The PMP could not complete the search. Try again in a moment.',
  },
  malformed: {
    title: "The PMP's answer could not be read",
    body: 'The answer was incomplete or in an unexpected format, so no history is shown. Try again; if it keeps happening, tell your administrator.',
  },
  'bad-request': {
    title: 'The PMP rejected the search',
    body: 'The PMP needs details that were missing or invalid, such as the date of birth or the prescriber identity. Check the patient details and the identity settings in Options.',
  },
};

const ASK_ADMIN = 'Ask your administrator to check the SMART Backend Services settings under PMP connection in Options.';

const AUTH_DESCRIPTIONS: Record<AuthProblem, { title: string; body: string }> = {
  'discovery-failed': {
    title: "The PMP's sign-in service could not be found",
    body: `The PMP did not publish a usable SMART configuration (token endpoint). ${ASK_ADMIN}`,
  },
  'token-endpoint-unreachable': {
    title: "The PMP's sign-in service could not be reached",
    body: 'The token endpoint did not answer, so no access token could be obtained. Check the network connection and try again; if it stays unavailable, document why the review could not be done.',
  },
  'token-endpoint-error': {
    title: "The PMP's sign-in service failed",
    body: 'The token endpoint reported an error of its own. Try again in a moment.',
  },
  'invalid-client': {
    title: 'The PMP does not recognise this extension (invalid client)',
    body: `The token endpoint refused the client ID or its signed assertion: the client may be unregistered or revoked, or the registered public key may not match. ${ASK_ADMIN}`,
  },
  'invalid-scope': {
    title: 'The PMP refused the requested access (invalid scope)',
    body: `The token endpoint does not allow the scope this extension asked for. ${ASK_ADMIN}`,
  },
  'token-request-refused': {
    title: 'The PMP refused to issue an access token',
    body: `The token endpoint turned the request down. ${ASK_ADMIN}`,
  },
  'token-response-malformed': {
    title: "The PMP's sign-in answer could not be read",
    body: 'The token endpoint answered without a usable bearer access token. Try again; if it keeps happening, tell your administrator.',
  },
  'key-unusable': {
    title: "The extension's private key cannot be used",
    body: `The stored private key could not be loaded for signing (ES384 or RS384). ${ASK_ADMIN}`,
  },
  'token-rejected': {
    title: 'The PMP did not accept its own access token',
    body: `A fresh access token from the token endpoint was refused by the PMP. ${ASK_ADMIN}`,
  },
};

/** Plain words for a clinician; built from the kind only, so it never contains patient data. */
export function describePmpError(e: PmpError): { title: string; body: string; retryable: boolean } {
  if (e.auth) return { ...AUTH_DESCRIPTIONS[e.auth], retryable: e.retryable };
  if (e.kind === 'malformed' && e.detail === PATIENT_MISMATCH) {
    return {
      title: 'The PMP answered about a different patient',
      body: 'The record returned does not match the name and date of birth that were sent, so it is not shown. Search again; if it repeats, tell your administrator.',
      retryable: e.retryable,
    };
  }
  return { ...DESCRIPTIONS[e.kind], retryable: e.retryable };
}
