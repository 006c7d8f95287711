import { queryOptions } from '@tanstack/react-query';
import { send } from '../messaging/client';
import type { PmpDatabase } from './db';
import { loadPracticeLog } from './practice-log';
import type { AttestationRepository } from './repository';

/** Query keys for the attestation log: invalidate `all` after anything writes to it. */
export const attestationKeys = {
  all: ['attestations'] as const,
  log: () => [...attestationKeys.all, 'log'] as const,
  pending: () => [...attestationKeys.all, 'pending'] as const,
  todo: (horizonDays: number) => [...attestationKeys.all, 'todo', horizonDays] as const,
};

/** The practice's log (every chain, verified), read straight from IndexedDB in an extension page. */
export function practiceLogQueryOptions(db: PmpDatabase, repo: AttestationRepository) {
  return queryOptions({ queryKey: attestationKeys.log(), queryFn: () => loadPracticeLog(db, repo) });
}

/** Attestations accepted but not yet written (storage trouble): shown so nothing is lost silently. */
export function pendingQueryOptions(repo: AttestationRepository) {
  return queryOptions({ queryKey: attestationKeys.pending(), queryFn: () => repo.pending(), refetchInterval: 15_000 });
}

/** Patients whose review is due or coming due, from the background (which holds the rule pack and clock). */
export function reviewsToDoQueryOptions(horizonDays: number) {
  return queryOptions({ queryKey: attestationKeys.todo(horizonDays), queryFn: () => send('reviewsToDo', { horizonDays }) });
}
