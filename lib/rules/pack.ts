import { z } from 'zod';
import { Schedule } from '../drugs/schedule';

/**
 * A state rule pack is data: which rules apply, with their parameters and citations.
 * Rule behaviour lives in code (one file per rule type under ./rules), parameters live here,
 * so an admin can edit thresholds without touching code.
 */
export const RuleCitation = z.object({
  statute: z.string(),
  url: z.string().optional(),
  effective: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
});

const RuleBase = z.object({
  id: z.string().min(1),
  title: z.string().min(1),
  citation: RuleCitation,
  verified: z.boolean(),
  enabled: z.boolean().default(true),
});

/** Fires when the order's days supply exceeds a threshold (CT: more than 72 hours). */
export const SupplyOverRule = RuleBase.extend({
  type: z.literal('supply-over'),
  schedules: z.array(Schedule).min(1),
  hours: z.number().positive(),
  /** A review this recent satisfies the rule for a new order ("before prescribing"). */
  reviewValidHours: z.number().positive(),
});

/** Fires during continuous or prolonged therapy when the last review is older than the interval. */
export const PeriodicReviewRule = RuleBase.extend({
  type: z.literal('periodic-review'),
  schedules: z.array(Schedule).min(1),
  intervalDays: z.number().int().positive(),
});

export const RuleConfig = z.discriminatedUnion('type', [SupplyOverRule, PeriodicReviewRule]);
export type RuleConfig = z.infer<typeof RuleConfig>;
export type SupplyOverRule = z.infer<typeof SupplyOverRule>;
export type PeriodicReviewRule = z.infer<typeof PeriodicReviewRule>;

export const StatePack = z.object({
  state: z.string().regex(/^[A-Z]{2}$/),
  name: z.string(),
  version: z.string(),
  verified: z.boolean(),
  sources: z.array(z.string()),
  /** After a "PMP unavailable" attestation, a follow-up review is due within this many hours. */
  pmpDownFollowUpHours: z.number().positive(),
  /** Administering a drug (e.g. inpatient) is not prescribing. */
  administrationExempt: z.boolean(),
  rules: z.array(RuleConfig).min(1),
});
export type StatePack = z.infer<typeof StatePack>;
