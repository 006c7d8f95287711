import type { IndexableType } from 'dexie';
import { BLOCK_SIZE, checkBlock, cutBlock, decodeBlock, patientKeyOf, sealRuns, withTexts, type BlockRow } from './blocks';
import { ChainWalk, hashInput, linkRecordsWithText, prefixDigest, verifyChain, type VerifyResult } from './chain';
import { MetaRow, OutboxEntry, type OutboxBatch, type PmpDatabase } from './db';
import { purgeablePrefix } from './retention';
import { AttestationDraft, Checkpoint, GENESIS_HASH, type Attestation, type ChainHead } from './schema';
import { sha256Text } from './sha256';

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
  /** Records per sealed block (blocks.ts); smaller only in tests. */
  blockSize?: number;
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

/** Blocks read per request while verifying (a block is 500 records): small enough that reading overlaps hashing. */
const VERIFY_CHUNK_BLOCKS = 8;

/** Where this machine's chain starts (its retention checkpoint) and ends (its head), from the meta rows. */
function anchorOf(meta: readonly unknown[]): { head: ChainHead; checkpoint: Checkpoint | null } {
  const rows = meta.flatMap((r) => {
    const p = MetaRow.safeParse(r);
    return p.success ? [p.data] : [];
  });
  const head = rows.find((r) => r.key === 'head');
  const cp = rows.find((r) => r.key === 'checkpoint');
  return { head: head ? { seq: head.seq, hash: head.hash } : { seq: 0, hash: GENESIS_HASH }, checkpoint: cp ? Checkpoint.parse(cp) : null };
}

// One digest, reused from record to record.
const tailDigest = new Int32Array(8);

