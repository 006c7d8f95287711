/**
 * The configured-PMP client: one `$pdmp-history` call over fetch. Every failure leaves as a
 * PmpError, except a cancellation by the caller, which is rethrown as the caller's own reason.
 */
import { PATIENT_MISMATCH, PmpError, kindForHttpStatus, normalizeError } from './errors';
import { OperationOutcome, buildHistoryRequest, parseHistoryResponse } from './fhir';
import { PatientQuery, Requester, patientMatchesQuery } from './history';
import type { PmpHistory } from './history';

export interface FhirEndpointConfig {
  baseUrl: string;
  token?: string;
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
  const headers: Record<string, string> = {
    'Content-Type': 'application/fhir+json',
    Accept: 'application/fhir+json, application/json',
  };
  if (config.token) headers.Authorization = `Bearer ${config.token}`;

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
    const response = await fetchImpl(`${base}/Patient/$pdmp-history`, {
      method: 'POST',
      headers,
      body: JSON.stringify(buildHistoryRequest(query.data, who.data)),
      signal: controller.signal,
    });
    // Reading the body is still under the timer: a server can stall after the headers.
    const text = await response.text();
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
