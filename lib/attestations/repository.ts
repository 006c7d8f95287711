import { linkRecords, prefixDigest, verifyChain, type VerifyResult } from './chain';
import { MetaRow, OutboxEntry, type OutboxBatch, type PmpDatabase } from './db';
import { purgeablePrefix } from './retention';
import { AttestationDraft, Checkpoint, GENESIS_HASH, type Attestation, type ChainHead } from './schema';

/** An attestation was accepted but is not in the log yet; it stays queued and is retried. */
export class AttestationPendingError extends Error {
  override readonly name = 'AttestationPendingError';
  /** true when the queued draft is on disk (survives a restart), false when only in memory. */
  readonly durable: boolean;
  constructor(cause: unknown, durable: boolean) {
    super(
      `${describeStorageError(cause)}. The review is ${durable ? 'saved in the retry queue' : 'held in memory (keep this browser open)'} and will be written to the log automatically.`,
      { cause },
    );
    this.durable = durable;
  }
}

/** A short, PHI-free description of an IndexedDB failure. */
export function describeStorageError(e: unknown): string {
  const name = e instanceof Error || e instanceof DOMException ? e.name : '';
  const inner = typeof e === 'object' && e !== null && 'inner' in e ? e.inner : undefined;
  const innerName = inner instanceof Error || inner instanceof DOMException ? inner.name : '';
  const kind = [name, innerName].find((n) => n && n !== 'Error' && n !== 'BulkError') ?? name;
  if (/Quota/i.test(kind)) return 'Could not write the attestation log: the browser\'s storage is full';
  if (/Abort|TransactionInactive|DatabaseClosed|InvalidState/i.test(kind)) return 'Could not write the attestation log: the write was interrupted';
  return 'Could not write the attestation log';
}

/** The head moved between reading it and writing (another writer): retried at once, not a failure. */
class HeadMoved extends Error {}

export interface RepositoryOptions {
  /** Waits between attempts while a write keeps failing (then the caller is told; the draft stays queued). */
  retryDelaysMs?: readonly number[];
  /** How long to wait before trying a stuck queue again in the background. */
  retryLaterMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
}

interface Waiter {
  resolve(a: Attestation): void;
  reject(e: unknown): void;
}

export interface ChainState {
  chainId: string;
  head: ChainHead;
  checkpoint: Checkpoint | null;
}

export interface PurgeResult {
  purged: number;
  checkpoint: Checkpoint | null;
}

export interface LogEntry {
  /** Which machine's chain the record belongs to. */
  chainId: string;
  own: boolean;
  record: Attestation;
}

