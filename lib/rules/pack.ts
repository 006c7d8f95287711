import { z } from 'zod';
import { DrugClass, Schedule } from '../drugs/schedule';
import { Setting } from '../orders/order';

/**
 * A state rule pack is data: which rules apply, with their parameters, citations and the period
 * each was in force. Rule behaviour lives in code (one file per rule type under ./rules),
 * parameters live here, so an admin can edit thresholds without touching code.
 *
 * One schema serves both kinds of pack: those generated from PDAPS's effective-dated coding
 * (2014–2019, `origin: 'pdaps'`) and those checked by hand against the statute (`'verified'`),
 * which overlay the generated baseline (see packs/overlay.ts).
 */

export const IsoDate = z.iso.date();

/** Where a rule, limit or answer comes from, and the period it was (or is) in force. */
export const RuleCitation = z.object({
  /** Short form shown beside a reason, e.g. "CGS 21a-254(j)(1)". */
  statute: z.string().min(1),
  /** The citation exactly as the source gives it, when `statute` is a shortened form. */
  fullText: z.string().optional(),
  url: z.string().optional(),
  effective: IsoDate,
  /** Last day in force; absent while in force as far as the source knows. */
  through: IsoDate.optional(),
  /** The source coder's note (PDAPS "caution"), verbatim: it often narrows the rule. */
  caution: z.string().optional(),
});
export type RuleCitation = z.infer<typeof RuleCitation>;

export const Origin = z.enum(['verified', 'pdaps', 'admin']);
export type Origin = z.infer<typeof Origin>;

/**
 * Which drugs a rule or limit covers. A drug matches when its schedule is listed and, when
 * given, its class is among `classes`, not among `excludeClasses`, and its ingredient is among
 * `ingredients`. A rule lists several scopes when the law joins cases with "or"
 * (KY: Schedule II, or Schedule III containing hydrocodone).
 */
export const DrugScope = z.object({
  schedules: z.array(Schedule).min(1),
  classes: z.array(DrugClass).min(1).optional(),
  excludeClasses: z.array(DrugClass).min(1).optional(),
  ingredients: z.array(z.string().min(1)).min(1).optional(),
});
export type DrugScope = z.infer<typeof DrugScope>;

/**
 * The structured exceptions a state may grant. Setting-based ones (hospice, inpatient,
 * emergency department within `maxDays`) are recognised from the order; the others apply when
 * the prescriber documents them.
 */
export const ExemptionKind = z.enum([
  'hospice',
  'cancer',
  'palliative',
  'post-surgical',
  'inpatient',
  'emergency-department',
  'pmp-unavailable',
  'sickle-cell',
  'delay-harms',
  'other',
]);
export type ExemptionKind = z.infer<typeof ExemptionKind>;

export const Exemption = z.object({
  kind: ExemptionKind,
  /** The state's own words, recorded with any attestation that relies on it. */
  wording: z.string().min(1),
  citation: z.string().optional(),
  /** Upper bound on the supply the exception covers (NY: ED ≤ 5 days). */
  maxDays: z.number().positive().optional(),
});
export type Exemption = z.infer<typeof Exemption>;

/** Which treatment course an every-prescription rule covers: PDAPS splits new and established patients. */
export const Course = z.enum(['any', 'new', 'continuing']);
export type Course = z.infer<typeof Course>;

const RuleBase = z.object({
  id: z.string().min(1),
  title: z.string().min(1),
  citation: RuleCitation,
  verified: z.boolean(),
  origin: Origin.default('verified'),
  enabled: z.boolean().default(true),
  drugs: z.array(DrugScope).min(1),
  /** Only orders written in these settings (e.g. a request in the emergency department). */
  settings: z.array(Setting).min(1).optional(),
  /** Only patients at least this old (FL: 16); an unknown age is treated as covered. */
  minAgeYears: z.number().min(0).optional(),
  exemptions: z.array(Exemption).default([]),
  /** The source's own words for the trigger, shown beside the plain-language title. */
  wording: z.string().optional(),
});

