import { z } from 'zod';

/**
 * What the prescriber (or the EHR) tells the engine beyond the order itself. Everything is
 * optional: when a fact is missing the engine takes the reading that asks for a review and says
 * so in the decision's notes.
 */
export const OrderContext = z.object({
  /** The first prescription of a course of treatment (PDAPS: "initial prescription", "new patient"). */
  initialPrescription: z.boolean().optional(),
  /** Prescribed for acute pain (several opioid supply limits cover only acute pain). */
  acutePain: z.boolean().optional(),
  /** Exceptions the prescriber documents, by kind ('cancer', 'palliative', 'hospice', ...). */
  documentedExemptions: z.array(z.string().min(1)).max(20).optional(),
});
export type OrderContext = z.infer<typeof OrderContext>;

/**
 * How "continuous or prolonged treatment" is decided (a practice setting):
 * - 'order-flag': only when the order says so (the prescriber's answer or the EHR's long-term
 *   medication flag);
 * - 'order-flag-or-history': also when this patient has a PMP review on record from an earlier
 *   encounter within the last year (the attestation log stands in for the PMP's fill history).
 */
export const ContinuousTherapySource = z.enum(['order-flag', 'order-flag-or-history']);
export type ContinuousTherapySource = z.infer<typeof ContinuousTherapySource>;

export const EngineSettings = z.object({
  continuousTherapy: ContinuousTherapySource.default('order-flag'),
});
export type EngineSettings = z.infer<typeof EngineSettings>;

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = { continuousTherapy: 'order-flag' };
