import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { verifyChain } from './chain';
import { PmpDatabase } from './db';
import { AttestationPendingError, AttestationRepository } from './repository';
import { GENESIS_HASH, type AttestationDraft } from './schema';
import { chainOf, delegateDraft, draft } from './test-helpers';

let db: PmpDatabase;
let repo: AttestationRepository;
let n = 0;
let clock = new Date('2026-11-22T15:00:00Z');
const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

beforeEach(() => {
  db = new PmpDatabase(`test-${String(++n)}`);
  clock = new Date('2026-11-22T15:00:00Z');
  repo = new AttestationRepository(db, () => clock, { retryDelaysMs: [0, 0], setTimer: () => undefined });
});
afterEach(async () => {
  vi.restoreAllMocks();
  await db.delete();
});

describe('AttestationRepository: the chain', () => {
  it('chains records: each carries the hash of the one before', async () => {
    const a = await repo.append(draft());
    const b = await repo.append(draft({ outcome: 'pmp-unavailable', followUpDueAt: '2026-11-23T15:00:00.000Z' }));
    expect(a.seq).toBe(1);
    expect(a.prevHash).toBe(GENESIS_HASH);
    expect(b.prevHash).toBe(a.hash);
    expect(await repo.verify()).toEqual({ ok: true, records: 2, firstBadRecord: null });
  });

  it('serialises concurrent appends into one unbroken chain, committed together', async () => {
    const tx = vi.spyOn(db, 'transaction');
    await Promise.all(Array.from({ length: 50 }, (_, i) => repo.append(draft({ reason: `r${String(i)}` }))));
    const rows = await repo.all();
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(rows.map((r) => r.reason)).toEqual(Array.from({ length: 50 }, (_, i) => `r${String(i)}`));
    expect((await repo.verify()).ok).toBe(true);
    // Written together: at most two write transactions (reads take their own, read-only ones).
    expect(tx.mock.calls.filter((c) => c[0] === 'rw').length).toBeLessThanOrEqual(2);
  });

  it('two writers on one database (background and an options page) still make one chain', async () => {
    const other = new AttestationRepository(new PmpDatabase(db.name), () => clock, { retryDelaysMs: [0], setTimer: () => undefined });
    await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => repo.append(draft({ reason: `a${String(i)}` }))),
      ...Array.from({ length: 10 }, (_, i) => other.append(draft({ reason: `b${String(i)}` }))),
    ]);
    const rows = await repo.all();
    expect(rows).toHaveLength(20);
    expect(new Set(rows.map((r) => r.id)).size).toBe(20);
    expect((await repo.verify()).ok).toBe(true);
  });

  it.each<[string, Partial<AttestationDraft>, RegExp]>([
    ['no reviewer name', { reviewer: { userId: '', name: '', role: 'prescriber' } }, /reviewer/],
    ['an exemption without the state exemption', { outcome: 'exempted' }, /exemption/],
    ['a decline without a reason', { outcome: 'declined', reason: ' ' }, /Say why/],
    ['"PMP unavailable" without a follow-up time', { outcome: 'pmp-unavailable' }, /follow-up/],
    ['an acknowledgement that points at nothing', { outcome: 'acknowledged' }, /names the delegate review/],
    ['an acknowledgement by a delegate', { outcome: 'acknowledged', reviewer: { userId: 'u2', name: 'Sam Nurse', role: 'delegate' }, acknowledges: { id: 'x', seq: 1, hash: 'a'.repeat(64), reviewerName: 'Sam Nurse', reviewedAt: '2026-11-22T10:00:00Z' } }, /Only a prescriber/],
    ['a review that claims to acknowledge another', { acknowledges: { id: 'x', seq: 1, hash: 'a'.repeat(64), reviewerName: 'S', reviewedAt: 'x' } }, /Only an acknowledgement/],
  ])('refuses a draft with %s and stores nothing', async (_name, over, message) => {
    await expect(repo.append(draft(over))).rejects.toThrow(message);
    expect(await repo.all()).toEqual([]);
    expect(await repo.pending()).toBe(0);
    await expect(repo.append(draft())).resolves.toMatchObject({ seq: 1 });
  });

  it.each<[string, Partial<AttestationDraft>]>([
    ['reviewed', {}],
    ['pmp-unavailable', { outcome: 'pmp-unavailable', followUpDueAt: '2026-11-23T15:00:00.000Z', pmpError: 'unreachable' }],
    ['exempted', { outcome: 'exempted', exemption: { id: 'hospice', text: 'Patient is in hospice care', citation: 'X 1(a)' } }],
    ['declined', { outcome: 'declined', reason: 'Patient left before the order was signed' }],
    ['acknowledged', { outcome: 'acknowledged', acknowledges: { id: '00000000-0000-4000-8000-000000000001', seq: 1, hash: 'a'.repeat(64), reviewerName: 'Sam Nurse', reviewedAt: '2026-11-22T10:00:00.000Z' } }],
  ])('records the outcome %s and it verifies', async (outcome, over) => {
    const r = await repo.append(draft(over));
    expect(r.outcome).toBe(outcome);
    expect(await repo.verify()).toMatchObject({ ok: true, records: 1 });
  });

  it("finds a patient's records by key (several keys at once), oldest first", async () => {
    await repo.append(draft());
    await repo.append(draft({ patient: { key: 'other', initials: 'RS' } }));
    await repo.append(draft({ patient: { key: 'legacy', initials: 'RS' } }));
    expect((await repo.forPatient('other')).map((r) => r.seq)).toEqual([2]);
    expect((await repo.forPatient(['other', 'legacy'])).map((r) => r.seq)).toEqual([2, 3]);
  });

  it('history includes records imported from other machines, by time', async () => {
    await repo.append(draft({ patient: { key: 'p1' } }));
    const [theirs] = await chainOf(1, { start: '2026-11-22T09:00:00Z', over: () => delegateDraft({ patient: { key: 'p1' } }) });
    if (!theirs) throw new Error('no record');
    await db.imported.add({ chainId: 'their-chain', seq: 1, id: theirs.id, record: theirs });
    const h = await repo.historyFor('p1');
    expect(h.map((e) => [e.own, e.record.reviewer.name])).toEqual([
      [false, 'Sam Nurse'],
      [true, 'Dr. Avery Quill'],
    ]);
    expect((await repo.forPatient('p1')).length).toBe(1);
    expect((await repo.everything()).length).toBe(2);
  });
});

