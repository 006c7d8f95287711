/**
 * The configured-PMP client: one `$pdmp-history` call over fetch. Every failure leaves as a
 * PmpError, except a cancellation by the caller, which is rethrown as the caller's own reason.
 */
import { PATIENT_MISMATCH, PmpError, kindForHttpStatus, normalizeError } from './errors';
import { OperationOutcome, buildHistoryRequest, parseHistoryResponse } from './fhir';
import { PatientQuery, Requester, patientMatchesQuery } from './history';
import type { PmpHistory } from './history';

/**
 * Gives an access token for the PMP (SMART Backend Services). Called with the token the PMP just
 * refused, it must not hand that one out again.
 */
export type AccessTokenSource = (rejected?: string) => Promise<string>;

export interface FhirEndpointConfig {
  baseUrl: string;
  /** A fixed bearer token. */
  token?: string;
  /** Tokens that expire (SMART Backend Services); on a 401 a new one is asked for once. */
  accessToken?: AccessTokenSource;
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 15_000;

/** The first diagnostics line of an OperationOutcome body, to make an HTTP error's detail useful. */
function outcomeDiagnostics(text: string): string | undefined {
  try {
    const parsed = OperationOutcome.safeParse(JSON.parse(text));
    if (!parsed.success) return undefined;
    return parsed.data.issue.find((i) => i.diagnostics)?.diagnostics;
  } catch {
    return undefined;
  }
}

/** Asks a FHIR PDMP (US PDMP IG `$pdmp-history`) for a patient's dispensing history. */
export async function fetchFhirHistory(
  config: FhirEndpointConfig,
  patient: PatientQuery,
  requester: Requester,
  options: { signal?: AbortSignal; fetchImpl?: typeof fetch; now?: Date } = {},
): Promise<PmpHistory> {
  const query = PatientQuery.safeParse(patient);
  const who = Requester.safeParse(requester);
  if (!query.success || !who.success) {
    throw new PmpError('bad-request', { detail: query.success ? 'invalid requester' : 'invalid patient query' });
  }
  const { signal } = options;
  if (signal?.aborted) throw signal.reason;

  // Bound to globalThis: some browsers throw 'Illegal invocation' for a detached fetch.
  const fetchImpl = options.fetchImpl ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const base = config.baseUrl.replace(/\/+$/, '');
  const headers = (bearer: string | undefined): Record<string, string> => ({
    'Content-Type': 'application/fhir+json',
    Accept: 'application/fhir+json, application/json',
    ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}),
  });
  const body = JSON.stringify(buildHistoryRequest(query.data, who.data));

  // One controller for both our timer and the caller's signal; the abort reason tells them apart.
  const controller = new AbortController();
  const timeoutReason = new DOMException('The PMP did not answer in time', 'TimeoutError');
  const timer = setTimeout(() => {
    controller.abort(timeoutReason);
  }, config.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const onCallerAbort = (): void => {
    controller.abort(signal?.reason);
  };
  signal?.addEventListener('abort', onCallerAbort, { once: true });

  try {
    const post = async (bearer: string | undefined): Promise<{ response: Response; text: string }> => {
      const response = await fetchImpl(`${base}/Patient/$pdmp-history`, { method: 'POST', headers: headers(bearer), body, signal: controller.signal });
      // Reading the body is still under the timer: a server can stall after the headers.
      return { response, text: await response.text() };
    };
    // Getting a token counts against the same timer and can be cancelled like the request.
    const untilAborted = <T>(p: Promise<T>): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        if (controller.signal.aborted) reject(controller.signal.reason as Error);
        const onAbort = (): void => {
          reject(controller.signal.reason as Error);
        };
        controller.signal.addEventListener('abort', onAbort, { once: true });
        p.then(resolve, reject).finally(() => {
          controller.signal.removeEventListener('abort', onAbort);
        });
      });
    let bearer = config.accessToken ? await untilAborted(config.accessToken()) : config.token;
    let { response, text } = await post(bearer);
    // An access token can expire or be revoked before our cache knows: ask for a new one, once.
    if (response.status === 401 && config.accessToken) {
      const refused = bearer;
      bearer = await untilAborted(config.accessToken(refused));
      ({ response, text } = await post(bearer));
      if (response.status === 401) throw new PmpError('unauthorized', { auth: 'token-rejected', detail: 'HTTP 401 with a fresh access token' });
    }
    if (!response.ok) {
      const diagnostics = outcomeDiagnostics(text);
      throw new PmpError(kindForHttpStatus(response.status), {
        detail: diagnostics ? `HTTP ${response.status}: ${diagnostics}` : `HTTP ${response.status}`,
      });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new PmpError('malformed', { detail: 'response is not JSON', cause: e });
    }
    const history = parseHistoryResponse(json, base, options.now);
    // Fail closed: another person's prescriptions must never be shown as this patient's.
    if (history.patient && !patientMatchesQuery(history.patient, query.data)) {
      throw new PmpError('malformed', { detail: PATIENT_MISMATCH });
    }
    return history;
  } catch (e) {
    if (controller.signal.reason === timeoutReason) throw new PmpError('timeout', { detail: `no answer within ${config.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`, cause: e });
    if (signal?.aborted) throw signal.reason;
    throw normalizeError(e);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onCallerAbort);
  }
}
