import { z } from 'zod';
import { ReviewOutcome } from '../rules/decision';

export const Role = z.enum(['prescriber', 'delegate']);
export type Role = z.infer<typeof Role>;

/**
 * What is kept about one PMP review. Metadata only: never the PMP report's contents.
 * The patient is kept to the minimum needed to find the chart (MRN, initials, DOB).
 */
export const AttestationDraft = z.object({
  reviewer: z.object({ userId: z.string().min(1), name: z.string().min(1), role: Role, npi: z.string().optional(), dea: z.string().optional() }),
  prescriber: z.object({ name: z.string().min(1), npi: z.string().optional(), dea: z.string().optional() }),
  patient: z.object({
    key: z.string().min(1),
    mrn: z.string().optional(),
    initials: z.string(),
    birthDate: z.string().optional(),
  }),
  order: z.object({
    drug: z.string(),
    ingredient: z.string().optional(),
    schedule: z.string().optional(),
    quantity: z.number().optional(),
    daysSupply: z.number().nullable().optional(),
  }),
  ruleIds: z.array(z.string()),
  state: z.string(),
  packVersion: z.string(),
  outcome: ReviewOutcome,
  reason: z.string().optional(),
  followUpDueAt: z.string().optional(),
  pmpSource: z.string(),
  pmpQueriedAt: z.string().optional(),
  pmpError: z.string().optional(),
  ehrOrigin: z.string(),
});
export type AttestationDraft = z.infer<typeof AttestationDraft>;

export const Attestation = AttestationDraft.extend({
  /** Position in the chain, 1-based; also the Dexie primary key. */
  seq: z.number().int().positive(),
  id: z.uuid(),
  createdAt: z.iso.datetime({ offset: true }),
  prevHash: z.string().regex(/^[0-9a-f]{64}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type Attestation = z.infer<typeof Attestation>;

export const GENESIS_HASH = '0'.repeat(64);
