import { queryOptions } from '@tanstack/react-query';
import type { PmpConnection } from '../storage/settings';
import { fetchFhirHistory } from './client';
import { normalizeError } from './errors';
import type { PatientQuery, Requester } from './history';

/** Query keys for PMP data. PMP answers live only in this in-memory cache, never on disk. */
export const pmpKeys = {
  all: ['pmp'] as const,
  history: (connection: Pick<PmpConnection, 'baseUrl'>, patient: PatientQuery) =>
    [...pmpKeys.all, 'history', connection.baseUrl, patient.family, patient.given, patient.birthDate, patient.mrn ?? ''] as const,
};

/** The patient's PMP history: retried once when the error is retryable, never persisted. */
export function historyQueryOptions(connection: PmpConnection, patient: PatientQuery, requester: Requester) {
  return queryOptions({
    queryKey: pmpKeys.history(connection, patient),
    queryFn: async ({ signal }) => {
      try {
        return await fetchFhirHistory(
          { baseUrl: connection.baseUrl, timeoutMs: connection.timeoutMs, ...(connection.token ? { token: connection.token } : {}) },
          patient,
          requester,
          { signal },
        );
      } catch (e) {
        throw normalizeError(e);
      }
    },
    retry: (count, error) => count < 1 && normalizeError(error).retryable,
    staleTime: 5 * 60_000,
    gcTime: 5 * 60_000,
    refetchOnWindowFocus: false,
  });
}