function byCreatedAt(a: LogEntry, b: LogEntry): number {
  return a.record.createdAt < b.record.createdAt ? -1 : a.record.createdAt > b.record.createdAt ? 1 : a.record.seq - b.record.seq;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The only writer of this machine's attestation chain.
 *
 * Every append is first written to the outbox (its own small transaction), then chained: the
 * hash is computed with WebCrypto, which cannot run inside an IndexedDB transaction, so one
 * transaction re-checks the head, adds the records and empties the outbox together. Appends
 * that arrive together are chained together (one transaction). A write that fails is retried;
 * if it keeps failing the caller is told and the draft stays queued (on disk, or in memory if
 * even the outbox could not be written) and is retried later and on the next start.
 */
export class AttestationRepository {
  private incoming: OutboxEntry[] = [];
  /** Drafts whose outbox write failed: kept here until they reach the chain. */
  private memory: OutboxEntry[] = [];
  private waiters = new Map<string, Waiter>();
  /** Ids of drafts this instance validated itself: read back from the outbox, they need no second parse. */
  private validated = new Set<string>();
  private running: Promise<void> | null = null;
  private laterTimer = false;
  private readonly retryDelaysMs: readonly number[];
  private readonly retryLaterMs: number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;

  constructor(
    private readonly db: PmpDatabase,
    private readonly clock: () => Date = () => new Date(),
    options: RepositoryOptions = {},
  ) {
    this.retryDelaysMs = options.retryDelaysMs ?? [50, 250, 1000];
    this.retryLaterMs = options.retryLaterMs ?? 30_000;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  }

  /** Validates, queues, chains and stores one attestation; resolves with the stored record. */
  append(draft: AttestationDraft): Promise<Attestation> {
    const parsed = AttestationDraft.safeParse(draft);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      return Promise.reject(new Error(`Not recorded: ${i ? `${i.path.join('.')}: ${i.message}` : 'invalid attestation'}`));
    }
    const entry: OutboxEntry = { id: crypto.randomUUID(), createdAt: this.clock().toISOString(), draft: parsed.data };
    this.validated.add(entry.id);
    return new Promise<Attestation>((resolve, reject) => {
      this.waiters.set(entry.id, { resolve, reject });
      this.incoming.push(entry);
      this.kick();
    });
  }

  /** Writes whatever is queued (after a restart, or when storage is back); resolves with how many were stored. */
  async flush(): Promise<number> {
    const before = await this.storedCount();
    this.kick();
    while (this.running) await this.running;
    return (await this.storedCount()) - before;
  }

  /** How many accepted attestations are still waiting to reach the log. */
  async pending(): Promise<number> {
    const onDisk = (await this.db.outbox.toArray().catch(() => [] as OutboxBatch[])).reduce((n, b) => n + (Array.isArray(b.entries) ? b.entries.length : 1), 0);
    return onDisk + this.memory.length + this.incoming.length;
  }

  private async storedCount(): Promise<number> {
    return (await this.readHead()).seq;
  }

  private kick(): void {
    if (this.running) return;
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.incoming.length > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    // Let every append made in this same turn join the batch.
    await Promise.resolve();
    const batch = this.incoming.splice(0);
    let durable = true;
    if (batch.length > 0) {
      try {
        await this.db.outbox.add({ entries: batch });
      } catch {
        // Even the queue could not be written (storage full?): hold them in memory and still try the chain.
        durable = false;
        this.memory.push(...batch);
      }
    }
    let lastError: unknown;
    const attempts = [0, ...this.retryDelaysMs];
    for (const [i, delay] of attempts.entries()) {
      if (i > 0) await sleep(delay);
      try {
        await this.writePending();
        return;
      } catch (e) {
        lastError = e;
      }
    }
    // Still failing: say so to whoever is waiting, keep everything queued, try again later.
    const notTriedYet = new Set(this.incoming.map((e) => e.id));
    for (const [id, w] of this.waiters) {
      if (notTriedYet.has(id)) continue;
      const inMemory = this.memory.some((m) => m.id === id);
      w.reject(new AttestationPendingError(lastError, durable && !inMemory));
      this.waiters.delete(id);
    }
    this.retryLater();
  }

  private retryLater(): void {
    if (this.laterTimer) return;
    this.laterTimer = true;
    this.setTimer(() => {
      this.laterTimer = false;
      this.kick();
    }, this.retryLaterMs);
  }

  private async readHead(): Promise<ChainHead> {
    const row = MetaRow.safeParse(await this.db.meta.get('head'));
    return row.success && row.data.key === 'head' ? { seq: row.data.seq, hash: row.data.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  /** Chains everything queued, in queue order, in one transaction. Throws when the write fails. */
  private async writePending(): Promise<void> {
    for (let moved = 0; moved < 20; moved++) {
      const batches = await this.db.outbox.toArray();
      const maxQid = batches.reduce<number | undefined>((m, b) => (b.qid !== undefined && (m === undefined || b.qid > m) ? b.qid : m), undefined);
      // An entry this version cannot read stays queued (and counted as pending) rather than block the rest.
      const disk: OutboxEntry[] = [];
      const unreadable: OutboxBatch[] = [];
      for (const b of batches) {
        if (!Array.isArray(b.entries)) {
          unreadable.push(b);
          continue;
        }
        const bad: unknown[] = [];
        for (const e of b.entries) {
          const id = typeof e === 'object' && e !== null && 'id' in e ? e.id : undefined;
          if (typeof id === 'string' && this.validated.has(id)) disk.push(e as OutboxEntry);
          else {
            const parsed = OutboxEntry.safeParse(e);
            if (parsed.success) disk.push(parsed.data);
            else bad.push(e);
          }
        }
        if (bad.length > 0) unreadable.push({ ...(b.qid !== undefined ? { qid: b.qid } : {}), entries: bad });
      }
      const diskIds = new Set(disk.map((e) => e.id));
      const queue = [...disk, ...this.memory.filter((m) => !diskIds.has(m.id))];
      if (queue.length === 0) {
        await this.settleWrittenElsewhere();
        return;
      }
      const head = await this.readHead();
      const records = await linkRecords(queue, head);
      const last = records[records.length - 1];
      if (!last) return;
      try {
        await this.db.transaction('rw', [this.db.attestations, this.db.meta, this.db.outbox], async () => {
          const now = await this.readHead();
          if (now.seq !== head.seq || now.hash !== head.hash) throw new HeadMoved();
          // Another writer (a second extension page) that chained any of these moved the head: caught above.
          await this.db.attestations.bulkAdd(records);
          await this.db.meta.put({ key: 'head', seq: last.seq, hash: last.hash });
          // Everything queued up to the newest entry read was chained here; later entries have higher keys.
          if (maxQid !== undefined) await this.db.outbox.where('qid').belowOrEqual(maxQid).delete();
          if (unreadable.length > 0) await this.db.outbox.bulkPut(unreadable);
        });
      } catch (e) {
        if (e instanceof HeadMoved || (e as { inner?: unknown } | null)?.inner instanceof HeadMoved) continue;
        throw e;
      }
      const stored = new Set(records.map((r) => r.id));
      this.memory = this.memory.filter((m) => !stored.has(m.id));
      for (const id of stored) this.validated.delete(id);
      for (const r of records) {
        this.waiters.get(r.id)?.resolve(r);
        this.waiters.delete(r.id);
      }
      await this.settleWrittenElsewhere();
      return;
    }
    throw new Error('the log kept changing underneath');
  }

  /** Waiters whose draft another writer chained: find their record. */
  private async settleWrittenElsewhere(): Promise<void> {
    if (this.waiters.size === 0) return;
    const onDisk = (await this.db.outbox.toArray()).flatMap((b) => (Array.isArray(b.entries) ? b.entries : [])).flatMap((e) => (typeof e === 'object' && e !== null && 'id' in e && typeof e.id === 'string' ? [e.id] : []));
    const queued = new Set([...onDisk, ...this.memory.map((m) => m.id), ...this.incoming.map((m) => m.id)]);
    for (const [id, w] of this.waiters) {
      if (queued.has(id)) continue;
      const rec = await this.db.attestations.get({ id });
      if (rec) {
        w.resolve(rec);
        this.waiters.delete(id);
      }
    }
  }

  /** This machine's chain id, head and retention checkpoint. */
  async chainState(): Promise<ChainState> {
    const rows = (await this.db.meta.toArray()).flatMap((r) => {
      const p = MetaRow.safeParse(r);
      return p.success ? [p.data] : [];
    });
    let chain = rows.find((r) => r.key === 'chain');
    if (!chain) {
      // A database created before version 2's populate step, or one whose meta was cleared.
      chain = { key: 'chain', chainId: crypto.randomUUID(), createdAt: this.clock().toISOString() };
      await this.db.meta.add(chain).catch(() => undefined);
      const again = MetaRow.safeParse(await this.db.meta.get('chain'));
      if (again.success && again.data.key === 'chain') chain = again.data;
    }
    const head = rows.find((r) => r.key === 'head');
    const cp = rows.find((r) => r.key === 'checkpoint');
    return {
      chainId: chain.chainId,
      head: head ? { seq: head.seq, hash: head.hash } : { seq: 0, hash: GENESIS_HASH },
      checkpoint: cp ? Checkpoint.parse(cp) : null,
    };
  }

  /** Every kept record of this machine's chain, oldest first (seq is the primary key). */
  async all(): Promise<Attestation[]> {
    return this.db.attestations.toArray();
  }

  /** This patient's records in this machine's chain, oldest first. */
  async forPatient(key: string | readonly string[]): Promise<Attestation[]> {
    return (await this.historyFor(key)).filter((e) => e.own).map((e) => e.record);
  }

  /** This patient's records from every chain the practice's log holds (imported ones too), oldest first. */
  async historyFor(key: string | readonly string[]): Promise<LogEntry[]> {
    const keys = typeof key === 'string' ? [key] : [...key];
    const [state, own, imported] = await Promise.all([
      this.chainState(),
      this.db.attestations.where('patient.key').anyOf(keys).toArray(),
      this.db.imported.where('record.patient.key').anyOf(keys).toArray(),
    ]);
    return [
      ...own.map((record) => ({ chainId: state.chainId, own: true, record })),
      ...imported.map((r) => ({ chainId: r.chainId, own: false, record: r.record })),
    ].sort(byCreatedAt);
  }

  /** Every record the practice's log holds: this machine's chain and every imported one, oldest first. */
  async everything(): Promise<LogEntry[]> {
    const [state, own, imported] = await Promise.all([this.chainState(), this.all(), this.db.imported.toArray()]);
    return [
      ...own.map((record) => ({ chainId: state.chainId, own: true, record })),
      ...imported.map((r) => ({ chainId: r.chainId, own: false, record: r.record })),
    ].sort(byCreatedAt);
  }

  /** Verifies this machine's chain from its checkpoint (if purged) to its recorded head. */
  async verify(): Promise<VerifyResult> {
    const [rows, state] = await Promise.all([this.all(), this.chainState()]);
    // Records were validated when written; their hashes catch any later change.
    return verifyChain(rows, { checkpoint: state.checkpoint, head: state.head }, { depth: 'links' });
  }

  /**
   * Retention: removes the oldest records created before `cutoff`. Only a prefix of the chain
   * can go, so the first kept record still links to the checkpoint left behind.
   */
  async purgeBefore(cutoff: Date): Promise<PurgeResult> {
    const state = await this.chainState();
    const cutoffIso = cutoff.toISOString();
    const rows = await this.all();
    const n = purgeablePrefix(rows, cutoff);
    if (n === 0) return { purged: 0, checkpoint: state.checkpoint };
    const purged = rows.slice(0, n);
    const last = purged[purged.length - 1];
    if (!last) return { purged: 0, checkpoint: state.checkpoint };
    const check = await verifyChain(purged, { checkpoint: state.checkpoint });
    if (!check.ok) throw new Error(`Not purged: the log is broken at record ${String(check.firstBadRecord)} (${check.problem ?? ''}); export it for review first`);
    const checkpoint: Checkpoint = {
      throughSeq: last.seq,
      hash: last.hash,
      prefixDigest: await prefixDigest(state.checkpoint, purged),
      purgedCount: (state.checkpoint?.purgedCount ?? 0) + n,
      purgedAt: this.clock().toISOString(),
      cutoff: cutoffIso,
    };
    await this.db.transaction('rw', this.db.attestations, this.db.meta, async () => {
      const cp = MetaRow.safeParse(await this.db.meta.get('checkpoint'));
      const currentThrough = cp.success && cp.data.key === 'checkpoint' ? cp.data.throughSeq : 0;
      if (currentThrough !== (state.checkpoint?.throughSeq ?? 0)) throw new Error('Not purged: another purge ran at the same time; try again');
      await this.db.attestations.bulkDelete(purged.map((r) => r.seq));
      await this.db.meta.put({ key: 'checkpoint', ...checkpoint });
    });
    return { purged: n, checkpoint };
  }
}
