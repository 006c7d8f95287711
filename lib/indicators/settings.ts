/**
 * The settings behind every indicator. Thresholds differ between guidelines and states
 * (DOMAIN.md: 50/90 MME per CDC, some states 30/100/120; multiple-provider episode windows vary),
 * so each is a setting with the commonly used value as default.
 */
import { z } from 'zod';

/** Which published MME conversion table to use. */
export const MmeTable = z.enum(['cdc-2022', 'cdc-2016']);
export type MmeTable = z.infer<typeof MmeTable>;

export const IndicatorSettings = z
  .object({
    mmeTable: MmeTable.default('cdc-2022'),
    /** CDC 2022: reassess benefits and risks at or above this daily dose. */
    mmeCaution: z.number().int().min(1).max(1000).default(50),
    /** CDC 2016: avoid or carefully justify at or above this daily dose. */
    mmeHigh: z.number().int().min(1).max(1000).default(90),
    /** Multiple-provider episode: this many days … */
    mpeWindowDays: z.number().int().min(7).max(730).default(90),
    /** … with at least this many distinct prescribers … */
    mpeMinPrescribers: z.number().int().min(2).max(50).default(5),
    /** … and at least this many distinct pharmacies (Oklahoma's alert: 5 and 5 in 90 days). */
    mpeMinPharmacies: z.number().int().min(1).max(50).default(5),
    /** Overlaps shorter than this many days are not flagged (a refill picked up a day early). */
    minOverlapDays: z.number().int().min(1).max(90).default(1),
    /** A refill of the same drug dispensed before this share of the previous supply was used is early. */
    earlyRefillPercent: z.number().int().min(50).max(100).default(75),
    /** A long-acting opioid with no long-acting opioid in this many prior days is a start. */
    longActingLookbackDays: z.number().int().min(7).max(365).default(60),
  })
  .refine((s) => s.mmeCaution <= s.mmeHigh, { message: 'The caution dose must not be above the high dose', path: ['mmeCaution'] });
export type IndicatorSettings = z.infer<typeof IndicatorSettings>;

export const DEFAULT_INDICATOR_SETTINGS: IndicatorSettings = IndicatorSettings.parse({});
