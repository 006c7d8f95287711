/** One entry point for a patient's PMP history, whichever source the settings name. */
import type { PmpConnection } from '../storage/settings';
import { fetchBundledHistory } from './bundled';
import { fetchFhirHistory } from './client';
import type { PatientQuery, PmpHistory, Requester } from './history';

/** Asks the configured PMP (bundled or FHIR) for the patient's history; failures are PmpErrors. */
export function fetchHistory(
  connection: PmpConnection,
  patient: PatientQuery,
  requester: Requester,
  options: { signal?: AbortSignal; now?: Date } = {},
): Promise<PmpHistory> {
  if (connection.kind === 'bundled') return fetchBundledHistory(patient, requester, options);
  const { baseUrl, timeoutMs, token } = connection;
  return fetchFhirHistory({ baseUrl, timeoutMs, ...(token ? { token } : {}) }, patient, requester, options);
}
