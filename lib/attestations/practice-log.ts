import { verifyChain, type VerifyResult } from './chain';
import type { PmpDatabase } from './db';
import type { AttestationRepository, LogEntry } from './repository';

export interface ChainStatus {
  chainId: string;
  label: string;
  own: boolean;
  records: number;
  purged: number;
  verify: VerifyResult;
}

export interface PracticeLog {
  ownChainId: string;
  /** Every record of every chain, oldest first. */
  entries: LogEntry[];
  chains: ChainStatus[];
}

function byCreatedAt(a: LogEntry, b: LogEntry): number {
  return a.record.createdAt < b.record.createdAt ? -1 : a.record.createdAt > b.record.createdAt ? 1 : a.record.seq - b.record.seq;
}

/**
 * The practice's log as the options page shows it: this machine's chain and the imported ones,
 * each verified. Every chain is read once and verified from what was read.
 */
export async function loadPracticeLog(db: PmpDatabase, repo: AttestationRepository): Promise<PracticeLog> {
  // This machine's chain is read once and checked from what was read (the stored text of each record, see blocks.ts).
  const [state, mine, imported, rows] = await Promise.all([repo.chainState(), repo.readVerified(), db.chains.toArray(), db.imported.toArray()]);
  const own = mine.records;
  const chains: ChainStatus[] = [
    {
      chainId: state.chainId,
      label: 'This machine',
      own: true,
      records: own.length,
      purged: state.checkpoint?.purgedCount ?? 0,
      // This machine wrote and validated these records itself; their hashes catch any change.
      verify: mine.verify,
    },
  ];
  const byChain = new Map<string, LogEntry[]>();
  for (const r of rows) {
    const list = byChain.get(r.chainId) ?? [];
    list.push({ chainId: r.chainId, own: false, record: r.record });
    byChain.set(r.chainId, list);
  }
  for (const c of imported) {
    const records = (byChain.get(c.chainId) ?? []).map((e) => e.record).sort((a, b) => a.seq - b.seq);
    chains.push({
      chainId: c.chainId,
      label: c.label,
      own: false,
      records: records.length,
      purged: c.checkpoint?.purgedCount ?? 0,
      verify: await verifyChain(records, { checkpoint: c.checkpoint, head: c.head }),
    });
  }
  const entries = [...own.map((record) => ({ chainId: state.chainId, own: true, record })), ...[...byChain.values()].flat()].sort(byCreatedAt);
  return { ownChainId: state.chainId, entries, chains };
}
