import { z } from 'zod';
import { Order } from '../orders/order';
import { ReviewToDo } from '../attestations/todo';
import { Decision } from '../rules/decision';
import { FieldLocator, FieldMapping } from '../ehr/mapping';
import { CONTENT_PROTOCOL, Ok, PagePatient } from './content-protocol';
import { AuthProblem, PmpErrorKind } from '../pmp/errors';

// The content script's messages (and PagePatient, Reply) are zod/mini schemas in content-protocol.ts,
// so the content script can parse them without classic zod; PROTOCOL below includes them as they are.
export { PagePatient, Reply } from './content-protocol';

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

/** An access token for the PMP, or the typed failure that kept the background from getting one. */
export const AccessTokenReply = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), accessToken: z.string().min(1), expiresAt: z.number() }),
  z.object({ ok: z.literal(false), kind: PmpErrorKind, retryable: z.boolean(), auth: AuthProblem.optional(), detail: z.string().optional() }),
]);
export type AccessTokenReply = z.infer<typeof AccessTokenReply>;

/**
 * Every message in the extension, each with a request and a response schema.
 * Both ends parse: a message that does not match is refused, never half-handled.
 */
export const PROTOCOL = {
  /** content → background: decide whether a review is due for the order on the page. */
  evaluate: CONTENT_PROTOCOL.evaluate,
  /** content → background, from a click: open the side panel on this patient and order. */
  openPanel: CONTENT_PROTOCOL.openPanel,
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
  /** prompt (content) or side panel → background: acknowledge a delegate's review (content-protocol.ts). */
  acknowledge: CONTENT_PROTOCOL.acknowledge,
  /** options → background: patients whose review is due or coming due within the horizon. */
  reviewsToDo: {
    request: z.object({ horizonDays: z.number().int().min(1).max(400) }),
    response: z.object({ items: z.array(ReviewToDo), generatedAt: z.string() }),
  },
  /**
   * side panel → background: an access token for the configured SMART Backend Services PMP (the
   * background caches it in memory); `rejectedToken` is one the PMP just refused.
   */
  pmpAccessToken: {
    request: z.object({ rejectedToken: z.string().optional() }),
    response: AccessTokenReply,
  },
  /** background → content: a review was recorded for the patient on this tab; re-check. */
  reviewChanged: CONTENT_PROTOCOL.reviewChanged,

  // ---- noticing orders in EHRs (lib/ehr): dismissals, the field mapper ----
  /** content → background: the prescriber dismissed the prompt with a reason; record it. */
  dismissPrompt: CONTENT_PROTOCOL.dismissPrompt,
  /** options page or prompt → background: start the field mapper in a tab (the sender's, or one on `origin`). */
  startMapper: CONTENT_PROTOCOL.startMapper,
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


/** The key a patient's reviews are filed under: the EHR origin plus the MRN (or name + DOB). */
export function patientKey(origin: string, p: PagePatient): string {
  const id = p.mrn ? `mrn:${p.mrn}` : `nd:${p.family.toLowerCase()}|${p.given.toLowerCase()}|${p.birthDate}`;
  return `${origin}|${id}`;
}

/** Initials only, for the attestation record. */
export function initials(p: PagePatient): string {
  return `${p.given.charAt(0)}${p.family.charAt(0)}`.toUpperCase();
}
