/**
 * The bundled PMP: the local PMP server's synthetic population, answered inside the extension with
 * no network at all, so the demo works offline and no patient details leave the browser. It gives
 * the server's answers: the same fills, "no match", "several match", and the same alert.
 */
import { PmpError } from './errors';
import { PatientQuery, PmpHistory, Requester } from './history';
import type { Fill } from './history';
import { findPatients, syntheticPatients } from './synthetic';
import type { SyntheticPatient } from './synthetic';

export const BUNDLED_SOURCE = 'bundled';

/** The server's DetectedIssue text for a multiple-provider episode (server/pmp/bundle.ts). */
export const MPE_ALERT = 'Multiple provider episode: 5 or more prescribers and 5 or more pharmacies in 90 days';

const DAY_MS = 86_400_000;

function localIsoDate(d: Date): string {
  return new Date(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate())).toISOString().slice(0, 10);
}

// Generating the population takes a few milliseconds: once per calendar day (fills are relative to today).
let cache: { key: string; patients: SyntheticPatient[] } | undefined;

function population(now: Date, seed: number | undefined): SyntheticPatient[] {
  const key = `${localIsoDate(now)}|${String(seed ?? '')}`;
  if (cache?.key !== key) cache = { key, patients: syntheticPatients({ today: now, ...(seed === undefined ? {} : { seed }) }) };
  return cache.patients;
}

/** The PMP's own alert, raised exactly when the local server raises it: 5+ prescribers and pharmacies in 90 days. */
function alertsFor(fills: readonly Fill[], today: string): string[] {
  const start = Date.parse(`${today}T00:00:00Z`) - 90 * DAY_MS;
  const recent = fills.filter((f) => Date.parse(`${f.dispensedOn}T00:00:00Z`) >= start);
  const prescribers = new Set(recent.map((f) => f.prescriber.npi ?? f.prescriber.name));
  const pharmacies = new Set(recent.map((f) => f.pharmacy.npi ?? f.pharmacy.name));
  return prescribers.size >= 5 && pharmacies.size >= 5 ? [MPE_ALERT] : [];
}

/**
 * Looks a patient up in the bundled synthetic PMP. Throws PmpError 'bad-request' for an invalid
 * query, 'no-match' and 'multiple-matches' as a PMP would; a cancellation rethrows its reason.
 */
export async function fetchBundledHistory(
  patient: PatientQuery,
  requester: Requester,
  options: { signal?: AbortSignal; now?: Date; seed?: number } = {},
): Promise<PmpHistory> {
  const query = PatientQuery.safeParse(patient);
  const who = Requester.safeParse(requester);
  if (!query.success || !who.success) {
    throw new PmpError('bad-request', { detail: query.success ? 'invalid requester' : 'invalid patient query' });
  }
  // Answer asynchronously, as a network PMP does, so callers cannot come to rely on a sync answer.
  await Promise.resolve();
  if (options.signal?.aborted) throw options.signal.reason;
  const now = options.now ?? new Date();
  const matches = findPatients(population(now, options.seed), query.data);
  if (matches.length === 0) throw new PmpError('no-match', { detail: 'bundled PMP: no patient with this name and date of birth' });
  if (matches.length > 1) throw new PmpError('multiple-matches', { detail: `bundled PMP: ${String(matches.length)} patients match` });
  const [p] = matches;
  if (!p) throw new PmpError('no-match');
  const history: PmpHistory = {
    patient: { name: `${p.given} ${p.family}`, given: p.given, family: p.family, birthDate: p.birthDate, gender: p.gender, postalCode: p.postalCode },
    // Copies: the cached population must not change whatever a caller does with the answer.
    fills: p.fills.map((f) => structuredClone(f)),
    warnings: [],
    alerts: alertsFor(p.fills, localIsoDate(now)),
    retrievedAt: now.toISOString(),
    source: BUNDLED_SOURCE,
  };
  return PmpHistory.parse(history);
}
