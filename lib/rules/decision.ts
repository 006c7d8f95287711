import { z } from 'zod/mini'; // the content script loads this module: no classic zod (lib/messaging/content-bundle.test.ts)
import { Classification } from '../drugs/catalogue';
import { DaysSupplyResult } from '../orders/days-supply';

export const ReviewOutcome = z.enum(['reviewed', 'pmp-unavailable', 'exempted', 'declined']);
export type ReviewOutcome = z.infer<typeof ReviewOutcome>;

/** One past review of this patient, as the engine needs it (from attestations). */
export const ReviewEvent = z.object({
  at: z.iso.datetime({ offset: true }),
  outcome: ReviewOutcome,
  ruleIds: z.array(z.string()),
  reviewerName: z.optional(z.string()),
  reviewerRole: z.optional(z.enum(['prescriber', 'delegate'])),
  /** The attestation's id, so a prescriber can acknowledge exactly this (delegate's) review. */
  id: z.optional(z.string()),
  /** Set when a prescriber acknowledged this delegate review (the acknowledgement itself is not a review). */
  acknowledgedAt: z.optional(z.string()),
  acknowledgedBy: z.optional(z.string()),
});
export type ReviewEvent = z.infer<typeof ReviewEvent>;

export const DecisionStatus = z.enum(['due', 'reviewed', 'not-required', 'pmp-unavailable', 'undetermined']);
export type DecisionStatus = z.infer<typeof DecisionStatus>;

export const DecisionReason = z.object({
  ruleId: z.string(),
  text: z.string(),
  citation: z.string(),
  verified: z.boolean(),
});
export type DecisionReason = z.infer<typeof DecisionReason>;

/** An opioid supply-limit advisory: beside the PMP decision, never a block. */
export const Advisory = z.object({
  id: z.string(),
  kind: z.literal('opioid-supply-limit'),
  /** Plain sentence, e.g. "CT limits a first outpatient opioid prescription for an adult to 7 days; this order is for 10 days." */
  text: z.string(),
  limitDays: z.number(),
  daysSupply: z.number(),
  /** Facts the order does not tell, on which the limit depends ("it is a first prescription"). */
  assumptions: z.array(z.string()),
  /** Exceptions the prescriber can document, in the state's words. */
  exceptions: z.array(z.string()),
  citation: z.string(),
  verified: z.boolean(),
});
export type Advisory = z.infer<typeof Advisory>;

/** A rule this order is exempt from, with the state's own wording of the exception. */
export const AppliedExemption = z.object({
  ruleId: z.string(),
  kind: z.string(),
  wording: z.string(),
  citation: z.string(),
  /** 'setting': recognised from the order's setting; 'documented': the prescriber said so. */
  how: z.enum(['setting', 'documented']),
});
export type AppliedExemption = z.infer<typeof AppliedExemption>;

/** An exception the prescriber could document for a rule that applies to this order. */
export const AvailableExemption = z.object({
  kind: z.string(),
  wording: z.string(),
  citation: z.string(),
  ruleIds: z.array(z.string()),
});
export type AvailableExemption = z.infer<typeof AvailableExemption>;

export const Decision = z.object({
  status: DecisionStatus,
  /** Rules that apply to this order (whether or not a past review satisfies them). */
  ruleIds: z.array(z.string()),
  headline: z.string(),
  reasons: z.array(DecisionReason),
  notes: z.array(z.string()),
  /** What would satisfy the requirement: a review no older than this many hours at prescribing. */
  satisfyWithinHours: z.optional(z.number()),
  /** When the next review will be due for this patient (YYYY-MM-DD), when known. */
  nextDueOn: z.optional(z.string()),
  followUpDueAt: z.optional(z.string()),
  drug: Classification,
  supply: DaysSupplyResult,
  lastReview: z.optional(ReviewEvent),
  state: z.string(),
  packVersion: z.string(),
  /** The date whose law was applied (YYYY-MM-DD, in the state's time zone). */
  asOf: z.optional(z.string()),
  /** How far the pack can be trusted ("coded from the law in force to 2019-12-31 (PDAPS), not verified since"). */
  provenance: z.optional(z.string()),
  advisories: z.optional(z.array(Advisory)),
  exemptions: z.optional(z.array(AppliedExemption)),
  availableExemptions: z.optional(z.array(AvailableExemption)),
});
export type Decision = z.infer<typeof Decision>;
