import { z } from 'zod';
import { Classification } from '../drugs/catalogue';
import { DaysSupplyResult } from '../orders/days-supply';

export const ReviewOutcome = z.enum(['reviewed', 'pmp-unavailable', 'exempted', 'declined']);
export type ReviewOutcome = z.infer<typeof ReviewOutcome>;

/** One past review of this patient, as the engine needs it (from attestations). */
export const ReviewEvent = z.object({
  at: z.iso.datetime({ offset: true }),
  outcome: ReviewOutcome,
  ruleIds: z.array(z.string()),
  reviewerName: z.string().optional(),
  reviewerRole: z.enum(['prescriber', 'delegate']).optional(),
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

export const Decision = z.object({
  status: DecisionStatus,
  /** Rules that apply to this order (whether or not a past review satisfies them). */
  ruleIds: z.array(z.string()),
  headline: z.string(),
  reasons: z.array(DecisionReason),
  notes: z.array(z.string()),
  /** What would satisfy the requirement: a review no older than this many hours at prescribing. */
  satisfyWithinHours: z.number().optional(),
  /** When the next review will be due for this patient (YYYY-MM-DD), when known. */
  nextDueOn: z.string().optional(),
  followUpDueAt: z.string().optional(),
  drug: Classification,
  supply: DaysSupplyResult,
  lastReview: ReviewEvent.optional(),
  state: z.string(),
  packVersion: z.string(),
});
export type Decision = z.infer<typeof Decision>;