describe('AttestationRepository: tampering in the database', () => {
  it('detects an edit made directly in the database', async () => {
    await repo.append(draft());
    await repo.append(draft());
    await db.attestations.update(1, { outcome: 'exempted' });
    expect(await repo.verify()).toMatchObject({ ok: false, firstBadRecord: 1 });
  });

  it('detects a deleted record in the middle and a truncated tail', async () => {
    for (let i = 0; i < 3; i++) await repo.append(draft());
    await db.attestations.delete(2);
    expect(await repo.verify()).toMatchObject({ ok: false, firstBadRecord: 3 });
    await db.attestations.delete(3);
    expect(await repo.verify()).toMatchObject({ ok: false, problem: expect.stringContaining('truncated') as unknown });
  });

  it('detects reordered records', async () => {
    for (let i = 0; i < 3; i++) await repo.append(draft({ reason: String(i) }));
    const rows = await repo.all();
    const swapped = [rows[0], rows[2], rows[1]];
    expect(await verifyChain(swapped)).toMatchObject({ ok: false, firstBadRecord: 3 });
  });

  it('detects a deleted first record', async () => {
    for (let i = 0; i < 3; i++) await repo.append(draft());
    await db.attestations.delete(1);
    expect(await repo.verify()).toMatchObject({ ok: false, firstBadRecord: 2 });
  });
});

