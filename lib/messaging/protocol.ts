import { z } from 'zod';
import { Order } from '../orders/order';
import { Decision } from '../rules/decision';

/** The patient as the EHR page shows them. Lives in memory only. */
export const PagePatient = z.object({
  name: z.string().min(1),
  given: z.string().min(1),
  family: z.string().min(1),
  birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  mrn: z.string().optional(),
  gender: z.enum(['male', 'female', 'other', 'unknown']).optional(),
  postalCode: z.string().optional(),
});
export type PagePatient = z.infer<typeof PagePatient>;

/** What the side panel needs to look a patient up and attest: the page's patient and order. */
export const ReviewContext = z.object({
  tabId: z.number().int(),
  origin: z.string(),
  patient: PagePatient,
  order: Order,
  decision: Decision,
  openedAt: z.string(),
});
export type ReviewContext = z.infer<typeof ReviewContext>;

const Ok = z.object({ ok: z.literal(true) });

/**
 * Every message in the extension, each with a request and a response schema.
 * Both ends parse: a message that does not match is refused, never half-handled.
 */
export const PROTOCOL = {
  /** content → background: decide whether a review is due for the order on the page. */
  evaluate: {
    request: z.object({ patient: PagePatient, order: Order }),
    response: z.object({ decision: Decision }),
  },
  /** content → background, from a click: open the side panel on this patient and order. */
  openPanel: {
    request: z.object({ patient: PagePatient, order: Order, decision: Decision }),
    response: z.object({ opened: z.boolean(), error: z.string().optional() }),
  },
  /** side panel → background: the review context for a tab. */
  getContext: {
    request: z.object({ tabId: z.number().int() }),
    response: z.object({ context: ReviewContext.nullable() }),
  },
  /** side panel → background: record the review (or that the PMP was unavailable). */
  attest: {
    request: z.object({
      tabId: z.number().int(),
      outcome: z.enum(['reviewed', 'pmp-unavailable']),
      pmpQueriedAt: z.string().optional(),
      pmpError: z.string().optional(),
      prescriberName: z.string().optional(),
    }),
    response: z.object({ seq: z.number().int(), createdAt: z.string(), decision: Decision }),
  },
  /** background → content: a review was recorded for the patient on this tab; re-check. */
  reviewChanged: {
    request: z.object({ patientKey: z.string() }),
    response: Ok,
  },
} as const;

export type Protocol = typeof PROTOCOL;
export type MessageType = keyof Protocol;
export type RequestOf<T extends MessageType> = z.infer<Protocol[T]['request']>;
export type ResponseOf<T extends MessageType> = z.infer<Protocol[T]['response']>;

export const Envelope = z.object({ type: z.enum(Object.keys(PROTOCOL) as [MessageType, ...MessageType[]]), data: z.unknown() });

/** The reply envelope: a value or an error message, so a failure never becomes `undefined`. */
export const Reply = z.union([z.object({ ok: z.literal(true), value: z.unknown() }), z.object({ ok: z.literal(false), error: z.string() })]);
export type Reply = z.infer<typeof Reply>;

/** The key a patient's reviews are filed under: the EHR origin plus the MRN (or name + DOB). */
export function patientKey(origin: string, p: PagePatient): string {
  const id = p.mrn ? `mrn:${p.mrn}` : `nd:${p.family.toLowerCase()}|${p.given.toLowerCase()}|${p.birthDate}`;
  return `${origin}|${id}`;
}

/** Initials only, for the attestation record. */
export function initials(p: PagePatient): string {
  return `${p.given.charAt(0)}${p.family.charAt(0)}`.toUpperCase();
}
