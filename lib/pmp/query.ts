import { queryOptions } from '@tanstack/react-query';
import type { PmpConnection } from '../storage/settings';
import { normalizeError } from './errors';
import type { PatientQuery, Requester } from './history';
import { fetchHistory } from './source';

/** FNV-1a: tells tokens apart in a query key without putting the token itself there. */
function fingerprint(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

function sourceKey(connection: PmpConnection): string {
  if (connection.kind === 'bundled') return 'bundled';
  const { auth } = connection;
  const who = auth.mode === 'bearer' ? fingerprint(auth.token) : auth.mode === 'smart-backend' ? `smart:${auth.clientId}:${fingerprint(auth.privateKey.d)}` : '';
  return `fhir|${connection.baseUrl}|${who}`;
}

/**
 * Query keys for PMP data. PMP answers live only in this in-memory cache, never on disk. A key
 * names the source, the patient and who asks: a delegate switching prescriber asks the PMP again,
 * so the PMP's audit trail names the prescriber the review is recorded for.
 */
export const pmpKeys = {
  all: ['pmp'] as const,
  histories: () => [...pmpKeys.all, 'history'] as const,
  history: (connection: PmpConnection, patient: PatientQuery, requester: Requester) =>
    [
      ...pmpKeys.histories(),
      sourceKey(connection),
      patient.family,
      patient.given,
      patient.birthDate,
      patient.gender ?? '',
      patient.postalCode ?? '',
      patient.mrn ?? '',
      requester.prescriber.npi ?? requester.prescriber.name,
      requester.delegate?.name ?? '',
    ] as const,
};

/** The patient's PMP history from the configured source: retried once when retryable, never persisted. */
export function historyQueryOptions(connection: PmpConnection, patient: PatientQuery, requester: Requester) {
  return queryOptions({
    queryKey: pmpKeys.history(connection, patient, requester),
    queryFn: async ({ signal }) => {
      try {
        return await fetchHistory(connection, patient, requester, { signal });
      } catch (e) {
        throw normalizeError(e);
      }
    },
    retry: (count, error) => count < 1 && normalizeError(error).retryable,
    staleTime: 5 * 60_000,
    gcTime: 60_000,
    refetchOnWindowFocus: false,
  });
}