/** Checks the tail rows (one record each, after the blocks): each hashed over its canonical text. */
function checkTail(tail: readonly unknown[], walk: ChainWalk): void {
  walk.total += tail.length;
  for (const r of tail) {
    if (walk.broken) return;
    sha256Text(typeof r === 'object' && r !== null ? hashInput(r) : '', tailDigest);
    walk.stepWords(r, tailDigest, 0);
  }
}

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
  private readonly blockSize: number;

  constructor(
    private readonly db: PmpDatabase,
    private readonly clock: () => Date = () => new Date(),
    options: RepositoryOptions = {},
  ) {
    this.retryDelaysMs = options.retryDelaysMs ?? [50, 250, 1000];
    this.retryLaterMs = options.retryLaterMs ?? 30_000;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.blockSize = options.blockSize ?? BLOCK_SIZE;
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
      const linked = await linkRecordsWithText(queue, head);
      const records = linked.map((e) => e.record);
      const last = records[records.length - 1];
      if (!last) return;
      try {
        await this.db.transaction('rw', [this.db.attestations, this.db.blocks, this.db.meta, this.db.outbox], async () => {
          const now = await this.readHead();
          if (now.seq !== head.seq || now.hash !== head.hash) throw new HeadMoved();
          // Another writer (a second extension page) that chained any of these moved the head: caught above.
          await this.store(linked);
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

  /**
   * Adds newly chained records (inside the caller's transaction): to the tail, and whenever the
   * tail and the new records make full blocks, as sealed blocks instead (blocks.ts).
   */
  private async store(linked: readonly { record: Attestation; text: string }[]): Promise<void> {
    const tailCount = await this.db.attestations.count();
    if (tailCount + linked.length < this.blockSize) {
      await this.db.attestations.bulkAdd(linked.map((e) => e.record));
      return;
    }
    const tail = tailCount > 0 ? await this.db.attestations.toArray() : [];
    const { blocks, sealed } = sealRuns([...withTexts(tail), ...linked], this.blockSize);
    const sealedTail = Math.min(sealed, tail.length);
    if (blocks.length > 0) await this.db.blocks.bulkAdd(blocks);
    // One range delete, not a delete per record: 500 deletes made the sealing click 40–90 ms slower.
    const lastSealed = tail[sealedTail - 1];
    if (lastSealed && tail[0]) await this.db.attestations.where(':id').between(tail[0].seq, lastSealed.seq, true, true).delete();
    const rest = linked.slice(Math.max(0, sealed - tail.length)).map((e) => e.record);
    if (rest.length > 0) await this.db.attestations.bulkAdd(rest);
  }

  /** The record with this id in this machine's chain: the tail, else the blocks, newest first. */
  private async findOwn(id: string): Promise<Attestation | undefined> {
    const inTail = await this.db.attestations.get({ id });
    if (inTail) return inTail;
    // A record's own id is its top-level "id"; the same text inside "acknowledges" is checked away below.
    const needle = `"id":${JSON.stringify(id)}`;
    const block = await this.db.blocks
      .orderBy('first')
      .reverse()
      .filter((b) => typeof b.lines === 'string' && b.lines.includes(needle))
      .toArray();
    for (const b of block) {
      const rec = decodeBlock(b).find((r) => r.id === id);
      if (rec) return rec;
    }
    return undefined;
  }

  /** Waiters whose draft another writer chained: find their record. */
  private async settleWrittenElsewhere(): Promise<void> {
    if (this.waiters.size === 0) return;
    const onDisk = (await this.db.outbox.toArray()).flatMap((b) => (Array.isArray(b.entries) ? b.entries : [])).flatMap((e) => (typeof e === 'object' && e !== null && 'id' in e && typeof e.id === 'string' ? [e.id] : []));
    const queued = new Set([...onDisk, ...this.memory.map((m) => m.id), ...this.incoming.map((m) => m.id)]);
    for (const [id, w] of this.waiters) {
      if (queued.has(id)) continue;
      const rec = await this.findOwn(id);
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

  /** Every kept record of this machine's chain, oldest first: the sealed blocks, then the tail. */
  async all(): Promise<Attestation[]> {
    const [blocks, tail] = await this.db.transaction('r', [this.db.blocks, this.db.attestations], () => Promise.all([this.db.blocks.toArray(), this.db.attestations.toArray()]));
    const out: Attestation[] = [];
    for (const b of blocks) decodeBlock(b, out);
    for (const r of tail) out.push(r);
    return out;
  }

  /** Whether any of these record ids is already in this machine's chain. */
  async findAnyOwnId(ids: readonly string[]): Promise<string | undefined> {
    const wanted = new Set(ids);
    const inTail = await this.db.attestations.where('id').anyOf([...wanted]).first();
    if (inTail) return inTail.id;
    return (await this.all()).find((r) => wanted.has(r.id))?.id;
  }

  /** This patient's records in this machine's chain, oldest first. */
  async forPatient(key: string | readonly string[]): Promise<Attestation[]> {
    return (await this.historyFor(key)).filter((e) => e.own).map((e) => e.record);
  }

  /** This patient's records from every chain the practice's log holds (imported ones too), oldest first. */
  async historyFor(key: string | readonly string[]): Promise<LogEntry[]> {
    const keys = typeof key === 'string' ? [key] : [...key];
    const [state, own, imported] = await Promise.all([this.chainState(), this.ownFor(keys), this.db.imported.where('record.patient.key').anyOf(keys).toArray()]);
    return [
      ...own.map((record) => ({ chainId: state.chainId, own: true, record })),
      ...imported.map((r) => ({ chainId: r.chainId, own: false, record: r.record })),
    ].sort(byCreatedAt);
  }

  /** This patient's records in this machine's chain: the blocks that index the patient, and the tail. */
  private async ownFor(keys: readonly string[]): Promise<Attestation[]> {
    const [blocks, tail] = await this.db.transaction('r', [this.db.blocks, this.db.attestations], () =>
      Promise.all([this.db.blocks.where('pks').anyOf(keys).distinct().toArray(), this.db.attestations.where('patient.key').anyOf(keys).toArray()]),
    );
    const wanted = new Set(keys);
    // Only lines that mention one of the keys are parsed: a block holds hundreds of other patients' records.
    const needles = keys.map((k) => `"key":${JSON.stringify(k)}`);
    const out: Attestation[] = [];
    const mentions = (line: string) => needles.some((n) => line.includes(n));
    for (const b of blocks.sort((x, y) => x.first - y.first)) for (const r of decodeBlock(b, [], mentions)) if (wanted.has(patientKeyOf(r) ?? '')) out.push(r);
    return [...out, ...tail];
  }

  /** Every record the practice's log holds: this machine's chain and every imported one, oldest first. */
  async everything(): Promise<LogEntry[]> {
    const [state, own, imported] = await Promise.all([this.chainState(), this.all(), this.db.imported.toArray()]);
    return [
      ...own.map((record) => ({ chainId: state.chainId, own: true, record })),
      ...imported.map((r) => ({ chainId: r.chainId, own: false, record: r.record })),
    ].sort(byCreatedAt);
  }

  /**
   * Verifies this machine's chain from its checkpoint (if purged) to its recorded head. One read
   * transaction (a consistent snapshot), a few blocks per request: the next blocks are being
   * read while these are hashed, and the page gets a turn between requests.
   */
  async verify(): Promise<VerifyResult> {
    return this.db.transaction('r', [this.db.blocks, this.db.attestations, this.db.meta], async () => {
      const blocksAfter = (key: IndexableType) => this.db.blocks.where('first').above(key).limit(VERIFY_CHUNK_BLOCKS).toArray();
      let next: Promise<BlockRow[]> | null = blocksAfter(-Infinity);
      const [tail, meta] = await Promise.all([this.db.attestations.toArray(), this.db.meta.toArray()]);
      // Records were validated when written; their hashes catch any later change.
      const walk = new ChainWalk(0, anchorOf(meta), 'links');
      while (next) {
        const chunk: BlockRow[] = await next;
        const last = chunk.at(-1);
        next = last && chunk.length === VERIFY_CHUNK_BLOCKS ? blocksAfter(last.first) : null;
        for (const b of chunk) checkBlock(b, walk);
      }
      checkTail(tail, walk);
      return walk.finish();
    });
  }

  /** Every kept record of this machine's chain and the check of exactly those records (one read of the log). */
  async readVerified(): Promise<{ records: Attestation[]; verify: VerifyResult }> {
    const [blocks, tail, meta] = await this.db.transaction('r', [this.db.blocks, this.db.attestations, this.db.meta], () =>
      Promise.all([this.db.blocks.toArray(), this.db.attestations.toArray(), this.db.meta.toArray()]),
    );
    const records: Attestation[] = [];
    for (const b of blocks) decodeBlock(b, records);
    for (const r of tail) records.push(r);
    const walk = new ChainWalk(0, anchorOf(meta), 'links');
    for (const b of blocks) checkBlock(b, walk);
    checkTail(tail, walk);
    return { records, verify: walk.finish() };
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
    await this.db.transaction('rw', this.db.attestations, this.db.blocks, this.db.meta, async () => {
      const cp = MetaRow.safeParse(await this.db.meta.get('checkpoint'));
      const currentThrough = cp.success && cp.data.key === 'checkpoint' ? cp.data.throughSeq : 0;
      if (currentThrough !== (state.checkpoint?.throughSeq ?? 0)) throw new Error('Not purged: another purge ran at the same time; try again');
      await this.db.attestations.bulkDelete(purged.map((r) => r.seq));
      // Whole blocks in the purged prefix go; the block it ends inside keeps only its later records.
      const touched = await this.db.blocks.where('first').belowOrEqual(last.seq).toArray();
      const cut: BlockRow[] = [];
      for (const b of touched) {
        const rest = cutBlock(b, last.seq);
        if (rest) cut.push(rest);
      }
      await this.db.blocks.bulkDelete(touched.map((b) => b.first));
      if (cut.length > 0) await this.db.blocks.bulkAdd(cut);
      await this.db.meta.put({ key: 'checkpoint', ...checkpoint });
    });
    return { purged: n, checkpoint };
  }
}