describe('AttestationRepository: writes that fail are retried from the queue, never lost silently', () => {
  it('a full disk once: retried, stored once', async () => {
    vi.spyOn(db.attestations, 'bulkAdd').mockRejectedValueOnce(quota());
    const r = await repo.append(draft());
    expect(r.seq).toBe(1);
    expect(await db.attestations.count()).toBe(1);
    expect(await repo.pending()).toBe(0);
  });

  it('an aborted transaction (the head write fails after the records were added) leaves no half-write', async () => {
    const put = db.meta.put.bind(db.meta);
    let failed = false;
    vi.spyOn(db.meta, 'put').mockImplementation((...args: Parameters<typeof put>) => {
      if (!failed) {
        failed = true;
        return Promise.reject(new DOMException('aborted', 'AbortError')) as never;
      }
      return put(...args);
    });
    await Promise.all([repo.append(draft()), repo.append(draft())]);
    expect((await repo.all()).map((r) => r.seq)).toEqual([1, 2]);
    expect(await repo.verify()).toMatchObject({ ok: true, records: 2 });
  });

  it('a disk that stays full: the caller is told, the draft stays queued on disk, and a later flush writes it', async () => {
    const bulkAdd = vi.spyOn(db.attestations, 'bulkAdd').mockRejectedValue(quota());
    const failed = await repo.append(draft({ reason: 'kept' })).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(AttestationPendingError);
    expect((failed as AttestationPendingError).durable).toBe(true);
    expect((failed as Error).message).toMatch(/storage is full.*saved in the retry queue/);
    expect(await db.attestations.count()).toBe(0);
    expect(await repo.pending()).toBe(1);
    bulkAdd.mockRestore();
    clock = new Date('2026-11-22T18:00:00Z');
    expect(await repo.flush()).toBe(1);
    const [rec] = await repo.all();
    expect(rec).toMatchObject({ seq: 1, reason: 'kept', createdAt: '2026-11-22T15:00:00.000Z' });
    expect(await repo.pending()).toBe(0);
  });

  it('a stuck queue is retried by itself later', async () => {
    let later: (() => void) | undefined;
    const r = new AttestationRepository(db, () => clock, { retryDelaysMs: [0], setTimer: (fn) => (later = fn) });
    const bulkAdd = vi.spyOn(db.attestations, 'bulkAdd').mockRejectedValue(quota());
    await expect(r.append(draft())).rejects.toBeInstanceOf(AttestationPendingError);
    expect(later).toBeTypeOf('function');
    bulkAdd.mockRestore();
    later?.();
    await vi.waitFor(async () => {
      expect(await db.attestations.count()).toBe(1);
    });
  });

  it('even the queue cannot be written: held in memory, still written when the chain write works', async () => {
    vi.spyOn(db.outbox, 'add').mockRejectedValueOnce(quota());
    await expect(repo.append(draft())).resolves.toMatchObject({ seq: 1 });
    expect(await repo.pending()).toBe(0);
  });

  it('nothing can be written: the caller is told it is only in memory; it is written once storage is back', async () => {
    const outbox = vi.spyOn(db.outbox, 'add').mockRejectedValue(quota());
    const chain = vi.spyOn(db.attestations, 'bulkAdd').mockRejectedValue(quota());
    const failed = await repo.append(draft()).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(AttestationPendingError);
    expect((failed as AttestationPendingError).durable).toBe(false);
    expect((failed as Error).message).toMatch(/held in memory/);
    expect(await repo.pending()).toBe(1);
    outbox.mockRestore();
    chain.mockRestore();
    expect(await repo.flush()).toBe(1);
    expect(await repo.verify()).toMatchObject({ ok: true, records: 1 });
  });

  it('the service worker stopped mid-write: the next start finds the queued draft and writes it once', async () => {
    // The first worker queues the draft, then never gets to finish (its hashing never returns).
    const digest = vi.spyOn(crypto.subtle, 'digest').mockReturnValue(new Promise<ArrayBuffer>(() => undefined));
    void repo.append(draft({ reason: 'from the stopped worker' }));
    await vi.waitFor(async () => {
      expect(await db.outbox.count()).toBe(1);
    });
    digest.mockRestore();
    // A new worker opens the same database.
    const restarted = new AttestationRepository(new PmpDatabase(db.name), () => clock);
    expect(await restarted.flush()).toBe(1);
    expect((await restarted.all()).map((r) => r.reason)).toEqual(['from the stopped worker']);
    expect(await restarted.pending()).toBe(0);
    expect((await restarted.verify()).ok).toBe(true);
  });

  it('a queued entry this version cannot read is kept (not lost, not blocking the others)', async () => {
    await db.outbox.add({ entries: [{ id: 'not-a-uuid', createdAt: 'yesterday', draft: {} }] });
    await db.outbox.add({ something: 'else' } as never);
    await expect(repo.append(draft())).resolves.toMatchObject({ seq: 1 });
    expect(await repo.pending()).toBe(2);
    expect(await db.outbox.toArray()).toEqual([{ qid: 1, entries: [{ id: 'not-a-uuid', createdAt: 'yesterday', draft: {} }] }, { qid: 2, something: 'else' }]);
    await expect(repo.append(draft())).resolves.toMatchObject({ seq: 2 });
    expect(await repo.pending()).toBe(2);
  });

  it('the service worker stopped inside the transaction: nothing half-written, the next start writes it', async () => {
    vi.spyOn(db.attestations, 'bulkAdd').mockRejectedValue(new DOMException('The transaction was aborted', 'AbortError'));
    const failed = await repo.append(draft()).catch((e: unknown) => e);
    expect((failed as Error).message).toMatch(/interrupted/);
    vi.restoreAllMocks();
    const restarted = new AttestationRepository(new PmpDatabase(db.name), () => clock);
    expect(await restarted.flush()).toBe(1);
    expect(await restarted.verify()).toMatchObject({ ok: true, records: 1 });
  });
});

