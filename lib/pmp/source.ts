/** One entry point for a patient's PMP history, whichever source the settings name. */
import type { PmpConnection } from '../storage/settings';
import { fetchBundledHistory } from './bundled';
import { fetchFhirHistory, type AccessTokenSource } from './client';
import { accessTokenFromBackground } from './token-service';
import type { PatientQuery, PmpHistory, Requester } from './history';

/** Asks the configured PMP (bundled or FHIR) for the patient's history; failures are PmpErrors. */
export function fetchHistory(
  connection: PmpConnection,
  patient: PatientQuery,
  requester: Requester,
  options: { signal?: AbortSignal; now?: Date; fetchImpl?: typeof fetch; accessToken?: AccessTokenSource } = {},
): Promise<PmpHistory> {
  const { accessToken, ...rest } = options;
  if (connection.kind === 'bundled') return fetchBundledHistory(patient, requester, rest);
  const { baseUrl, timeoutMs, auth } = connection;
  // SMART tokens come from the background, which caches them across side panels.
  const credentials = auth.mode === 'bearer' ? { token: auth.token } : auth.mode === 'smart-backend' ? { accessToken: accessToken ?? accessTokenFromBackground } : {};
  return fetchFhirHistory({ baseUrl, timeoutMs, ...credentials }, patient, requester, rest);
}