/** Before prescribing more than an N-hour supply (CT: 72 hours). */
export const SupplyOverRule = RuleBase.extend({
  type: z.literal('supply-over'),
  hours: z.number().positive(),
  /** A review this recent satisfies the rule for a new order ("before prescribing"). */
  reviewValidHours: z.number().positive(),
});

/** During continuous or prolonged therapy, at least every N days. */
export const PeriodicReviewRule = RuleBase.extend({
  type: z.literal('periodic-review'),
  intervalDays: z.number().int().positive(),
});

/** Before every prescription (optionally only for new or only for continuing patients). */
export const EveryPrescriptionRule = RuleBase.extend({
  type: z.literal('every-prescription'),
  course: Course.default('any'),
  reviewValidHours: z.number().positive(),
});

/** Before the first prescription of a course of treatment. */
export const InitialPrescriptionRule = RuleBase.extend({
  type: z.literal('initial-prescription'),
  reviewValidHours: z.number().positive(),
});

/** Before authorizing refills. */
export const RefillAuthorizationRule = RuleBase.extend({
  type: z.literal('refill-authorization'),
  reviewValidHours: z.number().positive(),
});

export const RuleConfig = z.discriminatedUnion('type', [
  SupplyOverRule,
  PeriodicReviewRule,
  EveryPrescriptionRule,
  InitialPrescriptionRule,
  RefillAuthorizationRule,
]);
export type RuleConfig = z.infer<typeof RuleConfig>;
export type SupplyOverRule = z.infer<typeof SupplyOverRule>;
export type PeriodicReviewRule = z.infer<typeof PeriodicReviewRule>;
export type EveryPrescriptionRule = z.infer<typeof EveryPrescriptionRule>;
export type InitialPrescriptionRule = z.infer<typeof InitialPrescriptionRule>;
export type RefillAuthorizationRule = z.infer<typeof RefillAuthorizationRule>;

/** Whether someone other than the prescriber may check the PMP, and who (the source's words). */
export const DelegatePolicy = z.object({
  allowed: z.boolean(),
  kinds: z.array(z.string()),
  citation: RuleCitation,
  verified: z.boolean(),
});
export type DelegatePolicy = z.infer<typeof DelegatePolicy>;

/**
 * An answer the engine cannot express. It stays in the pack with its wording and citation, is
 * shown on the options page and counted by the import: never dropped silently.
 */
export const NotModelled = z.object({
  /** The source's variable, e.g. "PDMP_opfreqrest". */
  question: z.string().min(1),
  /** The source's answer, verbatim. */
  answer: z.string().min(1),
  /** Why the engine cannot act on it. */
  reason: z.string().min(1),
  /** Whether it bears on what a prescriber must do (dispenser duties do not). */
  prescriber: z.boolean(),
  /** The PMP review mandate, or the opioid supply limits (which concern opioids only). */
  area: z.enum(['review', 'limit']).default('review'),
  citation: RuleCitation,
});
export type NotModelled = z.infer<typeof NotModelled>;

/** The cases an opioid supply limit covers; a limit lists the ones its law joins with "or". */
export const LimitCase = z.enum(['any', 'initial', 'acute-pain', 'initial-acute-pain']);
export type LimitCase = z.infer<typeof LimitCase>;

export const LimitExceptionKind = z.enum([
  'palliative',
  'cancer',
  'substance-use-disorder',
  'chronic-pain',
  'trauma',
  'professional-judgment',
  'emergency-department',
  'post-surgical',
  'inpatient',
  'hospice',
  'nursing-facility',
  'sickle-cell',
  'acute-condition',
  'other',
]);
export type LimitExceptionKind = z.infer<typeof LimitExceptionKind>;

