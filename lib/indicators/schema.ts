/**
 * What the indicators say about a PMP history. Plain JSON (the CLI prints it as is); every flag
 * carries its "why": the fills and the dates it rests on, so a clinician can check it.
 */
import { z } from 'zod';
import { MmeTable } from './settings';

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const FillCategory = z.enum(['opioid', 'buprenorphine', 'benzodiazepine', 'stimulant', 'other']);
export type FillCategory = z.infer<typeof FillCategory>;

/** One fill as the indicators see it: class, days covered and daily dose. */
export const FillInfo = z.object({
  fillId: z.string(),
  category: FillCategory,
  ingredient: z.string().optional(),
  longActing: z.boolean(),
  /** First and last day the fill covers: dispensed on, plus days supply − 1. */
  start: IsoDate,
  end: IsoDate,
  /** mg/day, or mcg/hr for transdermal patches; null when it cannot be worked out. */
  dailyDose: z.number().nullable(),
  doseUnit: z.enum(['mg/day', 'mcg/hr']).nullable(),
  /** Opioids other than buprenorphine only. */
  mmePerDay: z.number().nullable(),
  mmeFactor: z.number().nullable(),
  mmeBasis: z.string().optional(),
  /** Why an opioid fill has no MME (no factor for the drug, strength unreadable, ...). */
  mmeProblem: z.string().optional(),
});
export type FillInfo = z.infer<typeof FillInfo>;

/** A stretch of days with the same total: the MME/day (or buprenorphine) curve as steps. */
export const DoseSegment = z.object({
  from: IsoDate,
  to: IsoDate,
  value: z.number(),
  fillIds: z.array(z.string()),
});
export type DoseSegment = z.infer<typeof DoseSegment>;

export const Why = z.object({
  text: z.string(),
  fillIds: z.array(z.string()),
  from: IsoDate.optional(),
  to: IsoDate.optional(),
});
export type Why = z.infer<typeof Why>;

export const FlagKind = z.enum([
  'high-mme',
  'opioid-benzodiazepine-overlap',
  'overlapping-opioids',
  'multiple-provider-episode',
  'early-refill',
  'long-acting-start',
  'mme-incomplete',
]);
export type FlagKind = z.infer<typeof FlagKind>;

export const Severity = z.enum(['high', 'warning', 'info']);
export type Severity = z.infer<typeof Severity>;

export const Flag = z.object({
  kind: FlagKind,
  severity: Severity,
  title: z.string(),
  why: z.array(Why).min(1),
  /** Every fill the flag rests on. */
  fillIds: z.array(z.string()),
});
export type Flag = z.infer<typeof Flag>;

export const Indicators = z.object({
  asOf: IsoDate,
  mmeTable: MmeTable,
  fills: z.array(FillInfo),
  mme: z.object({
    segments: z.array(DoseSegment),
    /** Total on `asOf` (0 when no opioid covers that day). */
    current: z.number(),
    peak: z.object({ value: z.number(), from: IsoDate, to: IsoDate }).nullable(),
  }),
  /** Buprenorphine, apart from MME: mg/day of sublingual/buccal products. */
  buprenorphine: z.object({ segments: z.array(DoseSegment), current: z.number() }),
  opioidBenzodiazepineOverlapDays: z.number().int(),
  overlappingOpioidDays: z.number().int(),
  /** Most severe first. */
  flags: z.array(Flag),
});
export type Indicators = z.infer<typeof Indicators>;
