import { prefixDigest, verifyChain } from './chain';
import type { PmpDatabase } from './db';
import type { AttestationRepository } from './repository';
import type { Attestation, Checkpoint } from './schema';

/** The moment before which records may be purged: `years` calendar years before now. */
export function retentionCutoff(now: Date, years: number): Date {
  const d = new Date(now.getTime());
  d.setFullYear(d.getFullYear() - years);
  return d;
}

/**
 * How many records at the start of a chain (oldest first, by seq) were created before the
 * cutoff. Only a prefix can be purged: the chain must stay one unbroken run after a checkpoint.
 */
export function purgeablePrefix(records: readonly Pick<Attestation, 'createdAt'>[], cutoff: Date): number {
  const c = cutoff.toISOString();
  let n = 0;
  while (n < records.length && (records[n]?.createdAt ?? c) < c) n++;
  return n;
}

export interface RetentionResult {
  own: number;
  imported: number;
}

/** What a purge at this cutoff would remove, per chain, without removing anything. */
export async function previewRetention(db: PmpDatabase, repo: AttestationRepository, cutoff: Date): Promise<RetentionResult> {
  const own = purgeablePrefix(await repo.all(), cutoff);
  let imported = 0;
  for (const c of await db.chains.toArray()) imported += purgeablePrefix(await importedRecords(db, c.chainId), cutoff);
  return { own, imported };
}

async function importedRecords(db: PmpDatabase, chainId: string): Promise<Attestation[]> {
  return (await db.imported.where('[chainId+seq]').between([chainId, 0], [chainId, Infinity]).toArray()).map((r) => r.record);
}

/**
 * Applies the retention setting: purges the records older than the cutoff from this machine's
 * chain and from every imported chain, leaving a checkpoint on each so the rest still verifies.
 */
export async function applyRetention(db: PmpDatabase, repo: AttestationRepository, cutoff: Date, now: Date): Promise<RetentionResult> {
  const own = (await repo.purgeBefore(cutoff)).purged;
  let imported = 0;
  for (const chain of await db.chains.toArray()) {
    const records = await importedRecords(db, chain.chainId);
    const n = purgeablePrefix(records, cutoff);
    const purged = records.slice(0, n);
    const last = purged.at(-1);
    if (!last) continue;
    const check = await verifyChain(purged, { checkpoint: chain.checkpoint });
    if (!check.ok) throw new Error(`Not purged: the log imported from ${chain.label} is broken at record ${String(check.firstBadRecord)}`);
    const checkpoint: Checkpoint = {
      throughSeq: last.seq,
      hash: last.hash,
      prefixDigest: await prefixDigest(chain.checkpoint, purged),
      purgedCount: (chain.checkpoint?.purgedCount ?? 0) + n,
      purgedAt: now.toISOString(),
      cutoff: cutoff.toISOString(),
    };
    await db.transaction('rw', db.chains, db.imported, async () => {
      await db.imported.bulkDelete(purged.map((r): [string, number] => [chain.chainId, r.seq]));
      await db.chains.put({ ...chain, checkpoint });
    });
    imported += n;
  }
  return { own, imported };
}
