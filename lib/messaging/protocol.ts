import { z } from 'zod';
import { Order } from '../orders/order';
import { ReviewToDo } from '../attestations/todo';
import { Decision } from '../rules/decision';
import { FieldLocator, FieldMapping } from '../ehr/mapping';

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
  /** The EHR's signed-in user when the page shows one: a delegate's prescriber picker preselects them. */
  ehrUser: z.string().optional(),
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
    request: z.object({ patient: PagePatient, order: Order, decision: Decision, ehrUser: z.string().optional() }),
    response: z.object({ opened: z.boolean(), error: z.string().optional() }),
  },
  /** side panel → background: the review context for a tab. */
  getContext: {
    request: z.object({ tabId: z.number().int() }),
    response: z.object({ context: ReviewContext.nullable() }),
  },
  /**
   * side panel → background: record the review, or that the PMP was unavailable, or a state
   * exemption (by its id in the state pack), or that the prescriber declined (with a reason).
   */
  attest: {
    request: z.object({
      tabId: z.number().int(),
      outcome: z.enum(['reviewed', 'pmp-unavailable', 'exempted', 'declined']),
      pmpQueriedAt: z.string().optional(),
      pmpError: z.string().optional(),
      /** A delegate's supervising prescriber (one of those set in options). */
      prescriberName: z.string().optional(),
      exemptionId: z.string().optional(),
      reason: z.string().max(500).optional(),
    }),
    response: z.object({ seq: z.number().int(), createdAt: z.string(), decision: Decision }),
  },
  /**
   * prompt (content) or side panel → background: the prescriber acknowledges a delegate's review
   * of this patient (the one named, or the newest not yet acknowledged). Recorded; idempotent.
   */
  acknowledge: {
    request: z.union([
      z.object({ tabId: z.number().int(), reviewId: z.string().optional() }),
      z.object({ patient: PagePatient, order: Order, reviewId: z.string().optional() }),
    ]),
    response: z.object({ seq: z.number().int(), createdAt: z.string(), decision: Decision, alreadyAcknowledged: z.boolean() }),
  },
  /** options → background: patients whose review is due or coming due within the horizon. */
  reviewsToDo: {
    request: z.object({ horizonDays: z.number().int().min(1).max(400) }),
    response: z.object({ items: z.array(ReviewToDo), generatedAt: z.string() }),
  },
  /** background → content: a review was recorded for the patient on this tab; re-check. */
  reviewChanged: {
    request: z.object({ patientKey: z.string() }),
    response: Ok,
  },

  // ---- noticing orders in EHRs (lib/ehr): dismissals, the field mapper ----
  /** content → background: the prescriber dismissed the prompt with a reason; record it. */
  dismissPrompt: {
    request: z.object({
      patient: PagePatient,
      order: Order,
      decision: Decision,
      outcome: z.enum(['declined', 'exempted']),
      reason: z.string().trim().min(3).max(300),
      /** For 'exempted': the state pack's exemption the prescriber chose. */
      exemptionId: z.string().optional(),
    }),
    response: z.object({ seq: z.number().int(), createdAt: z.string() }),
  },
  /** options page or prompt → background: start the field mapper in a tab (the sender's, or one on `origin`). */
  startMapper: {
    request: z.object({ tabId: z.number().int().optional(), origin: z.string().optional() }),
    response: z.object({ started: z.boolean(), error: z.string().optional() }),
  },
  /** mapper (any frame; injected by startMapper) → background: the admin clicked an element in this frame. */
  mapperPick: {
    request: z.object({ locator: FieldLocator, preview: z.string().max(120).optional() }),
    response: Ok,
  },
  /** background → top frame: a pick made in a child frame (and that frame's origin), for the mapper's panel. */
  mapperPicked: {
    request: z.object({ locator: FieldLocator, preview: z.string().max(120).optional(), origin: z.string() }),
    response: Ok,
  },
  /** top frame → background: the mapper closed; background → every frame: stop picking. */
  mapperStop: { request: z.object({}), response: Ok },
  mapperEnd: { request: z.object({}), response: Ok },
  /** top frame → background: save the mapping the admin made (for the sender's own origin). */
  saveMapping: { request: z.object({ mapping: FieldMapping }), response: z.object({ saved: z.literal(true) }) },
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
