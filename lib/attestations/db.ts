import Dexie, { type EntityTable, type Transaction } from 'dexie';
import { z } from 'zod';
import { BLOCK_SIZE, sealRuns, withTexts, type BlockRow } from './blocks';
import { AttestationDraft, ChainHead, Checkpoint, type Attestation } from './schema';

/** The meta rows, one per key; parsed on every read (storage is a trust boundary too). */
export const MetaRow = z.discriminatedUnion('key', [
  ChainHead.extend({ key: z.literal('head') }),
  z.object({ key: z.literal('chain'), chainId: z.string().min(1), createdAt: z.string() }),
  Checkpoint.extend({ key: z.literal('checkpoint') }),
]);
export type MetaRow = z.infer<typeof MetaRow>;

/** An attestation accepted but not yet in the chain: written first, so a stopped worker loses nothing. */
export const OutboxEntry = z.object({
  id: z.uuid(),
  createdAt: z.iso.datetime({ offset: true }),
  draft: AttestationDraft,
});
export type OutboxEntry = z.infer<typeof OutboxEntry>;

/**
 * One outbox row per batch of appends (those made together): one IndexedDB write for the
 * batch instead of one per attestation, which is most of the cost of a write.
 */
export interface OutboxBatch {
  qid?: number;
  entries: unknown[];
}

/** A log imported from another machine of the practice (a delegate's, say): its end points. */
export const ImportedChain = z.object({
  chainId: z.string().min(1),
  label: z.string(),
  head: ChainHead.nullable(),
  checkpoint: Checkpoint.nullable(),
  importedAt: z.string(),
});
export type ImportedChain = z.infer<typeof ImportedChain>;

/** One record of an imported chain, stored exactly as it came (its hash covers every field). */
export interface ImportedRow {
  chainId: string;
  seq: number;
  id: string;
  record: Attestation;
}

export const DB_VERSION = 3;

async function createChainId(tx: Transaction): Promise<void> {
  const meta = tx.table<MetaRow, string>('meta');
  if (!(await meta.get('chain'))) await meta.put({ key: 'chain', chainId: crypto.randomUUID(), createdAt: new Date().toISOString() });
}

/** Version 3's upgrade: every full run of BLOCK_SIZE records moves from one row each into a sealed block. */
async function sealStoredRecords(tx: Transaction): Promise<void> {
  const tail = tx.table<unknown, number>('attestations');
  const rows = await tail.toArray();
  const { blocks, sealed } = sealRuns(withTexts(rows), BLOCK_SIZE);
  if (sealed === 0) return;
  await tx.table<BlockRow, number>('blocks').bulkAdd(blocks);
  await tail.bulkDelete(rows.slice(0, sealed).map((r) => (r as { seq: number }).seq));
}

/**
 * The one IndexedDB database. Opened only in extension contexts (background, side panel,
 * options): from a content script it would belong to the EHR's origin.
 *
 * Versions (each upgrade has a test in db.test.ts):
 *  1. attestations + meta (the chain head).
 *  2. the createdAt and outcome indexes dropped (writes cost an index write each); the outbox
 *     (writes retried from a queue); imported chains from other machines; this machine's chain id.
 *  3. sealed blocks (blocks.ts): runs of 500 records in one row each, so a long log reads and
 *     writes as a few hundred rows; `attestations` keeps only the newest records (the tail).
 */
export class PmpDatabase extends Dexie {
  attestations!: EntityTable<Attestation, 'seq'>;
  meta!: Dexie.Table<MetaRow, string>;
  outbox!: EntityTable<OutboxBatch, 'qid'>;
  chains!: EntityTable<ImportedChain, 'chainId'>;
  imported!: Dexie.Table<ImportedRow, [string, number]>;
  blocks!: EntityTable<BlockRow, 'first'>;

  constructor(name = 'pmp-check') {
    super(name);
    this.version(1).stores({
      attestations: 'seq, &id, patient.key, createdAt, outcome',
      meta: 'key',
    });
    this.version(2)
      .stores({
        // Fewer indexes than version 1: every index is a write per record, and the practice's log
        // is filtered in memory. &id keeps ids unique; patient.key finds a patient's reviews.
        attestations: 'seq, &id, patient.key',
        outbox: '++qid',
        chains: 'chainId',
        imported: '[chainId+seq], &id, chainId, record.patient.key, record.createdAt',
      })
      .upgrade(createChainId);
    // The patient index of a block is multiEntry: one entry per distinct patient in it.
    this.version(3).stores({ blocks: 'first, *pks' }).upgrade(sealStoredRecords);
    this.on('populate', createChainId);
  }
}
