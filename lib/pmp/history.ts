/**
 * The app's own model of a PMP answer. Every protocol adapter (FHIR $pdmp-history, the SCRIPT
 * facade, the bundled synthetic PMP) converts into these shapes, so the side panel and the
 * indicators never see wire formats.
 */
import { z } from 'zod';

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const Fill = z.object({
  id: z.string(),
  /** Display text as the PMP gave it, e.g. 'Oxycodone HCl 5 mg tablet'. */
  drug: z.string(),
  /** The active ingredient that matters clinically (the opioid of an opioid/APAP combination). */
  ingredient: z.string().optional(),
  strength: z.string().optional(),
  strengthValue: z.number().optional(),
  strengthUnit: z.string().optional(),
  quantity: z.number(),
  quantityUnit: z.string().optional(),
  daysSupply: z.number(),
  dispensedOn: IsoDate,
  writtenOn: IsoDate.optional(),
  /** 0 = original fill, 1 = first refill (FHIR PDMP IG STU1 rx-fill-number). */
  refillNumber: z.number().optional(),
  rxNumber: z.string().optional(),
  ndc: z.string().optional(),
  rxcui: z.string().optional(),
  prescriber: z.object({ name: z.string(), npi: z.string().optional(), dea: z.string().optional() }),
  pharmacy: z.object({
    name: z.string(),
    npi: z.string().optional(),
    city: z.string().optional(),
    state: z.string().optional(),
  }),
  paymentType: z.string().optional(),
});
export type Fill = z.infer<typeof Fill>;

export const PmpPatient = z.object({
  name: z.string(),
  given: z.string(),
  family: z.string(),
  birthDate: z.string(),
  gender: z.string().optional(),
  postalCode: z.string().optional(),
});
export type PmpPatient = z.infer<typeof PmpPatient>;

export const PmpHistory = z.object({
  /** The PMP's own patient record; absent when the PMP only sent a report link. */
  patient: PmpPatient.optional(),
  fills: z.array(Fill),
  /** Non-fatal problems the clinician must see (partial results, skipped records). */
  warnings: z.array(z.string()),
  reportUrl: z.string().optional(),
  /** Alerts the PMP itself raised (DetectedIssue), e.g. multiple provider episodes. */
  alerts: z.array(z.string()),
  retrievedAt: z.string(),
  source: z.string(),
});
export type PmpHistory = z.infer<typeof PmpHistory>;

export const PatientQuery = z.object({
  given: z.string().min(1),
  family: z.string().min(1),
  birthDate: IsoDate,
  gender: z.enum(['male', 'female', 'other', 'unknown']).optional(),
  postalCode: z.string().optional(),
  mrn: z.string().optional(),
});
export type PatientQuery = z.infer<typeof PatientQuery>;

export const Requester = z.object({
  prescriber: z.object({ name: z.string(), npi: z.string().optional(), dea: z.string().optional() }),
  /** A delegate (agent) who runs the lookup on the prescriber's behalf (CT PA 16-43). */
  delegate: z.object({ name: z.string(), role: z.string().optional() }).optional(),
  organization: z.string().optional(),
});
export type Requester = z.infer<typeof Requester>;

/** Folds case, accents and punctuation so 'Zoë O'Brien-Lee' compares equal to 'zoe obrien lee'. */
export function normalizeName(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’.]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/**
 * True when a PMP's patient record can be the person asked about: same date of birth and the
 * same family name or first given name. Either name alone may differ legitimately (a maiden
 * name, a nickname), both differing means the PMP answered about someone else.
 */
export function patientMatchesQuery(patient: PmpPatient, q: PatientQuery): boolean {
  if (patient.birthDate.slice(0, 10) !== q.birthDate) return false;
  const family = (s: string): string => normalizeName(s).replace(/ /g, '');
  const firstGiven = (s: string): string => normalizeName(s).split(' ')[0] ?? '';
  return family(patient.family) === family(q.family) || firstGiven(patient.given) === firstGiven(q.given);
}
