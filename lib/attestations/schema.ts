import { z } from 'zod';
import type { ReviewOutcome } from '../rules/decision';

export const Role = z.enum(['prescriber', 'delegate']);
export type Role = z.infer<typeof Role>;

/**
 * What an attestation records. The engine's ReviewOutcome plus 'acknowledged' (a prescriber
 * acknowledging a delegate's review): an acknowledgement is not a review, so the engine never
 * sees it (see toReviewEvents in the background) and it cannot count twice.
 */
export const AttestationOutcome = z.enum(['reviewed', 'pmp-unavailable', 'exempted', 'declined', 'acknowledged']);
export type AttestationOutcome = z.infer<typeof AttestationOutcome>;
/** Every engine outcome must stay recordable: this type stops compiling if one is added there only. */
export type EveryReviewOutcomeIsRecordable = ReviewOutcome extends AttestationOutcome ? true : never;
export const EVERY_REVIEW_OUTCOME_IS_RECORDABLE: EveryReviewOutcomeIsRecordable = true;

export const Reviewer = z.object({
  userId: z.string().min(1),
  name: z.string().min(1),
  role: Role,
  npi: z.string().optional(),
  dea: z.string().optional(),
});
export type Reviewer = z.infer<typeof Reviewer>;

export const PrescriberRef = z.object({ name: z.string().min(1), npi: z.string().optional(), dea: z.string().optional() });
export type PrescriberRef = z.infer<typeof PrescriberRef>;

/**
 * The patient, kept to the minimum needed to find the chart. `key` is what reviews are filed
 * under (EHR origin + MRN, or a hash of name and DOB when there is no MRN); which of MRN,
 * initials and DOB are kept is a practice setting.
 */
export const PatientRef = z.object({
  key: z.string().min(1),
  mrn: z.string().optional(),
  initials: z.string().optional(),
  birthDate: z.string().optional(),
});
export type PatientRef = z.infer<typeof PatientRef>;

export const OrderRef = z.object({
  drug: z.string(),
  ingredient: z.string().optional(),
  schedule: z.string().optional(),
  quantity: z.number().optional(),
  daysSupply: z.number().nullable().optional(),
});
export type OrderRef = z.infer<typeof OrderRef>;

/** A state exemption, in the state pack's own wording. */
export const Exemption = z.object({ id: z.string().min(1), text: z.string().min(1), citation: z.string().optional() });
export type Exemption = z.infer<typeof Exemption>;

/** The delegate review an acknowledgement points at: enough to find it in any practice log. */
export const AcknowledgedReview = z.object({
  id: z.string().min(1),
  chainId: z.string().optional(),
  seq: z.number().int().positive(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  reviewerName: z.string(),
  reviewedAt: z.string(),
});
export type AcknowledgedReview = z.infer<typeof AcknowledgedReview>;

/**
 * What is kept about one PMP review. Metadata only: never the PMP report's contents.
 * Fields added after version 1 are optional, so records written earlier still parse and
 * still hash to the same value.
 */
const DraftFields = z.object({
  reviewer: Reviewer,
  /** The prescriber the review is for: the reviewer themself, or the delegate's supervising prescriber. */
  prescriber: PrescriberRef,
  patient: PatientRef,
  order: OrderRef,
  ruleIds: z.array(z.string()),
  state: z.string(),
  packVersion: z.string(),
  outcome: AttestationOutcome,
  /** Why: the prescriber's reason for declining, or free text beside another outcome. */
  reason: z.string().optional(),
  exemption: Exemption.optional(),
  acknowledges: AcknowledgedReview.optional(),
  followUpDueAt: z.string().optional(),
  pmpSource: z.string(),
  pmpQueriedAt: z.string().optional(),
  pmpError: z.string().optional(),
  ehrOrigin: z.string(),
});

/** The rules an outcome carries with it, checked on every new record (not on old ones, whose hash is fixed). */
function outcomeRules(d: z.infer<typeof DraftFields>, ctx: z.RefinementCtx): void {
  const issue = (path: string, message: string) => {
    ctx.addIssue({ code: 'custom', path: [path], message });
  };
  if (d.outcome === 'exempted' && !d.exemption) issue('exemption', 'An exemption names the state exemption that applies');
  if (d.outcome !== 'exempted' && d.exemption) issue('exemption', 'Only an exemption names a state exemption');
  if (d.outcome === 'declined' && (d.reason?.trim().length ?? 0) < 3) issue('reason', 'Say why the review was declined');
  if (d.outcome === 'pmp-unavailable' && !d.followUpDueAt) issue('followUpDueAt', '"PMP unavailable" needs the follow-up review due time');
  if (d.outcome === 'acknowledged') {
    if (!d.acknowledges) issue('acknowledges', 'An acknowledgement names the delegate review it acknowledges');
    if (d.reviewer.role !== 'prescriber') issue('reviewer', 'Only a prescriber acknowledges a delegate review');
  }
  if (d.outcome !== 'acknowledged' && d.acknowledges) issue('acknowledges', 'Only an acknowledgement points at another review');
}

export const AttestationDraft = DraftFields.superRefine(outcomeRules);
export type AttestationDraft = z.infer<typeof AttestationDraft>;

export const HEX64 = z.string().regex(/^[0-9a-f]{64}$/);

export const Attestation = DraftFields.extend({
  /** Position in the chain, 1-based; also the Dexie primary key. */
  seq: z.number().int().positive(),
  id: z.uuid(),
  /** When the review was attested (not when the write finally landed, if it was retried). */
  createdAt: z.iso.datetime({ offset: true }),
  prevHash: HEX64,
  hash: HEX64,
});
export type Attestation = z.infer<typeof Attestation>;

export const GENESIS_HASH = '0'.repeat(64);

/** The last record of a chain: written with every append so a truncated tail shows. */
export const ChainHead = z.object({ seq: z.number().int().min(0), hash: HEX64 });
export type ChainHead = z.infer<typeof ChainHead>;

/**
 * What stays of a purged prefix (retention): the last purged record's seq and hash, so the
 * first kept record still links, and a digest over every purged hash, so an older export can
 * be checked against what was purged.
 */
export const Checkpoint = z.object({
  throughSeq: z.number().int().positive(),
  hash: HEX64,
  prefixDigest: HEX64,
  purgedCount: z.number().int().min(0),
  purgedAt: z.iso.datetime({ offset: true }),
  cutoff: z.iso.datetime({ offset: true }),
});
export type Checkpoint = z.infer<typeof Checkpoint>;