/** An opioid day-supply limit: an advisory beside the PMP decision, never a block. */
export const SupplyLimit = z.object({
  id: z.string().min(1),
  title: z.string().min(1),
  population: z.enum(['everyone', 'adults', 'minors']),
  cases: z.array(LimitCase).min(1),
  outpatientOnly: z.boolean().default(false),
  settings: z.array(Setting).min(1).optional(),
  /** Schedules the law names; absent when it does not say (any opioid). */
  schedules: z.array(Schedule).min(1).optional(),
  maxDays: z.number().positive(),
  /** Other day limits the source codes for cases it does not tell apart (the shortest is used). */
  otherLimitsDays: z.array(z.number().positive()).default([]),
  exceptions: z.array(z.object({ kind: LimitExceptionKind, wording: z.string().min(1) })).default([]),
  citation: RuleCitation,
  verified: z.boolean(),
  origin: Origin.default('verified'),
});
export type SupplyLimit = z.infer<typeof SupplyLimit>;

/** A state that schedules an ingredient the federal list does not (KY: gabapentin, Schedule V). */
export const StateAddition = z.object({
  ingredient: z.string().min(1),
  schedule: Schedule,
  drugClass: z.optional(DrugClass),
  source: z.string().min(1),
  verified: z.boolean(),
  /** From when the state schedules it; absent when the date is not known (then always). */
  effective: IsoDate.optional(),
});
export type StateAddition = z.infer<typeof StateAddition>;

/** Where a hand-verified pack and PDAPS disagree, and which source wins. */
export const PackDifference = z.object({
  topic: z.string().min(1),
  pdaps: z.string().min(1),
  verified: z.string().min(1),
  winner: z.enum(['verified', 'pdaps']),
  source: z.string().min(1),
});
export type PackDifference = z.infer<typeof PackDifference>;

export const PackProvenance = z.object({
  kind: Origin,
  /** One plain sentence the options page shows as a banner and the prompt repeats. */
  statement: z.string().min(1),
  /** For generated packs: the last day the source coded. */
  codedThrough: IsoDate.optional(),
  /** For hand-verified packs: from this date the pack replaces the generated baseline. */
  replacesBaselineFrom: IsoDate.optional(),
  /**
   * Baseline rules (by id prefix) kept after that date, where PDAPS codes something the hand
   * check did not cover and PDAPS therefore wins (each one is named in `differences`).
   */
  keepsBaselineRules: z.array(z.string().min(1)).default([]),
});
export type PackProvenance = z.infer<typeof PackProvenance>;

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const StatePack = z.object({
  /** Two-letter code: the 50 states and DC. */
  state: z.string().regex(/^[A-Z]{2}$/),
  name: z.string().min(1),
  version: z.string().min(1),
  verified: z.boolean(),
  sources: z.array(z.string()),
  /** The state's legal day starts at midnight here ("on date D" is D in this zone). */
  timeZone: z.string().refine(validTimeZone, 'Not a time zone the browser knows (e.g. America/New_York)'),
  provenance: PackProvenance,
  /** The first date the pack codes; asking about an earlier date is undetermined, not "no law". */
  coverageFrom: IsoDate,
  /** One-line plain summary of the mandate as of the newest coded law. */
  summary: z.string().min(1),
  /** After a "PMP unavailable" attestation, a follow-up review is due within this many hours. */
  pmpDownFollowUpHours: z.number().positive(),
  /** Administering a drug (e.g. inpatient) is not prescribing. */
  administrationExempt: z.boolean(),
  rules: z.array(RuleConfig),
  delegates: z.array(DelegatePolicy).default([]),
  limits: z.array(SupplyLimit).default([]),
  notModelled: z.array(NotModelled).default([]),
  stateAdditions: z.array(StateAddition).default([]),
  differences: z.array(PackDifference).default([]),
});
export type StatePack = z.infer<typeof StatePack>;
/** A pack as written in JSON (defaults not yet applied). */
export type StatePackInput = z.input<typeof StatePack>;

/** Is a dated item in force on this date (YYYY-MM-DD)? */
export function inForce(citation: Pick<RuleCitation, 'effective' | 'through'>, date: string): boolean {
  return citation.effective <= date && (citation.through === undefined || date <= citation.through);
}
