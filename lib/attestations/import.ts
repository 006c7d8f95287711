import { verifyChain } from './chain';
import type { ImportedChain, ImportedRow, PmpDatabase } from './db';
import { parseLogExport, type ChainExport } from './export-json';
import type { AttestationRepository } from './repository';
import { Attestation, type ChainHead } from './schema';

export interface ChainImportResult {
  chainId: string;
  label: string;
  /** merged: new records added; up-to-date: nothing new; own-log: this machine's own chain; refused: nothing taken. */
  status: 'merged' | 'up-to-date' | 'own-log' | 'refused';
  added: number;
  duplicates: number;
  reason?: string;
  firstBadRecord?: number | null;
}

export interface ImportReport {
  /** false when the file itself was refused (not a log, damaged, too large). */
  ok: boolean;
  added: number;
  duplicates: number;
  refusedChains: number;
  chains: ChainImportResult[];
  error?: string;
}

export const MAX_IMPORT_BYTES = 250 * 1024 * 1024;

const refused = (c: Pick<ChainExport, 'chainId' | 'label'>, reason: string, firstBadRecord?: number | null): ChainImportResult => ({
  chainId: c.chainId,
  label: c.label,
  status: 'refused',
  added: 0,
  duplicates: 0,
  reason,
  ...(firstBadRecord !== undefined ? { firstBadRecord } : {}),
});

function fileError(error: string): ImportReport {
  return { ok: false, added: 0, duplicates: 0, refusedChains: 0, chains: [], error };
}

/**
 * Merges a log exported on another machine of the practice (a delegate's, say) into this one.
 * Each chain in the file is verified first and refused whole when broken; records already held
 * are skipped as duplicates; a record that differs from the copy held here, or that repeats a
 * record id from another chain, refuses its chain. Nothing is half-imported: a chain's new
 * records and its new head are written in one transaction.
 */
export async function importLog(db: PmpDatabase, repo: AttestationRepository, text: string, opts: { now: Date; maxBytes?: number }): Promise<ImportReport> {
  const max = opts.maxBytes ?? MAX_IMPORT_BYTES;
  if (text.length > max) return fileError(`The file is too large (${(text.length / 1048576).toFixed(1)} MB; at most ${(max / 1048576).toFixed(0)} MB)`);
  const parsed = parseLogExport(text);
  if (!parsed.ok) return fileError(parsed.message);
  const own = await repo.chainState();
  const results: ChainImportResult[] = [];
  const seen = new Set<string>();
  for (const c of parsed.log.chains) {
    if (seen.has(c.chainId)) {
      results.push(refused(c, 'this log appears twice in the file'));
      continue;
    }
    seen.add(c.chainId);
    results.push(await importChain(db, repo, c, own.chainId, opts.now));
  }
  return {
    ok: true,
    added: results.reduce((n, r) => n + r.added, 0),
    duplicates: results.reduce((n, r) => n + r.duplicates, 0),
    refusedChains: results.filter((r) => r.status === 'refused').length,
    chains: results,
  };
}

async function importChain(db: PmpDatabase, repo: AttestationRepository, c: ChainExport, ownChainId: string, now: Date): Promise<ChainImportResult> {
  const check = await verifyChain(c.records, { checkpoint: c.checkpoint, head: c.head });
  if (!check.ok) return refused(c, `hash chain broken at record ${String(check.firstBadRecord)}: ${check.problem ?? 'unknown problem'}`, check.firstBadRecord);
  // Verified, so every record parses; the raw objects are what is stored (their hash covers every field).
  const raws = c.records as Attestation[];
  const records = raws.map((r) => Attestation.parse(r));

  if (c.chainId === ownChainId) {
    const mine = new Map((await repo.all()).map((r) => [r.seq, r.hash]));
    const differs = records.find((r) => mine.has(r.seq) && mine.get(r.seq) !== r.hash);
    if (differs) return refused(c, `record ${String(differs.seq)} differs from this machine's own log: one of the two was altered`, differs.seq);
    return { chainId: c.chainId, label: c.label, status: 'own-log', added: 0, duplicates: records.length, reason: "this is this machine's own log" };
  }

  const stored = await db.chains.get(c.chainId);
  const held = new Map(
    (await db.imported.where('[chainId+seq]').between([c.chainId, 0], [c.chainId, Infinity]).toArray()).map((r) => [r.seq, r.record.hash]),
  );
  const storedHead: ChainHead | null = stored?.head ?? null;
  const storedUpTo = Math.max(storedHead?.seq ?? 0, stored?.checkpoint?.throughSeq ?? 0);
  let duplicates = 0;
  const fresh: { raw: Attestation; rec: Attestation }[] = [];
  for (let i = 0; i < records.length; i++) {
    const rec = records[i];
    const raw = raws[i];
    if (!rec || !raw) continue;
    const mine = held.get(rec.seq);
    if (mine !== undefined && mine !== rec.hash) {
      return refused(c, `record ${String(rec.seq)} differs from the copy imported on ${stored?.importedAt.slice(0, 10) ?? 'an earlier day'}: one of the two logs was altered`, rec.seq);
    }
    if (stored && rec.seq <= storedUpTo) duplicates++;
    else fresh.push({ raw, rec });
  }
  const first = fresh[0];
  if (stored && first) {
    const expectedPrev = storedHead?.hash ?? stored.checkpoint?.hash;
    if (first.rec.seq !== storedUpTo + 1) {
      return refused(c, `records ${String(storedUpTo + 1)}–${String(first.rec.seq - 1)} of this log were purged on its machine before they were imported here: import an older export of it first`, storedUpTo + 1);
    }
    if (first.rec.prevHash !== expectedPrev) return refused(c, `record ${String(first.rec.seq)} does not continue the copy imported earlier: one of the two logs was altered`, first.rec.seq);
  }
  if (fresh.length > 0) {
    const ids = fresh.map((f) => f.rec.id);
    const clashOwn = await repo.findAnyOwnId(ids);
    const clashImported = await db.imported.where('id').anyOf(ids).first();
    const clash = clashOwn ?? clashImported?.record.id;
    if (clash) {
      const seq = fresh.find((f) => f.rec.id === clash)?.rec.seq ?? null;
      return refused(c, `record ${String(seq)} repeats a record already in the log under another chain (copied or forged)`, seq);
    }
  }
  const last = fresh.at(-1)?.rec;
  const chain: ImportedChain = {
    chainId: c.chainId,
    label: c.label,
    head: last ? { seq: last.seq, hash: last.hash } : storedHead ?? c.head,
    checkpoint: stored ? stored.checkpoint : c.checkpoint,
    importedAt: now.toISOString(),
  };
  const rows: ImportedRow[] = fresh.map(({ raw, rec }) => ({ chainId: c.chainId, seq: rec.seq, id: rec.id, record: raw }));
  await db.transaction('rw', db.chains, db.imported, async () => {
    const again = await db.chains.get(c.chainId);
    if ((again?.head?.seq ?? null) !== (stored?.head?.seq ?? null)) throw new Error('Another import of this log ran at the same time; import the file again');
    if (rows.length) await db.imported.bulkAdd(rows);
    await db.chains.put(chain);
  });
  return { chainId: c.chainId, label: c.label, status: fresh.length > 0 ? 'merged' : 'up-to-date', added: fresh.length, duplicates };
}