describe('AttestationRepository: retention purge', () => {
  async function fill(times: string[]): Promise<void> {
    for (const t of times) {
      clock = new Date(t);
      await repo.append(draft());
    }
  }

  it('purges the old prefix, leaves a checkpoint, and the rest still verifies and keeps growing', async () => {
    await fill(['2018-01-01T00:00:00Z', '2019-01-01T00:00:00Z', '2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z']);
    const before = await repo.all();
    clock = new Date('2026-11-22T15:00:00Z');
    const r = await repo.purgeBefore(new Date('2020-11-22T15:00:00Z'));
    expect(r.purged).toBe(2);
    expect(r.checkpoint).toMatchObject({ throughSeq: 2, hash: before[1]?.hash, purgedCount: 2 });
    expect((await repo.all()).map((x) => x.seq)).toEqual([3, 4]);
    expect(await repo.verify()).toEqual({ ok: true, records: 2, firstBadRecord: null });
    await repo.append(draft());
    expect(await repo.verify()).toMatchObject({ ok: true, records: 3 });
  });

  it('a second purge continues the first checkpoint', async () => {
    await fill(['2018-01-01T00:00:00Z', '2019-01-01T00:00:00Z', '2020-01-01T00:00:00Z']);
    const first = await repo.purgeBefore(new Date('2018-06-01T00:00:00Z'));
    const second = await repo.purgeBefore(new Date('2019-06-01T00:00:00Z'));
    expect(second.checkpoint).toMatchObject({ throughSeq: 2, purgedCount: 2 });
    expect(second.checkpoint?.prefixDigest).not.toBe(first.checkpoint?.prefixDigest);
    expect(await repo.verify()).toMatchObject({ ok: true, records: 1 });
  });

  it('purging everything leaves a log that verifies empty and links the next record', async () => {
    await fill(['2018-01-01T00:00:00Z', '2018-02-01T00:00:00Z']);
    expect((await repo.purgeBefore(new Date('2025-01-01T00:00:00Z'))).purged).toBe(2);
    expect(await repo.verify()).toEqual({ ok: true, records: 0, firstBadRecord: null });
    expect(await repo.append(draft())).toMatchObject({ seq: 3 });
    expect((await repo.verify()).ok).toBe(true);
  });

  it('only a prefix goes: an old record after a newer one is kept so the chain stays whole', async () => {
    await fill(['2018-01-01T00:00:00Z', '2025-01-01T00:00:00Z', '2018-03-01T00:00:00Z']);
    expect((await repo.purgeBefore(new Date('2020-01-01T00:00:00Z'))).purged).toBe(1);
    expect((await repo.all()).map((x) => x.seq)).toEqual([2, 3]);
  });

  it('nothing old enough: nothing purged, no checkpoint', async () => {
    await fill(['2026-01-01T00:00:00Z']);
    expect(await repo.purgeBefore(new Date('2020-01-01T00:00:00Z'))).toEqual({ purged: 0, checkpoint: null });
  });

  it('refuses to purge a broken log (the evidence would go with it)', async () => {
    await fill(['2018-01-01T00:00:00Z', '2018-02-01T00:00:00Z', '2026-01-01T00:00:00Z']);
    await db.attestations.update(1, { outcome: 'declined' });
    await expect(repo.purgeBefore(new Date('2020-01-01T00:00:00Z'))).rejects.toThrow(/broken at record 1/);
    expect(await db.attestations.count()).toBe(3);
  });

  it('a purged prefix cannot be quietly extended by deleting more records', async () => {
    await fill(['2018-01-01T00:00:00Z', '2019-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z']);
    await repo.purgeBefore(new Date('2018-06-01T00:00:00Z'));
    await db.attestations.delete(2);
    expect(await repo.verify()).toMatchObject({ ok: false, firstBadRecord: 3 });
  });
});
