import { initials, patientKey, type PagePatient } from '../messaging/protocol';
import type { PatientIdentifiers } from '../storage/settings';
import { sha256Hex } from './chain';
import type { PatientRef } from './schema';

/**
 * The key a patient's reviews are filed under. With an MRN it is the EHR origin and the MRN
 * (kept in the record anyway); without one it is a hash of name and DOB, so the log never
 * holds a patient's name.
 */
export async function filingKey(origin: string, p: PagePatient): Promise<string> {
  if (p.mrn) return patientKey(origin, p);
  const digest = await sha256Hex(`${p.family.trim().toLowerCase()}|${p.given.trim().toLowerCase()}|${p.birthDate}`);
  return `${origin}|ndh:${digest}`;
}

/** Every key this patient's reviews may be under: the current one, and the plain one version 1 wrote. */
export async function patientKeys(origin: string, p: PagePatient): Promise<string[]> {
  return [...new Set([await filingKey(origin, p), patientKey(origin, p)])];
}

/** The patient as an attestation keeps them: the filing key plus what the practice setting allows. */
export async function patientRef(origin: string, p: PagePatient, which: PatientIdentifiers): Promise<PatientRef> {
  return {
    key: await filingKey(origin, p),
    ...(p.mrn ? { mrn: p.mrn } : {}),
    ...(which !== 'mrn' ? { initials: initials(p) } : {}),
    ...(which === 'mrn-initials-dob' ? { birthDate: p.birthDate } : {}),
  };
}
