import { z } from 'zod/mini';
import { Order } from '../orders/order';
import { Decision } from '../rules/decision';

/**
 * The messages the content script sends or answers, and the envelopes every message travels in.
 *
 * Written with `zod/mini`: the content script loads on every EHR page and classic zod would be
 * most of its size (lib/messaging/content-bundle.test.ts keeps classic zod out of it). These
 * are the same schema objects the full PROTOCOL (protocol.ts) uses, so both ends still parse
 * the same shapes; classic schemas take mini ones as fields.
 */

/** The patient as the EHR page shows them. Lives in memory only. */
export const PagePatient = z.object({
  name: z.string().check(z.minLength(1)),
  given: z.string().check(z.minLength(1)),
  family: z.string().check(z.minLength(1)),
  birthDate: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
  mrn: z.optional(z.string()),
  gender: z.optional(z.enum(['male', 'female', 'other', 'unknown'])),
  postalCode: z.optional(z.string()),
});
export type PagePatient = z.infer<typeof PagePatient>;

export const Ok = z.object({ ok: z.literal(true) });

/** The reply envelope: a value or an error message, so a failure never becomes `undefined`. */
export const Reply = z.union([z.object({ ok: z.literal(true), value: z.unknown() }), z.object({ ok: z.literal(false), error: z.string() })]);
export type Reply = z.infer<typeof Reply>;

const Viewer = z.object({ role: z.enum(['prescriber', 'delegate']), name: z.string() });

/** The content script's messages; PROTOCOL (protocol.ts) has each of them under the same name. */
export const CONTENT_PROTOCOL = {
  /** content → background: decide whether a review is due for the order on the page. */
  evaluate: {
    request: z.object({ patient: PagePatient, order: Order }),
    /** `viewer`: who uses PMP Check here (options), so the prompt offers acknowledging only to a prescriber. */
    response: z.object({ decision: Decision, viewer: z.optional(Viewer) }),
  },
  /** content → background, from a click: open the side panel on this patient and order. */
  openPanel: {
    request: z.object({ patient: PagePatient, order: Order, decision: Decision, ehrUser: z.optional(z.string()) }),
    response: z.object({ opened: z.boolean(), error: z.optional(z.string()) }),
  },
  /**
   * prompt (content) or side panel → background: the prescriber acknowledges a delegate's review
   * of this patient (the one named, or the newest not yet acknowledged). Recorded; idempotent.
   */
  acknowledge: {
    request: z.union([
      z.object({ tabId: z.int(), reviewId: z.optional(z.string()) }),
      z.object({ patient: PagePatient, order: Order, reviewId: z.optional(z.string()) }),
    ]),
    response: z.object({ seq: z.int(), createdAt: z.string(), decision: Decision, alreadyAcknowledged: z.boolean() }),
  },
  /** background → content: a review was recorded for the patient on this tab; re-check. */
  reviewChanged: {
    request: z.object({ patientKey: z.string() }),
    response: Ok,
  },
  /** content → background: the prescriber dismissed the prompt with a reason; record it. */
  dismissPrompt: {
    request: z.object({
      patient: PagePatient,
      order: Order,
      decision: Decision,
      outcome: z.enum(['declined', 'exempted']),
      reason: z.string().check(z.trim(), z.minLength(3), z.maxLength(300)),
      /** For 'exempted': the state pack's exemption the prescriber chose. */
      exemptionId: z.optional(z.string()),
    }),
    response: z.object({ seq: z.int(), createdAt: z.string() }),
  },
  /** options page or prompt → background: start the field mapper in a tab (the sender's, or one on `origin`). */
  startMapper: {
    request: z.object({ tabId: z.optional(z.int()), origin: z.optional(z.string()) }),
    response: z.object({ started: z.boolean(), error: z.optional(z.string()) }),
  },
} as const;

export type ContentProtocol = typeof CONTENT_PROTOCOL;
export type ContentMessageType = keyof ContentProtocol;
