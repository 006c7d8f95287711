import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cutBlock, readBlock, sealRuns, withTexts, type BlockRow } from './blocks';
import { hashInput, verifyChainSync } from './chain';
import { PmpDatabase } from './db';
import { buildLogExport, logExportText, parseLogExport, verifyLogExportSync } from './export-json';
import { importLog } from './import';
import { loadPracticeLog } from './practice-log';
import { AttestationRepository } from './repository';
import type { Attestation } from './schema';
import { chainOf, draft } from './test-helpers';

const nodeSha = (t: string) => createHash('sha256').update(t).digest('hex');

let db: PmpDatabase;
let repo: AttestationRepository;
let n = 0;
let minute = 0;
const at = () => new Date(Date.UTC(2018, 0, 1) + minute++ * 86_400_000);

beforeEach(() => {
  db = new PmpDatabase(`blocks-${String(++n)}`);
  minute = 0;
  // Blocks of 3 records, so a few appends already fill several.
  repo = new AttestationRepository(db, at, { retryDelaysMs: [0], setTimer: () => undefined, blockSize: 3 });
});
afterEach(async () => {
  await db.delete();
});

/** Appends `count` records one at a time, record i for patient p<i>. */
async function appendEach(count: number): Promise<Attestation[]> {
  const out: Attestation[] = [];
  for (let i = 0; i < count; i++) out.push(await repo.append(draft({ patient: { key: `p${String(i)}`, mrn: `MRN-${String(i)}` }, reason: `r${String(i)}` })));
  return out;
}

async function block(first: number): Promise<BlockRow> {
  const b = await db.blocks.get(first);
  if (!b) throw new Error(`no block at ${String(first)}`);
  return b;
}

/** Rewrites a stored block the way someone editing the database by hand would. */
async function tamper(first: number, change: (b: BlockRow) => BlockRow): Promise<void> {
  const b = change(await block(first));
  await db.blocks.delete(first);
  await db.blocks.put(b);
}

const lines = (b: BlockRow) => b.lines.split('\n');
const hashAt = (b: BlockRow, i: number) => b.hashes.slice(i * 64, i * 64 + 64);

describe('sealed blocks: the log as stored', () => {
  it('appends one at a time seal full runs into blocks, keep the rest as the tail, and read back exactly what was written', async () => {
    const written = await appendEach(7);
    expect((await db.blocks.toArray()).map((b) => [b.first, b.last])).toEqual([
      [1, 3],
      [4, 6],
    ]);
    expect((await db.attestations.toArray()).map((r) => r.seq)).toEqual([7]);
    const b = await block(1);
    expect(lines(b)).toEqual(written.slice(0, 3).map((r) => hashInput(r)));
    expect(b.hashes).toBe(written.slice(0, 3).map((r) => r.hash).join(''));
    expect(b.pks.sort()).toEqual(['p0', 'p1', 'p2']);
    expect(await repo.all()).toEqual(written);
    expect(await repo.verify()).toEqual({ ok: true, records: 7, firstBadRecord: null });
    expect((await repo.forPatient('p4')).map((r) => r.seq)).toEqual([5]);
    expect((await repo.forPatient(['p6', 'p1', 'nobody'])).map((r) => r.seq)).toEqual([2, 7]);
  });

  it("a patient's reviews are found in the blocks that index them, and only theirs (p1 is not p10)", async () => {
    await appendEach(12);
    await repo.append(draft({ patient: { key: 'p1', mrn: 'MRN-1' } }));
    expect((await repo.forPatient('p1')).map((r) => r.seq)).toEqual([2, 13]);
    expect((await repo.forPatient('p10')).map((r) => r.seq)).toEqual([11]);
    expect((await repo.historyFor(['p11', 'p0'])).map((e) => e.record.seq)).toEqual([1, 12]);
  });

  it('a batch of appends goes straight into blocks (the tail only keeps what does not fill one)', async () => {
    await repo.append(draft());
    const batch = await Promise.all(Array.from({ length: 8 }, (_, i) => repo.append(draft({ reason: `b${String(i)}` }))));
    expect(batch.map((r) => r.seq)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await db.blocks.toArray()).map((b) => b.first)).toEqual([1, 4, 7]);
    expect(await db.attestations.count()).toBe(0);
    expect(await repo.verify()).toMatchObject({ ok: true, records: 9 });
    expect(await repo.append(draft())).toMatchObject({ seq: 10, prevHash: batch[7]?.hash });
    expect(await repo.verify()).toMatchObject({ ok: true, records: 10 });
  });

  it('two writers sealing on one database still make one chain', async () => {
    const other = new AttestationRepository(new PmpDatabase(db.name), at, { retryDelaysMs: [0], setTimer: () => undefined, blockSize: 3 });
    await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => repo.append(draft({ reason: `a${String(i)}` }))),
      ...Array.from({ length: 10 }, (_, i) => other.append(draft({ reason: `b${String(i)}` }))),
    ]);
    const rows = await repo.all();
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => r.id)).size).toBe(20);
    expect(await repo.verify()).toMatchObject({ ok: true, records: 20 });
  });

  it('exports a sealed log that the command line verifies, and re-importing it is recognised as this log', async () => {
    await appendEach(8);
    const text = logExportText(await buildLogExport(db, repo, { now: new Date('2026-11-22T15:00:00Z') }));
    const parsed = parseLogExport(text);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(verifyLogExportSync(parsed.log, nodeSha)).toMatchObject({ ok: true, records: 8 });
    expect((await importLog(db, repo, text, { now: new Date() })).chains[0]).toMatchObject({ status: 'own-log', duplicates: 8 });
    // The same file with a sealed record changed is refused as contradicting this machine's log.
    const forged = text.replace('"reason":"r1"', '"reason":"r1 (edited)"');
    expect((await importLog(db, repo, forged, { now: new Date() })).chains[0]).toMatchObject({ status: 'refused' });
  });

  it("another machine's chain that repeats a sealed record's id is refused", async () => {
    const mine = await appendEach(4);
    const other = new PmpDatabase(`${db.name}-other`);
    const otherRepo = new AttestationRepository(other);
    const copied = mine[1];
    if (!copied) throw new Error('no record');
    const exp = await buildLogExport(other, otherRepo, { now: new Date() });
    const records = await chainOf(1, { over: () => ({}) });
    const forged = { ...records[0], id: copied.id } as Attestation;
    forged.hash = nodeSha(hashInput(forged));
    const chain = { ...exp.chains[0], chainId: 'someone-else', label: 'x', records: [forged], head: { seq: 1, hash: forged.hash } };
    const text = logExportText({ ...exp, sourceChainId: 'someone-else', chains: [chain as (typeof exp.chains)[0]] });
    expect((await importLog(db, repo, text, { now: new Date() })).chains[0]).toMatchObject({ status: 'refused', reason: expect.stringMatching(/repeats a record/) as unknown });
    await other.delete();
  });
});

describe('sealed blocks: tampering in the database is caught', () => {
  beforeEach(async () => {
    await appendEach(7);
  });

  it.each<[string, (b: BlockRow) => BlockRow, number, RegExp]>([
    ['a field edited inside a sealed record', (b) => ({ ...b, lines: b.lines.replace('"reason":"r4"', '"reason":"r4 (edited)"') }), 5, /content was changed/],
    ['a sealed hash replaced', (b) => ({ ...b, hashes: b.hashes.slice(0, 64) + 'f'.repeat(64) + b.hashes.slice(128) }), 5, /content was changed/],
    [
      'a record deleted from a block (its line, its hash and its patient in the index)',
      (b) => ({ ...b, last: b.last - 1, lines: [lines(b)[0], lines(b)[2]].join('\n'), hashes: hashAt(b, 0) + hashAt(b, 2), pks: b.pks.filter((k) => k !== 'p4') }),
      6,
      /expected record 5, found 6/,
    ],
    ['two records swapped inside a block', (b) => ({ ...b, lines: [lines(b)[1], lines(b)[0], lines(b)[2]].join('\n'), hashes: hashAt(b, 1) + hashAt(b, 0) + hashAt(b, 2) }), 5, /expected record 4, found 5/],
    ['a line that is no longer JSON', (b) => ({ ...b, lines: b.lines.replace('{"createdAt"', '{createdAt') }), 4, /not readable/],
    ['a block that holds fewer records than it says', (b) => ({ ...b, hashes: b.hashes.slice(64) }), 4, /does not hold the records/],
    ['a patient removed from the block index (hiding their reviews)', (b) => ({ ...b, pks: b.pks.filter((k) => k !== 'p4') }), 4, /patient index/],
    ['a patient added to the block index', (b) => ({ ...b, pks: [...b.pks, 'p99'] }), 4, /patient index/],
    ['a block whose fields are not what was stored', (b) => ({ ...b, lines: 42 as unknown as string }), 4, /damaged/],
  ])('%s', async (_name, change, firstBad, problem) => {
    await tamper(4, change);
    const r = await repo.verify();
    expect(r).toMatchObject({ ok: false, firstBadRecord: firstBad });
    expect(r.problem).toMatch(problem);
  });

  it("the options page's log (read once, checked from what was read) shows the change too", async () => {
    const before = await repo.readVerified();
    expect(before.records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(before.verify).toEqual({ ok: true, records: 7, firstBadRecord: null });
    expect((await loadPracticeLog(db, repo)).chains[0]?.verify.ok).toBe(true);
    await tamper(4, (b) => ({ ...b, lines: b.lines.replace('"reason":"r5"', '"reason":"r5 (edited)"') }));
    const after = await repo.readVerified();
    expect(after.records.find((r) => r.seq === 6)?.reason).toBe('r5 (edited)');
    expect(after.verify).toMatchObject({ ok: false, firstBadRecord: 6 });
    expect((await loadPracticeLog(db, repo)).chains[0]?.verify).toMatchObject({ ok: false, firstBadRecord: 6 });
  });

  it('a whole block deleted', async () => {
    await db.blocks.delete(4);
    expect(await repo.verify()).toMatchObject({ ok: false, firstBadRecord: 7, problem: expect.stringMatching(/expected record 4, found 7/) as unknown });
  });

  it('two blocks swapped (renumbered so each sorts where the other was)', async () => {
    const [a, b] = [await block(1), await block(4)];
    await db.blocks.bulkPut([
      { ...b, first: 1, last: 3 },
      { ...a, first: 4, last: 6 },
    ]);
    expect(await repo.verify()).toMatchObject({ ok: false, firstBadRecord: 4 });
  });

  it('the tail and the last block truncated', async () => {
    await db.attestations.clear();
    await db.blocks.delete(4);
    expect(await repo.verify()).toMatchObject({ ok: false, problem: expect.stringMatching(/truncated/) as unknown });
  });

  it('the text of a sealed record quietly re-serialised (same content, keys in another order) no longer matches its hash', async () => {
    await tamper(1, (b) => {
      const ls = lines(b);
      const rec = JSON.parse(ls[0] ?? '{}') as Record<string, unknown>;
      ls[0] = JSON.stringify(Object.fromEntries(Object.entries(rec).reverse()));
      return { ...b, lines: ls.join('\n') };
    });
    expect(await repo.verify()).toMatchObject({ ok: false, firstBadRecord: 1, problem: 'record content was changed' });
  });
});

describe('sealed blocks: retention', () => {
  it('purging into the middle of a block keeps its later records, drops the purged patients from its index, and the log still verifies and grows', async () => {
    await appendEach(8);
    // Record i was made on day i of 2018; purge the first 4 (the cut falls inside the block 4–6).
    const r = await repo.purgeBefore(new Date(Date.UTC(2018, 0, 5)));
    expect(r.purged).toBe(4);
    expect((await db.blocks.toArray()).map((b) => [b.first, b.last, b.pks])).toEqual([[5, 6, ['p4', 'p5']]]);
    expect((await repo.all()).map((x) => x.seq)).toEqual([5, 6, 7, 8]);
    expect(await repo.verify()).toEqual({ ok: true, records: 4, firstBadRecord: null });
    expect(await repo.forPatient('p3')).toEqual([]);
    await repo.append(draft());
    expect(await repo.verify()).toMatchObject({ ok: true, records: 5 });
  });

  it('refuses to purge when a sealed record in the prefix was changed', async () => {
    await appendEach(7);
    await tamper(1, (b) => ({ ...b, lines: b.lines.replace('"reason":"r1"', '"reason":"r1!"') }));
    await expect(repo.purgeBefore(new Date(Date.UTC(2018, 0, 3)))).rejects.toThrow(/broken at record 2/);
    expect(await db.blocks.count()).toBe(2);
  });
});

describe('blocks.ts', () => {
  it('seals only clean runs: a gap or a record without a hash stops sealing there', async () => {
    const rs = await chainOf(7);
    expect(sealRuns(withTexts(rs), 3)).toMatchObject({ sealed: 6 });
    expect(sealRuns(withTexts([...rs.slice(0, 2), ...rs.slice(3)]), 3)).toMatchObject({ sealed: 0 });
    expect(sealRuns(withTexts(rs.map((r) => (r.seq === 5 ? { ...r, hash: 'x' } : r))), 3)).toMatchObject({ sealed: 3 });
    expect(sealRuns(withTexts([null, ...rs]), 3)).toMatchObject({ sealed: 0 });
  });

  it('a quick reading and an exact reading of a block agree, and the command-line check agrees with both', async () => {
    const rs = await chainOf(5, { over: (i) => (i === 2 ? { reason: 'a "quoted" ,"seq":9, reason' } : {}) });
    const { blocks } = sealRuns(withTexts(rs), 5);
    const b = blocks[0];
    if (!b) throw new Error('no block');
    const exact = readBlock(b).entries.map((e) => e.record);
    expect(exact).toEqual(rs);
    expect(readBlock(b, 'quick').entries.map((e) => e.record)).toEqual(rs.map((r) => ({ seq: r.seq, prevHash: r.prevHash, hash: r.hash, key: r.patient.key })));
    expect(verifyChainSync(exact, {}, nodeSha)).toMatchObject({ ok: true, records: 5 });
  });

  it('cutting a block keeps the later records verbatim; cutting all of it leaves nothing', async () => {
    const rs = await chainOf(4);
    const b = sealRuns(withTexts(rs), 4).blocks[0];
    if (!b) throw new Error('no block');
    const cut = cutBlock(b, 2);
    expect(cut).toMatchObject({ first: 3, last: 4, hashes: (rs[2]?.hash ?? '') + (rs[3]?.hash ?? '') });
    expect(cut?.lines).toBe(lines(b).slice(2).join('\n'));
    expect(cutBlock(b, 4)).toBeNull();
    expect(cutBlock(b, 0)).toBe(b);
    expect(() => cutBlock({ ...b, pks: [] }, 2)).toThrow(/damaged/);
  });
});

describe('sealed blocks: verify reads the log a few blocks at a time', () => {
  // 8 blocks are read per request: 30 records in blocks of 3 make 10 blocks, so the check crosses a request.
  it('a log longer than one read verifies whole, and a change in a block of the second read is found at its record', async () => {
    await appendEach(31);
    expect(await db.blocks.count()).toBe(10);
    expect(await repo.verify()).toEqual({ ok: true, records: 31, firstBadRecord: null });
    await tamper(28, (b) => ({ ...b, lines: b.lines.replace('"reason":"r28"', '"reason":"r28 (edited)"') }));
    expect(await repo.verify()).toEqual({ ok: false, records: 31, firstBadRecord: 29, problem: 'record content was changed' });
    expect((await repo.readVerified()).verify).toEqual(await repo.verify());
  });

  it('a block missing where one read ends and the next begins', async () => {
    await appendEach(31);
    await db.blocks.delete(25);
    expect(await repo.verify()).toMatchObject({ ok: false, records: 28, firstBadRecord: 28, problem: expect.stringMatching(/expected record 25, found 28/) as unknown });
  });

  it('a break in the first block still counts every stored record', async () => {
    await appendEach(31);
    await tamper(1, (b) => ({ ...b, hashes: `${'0'.repeat(64)}${b.hashes.slice(64)}` }));
    expect(await repo.verify()).toMatchObject({ ok: false, records: 31, firstBadRecord: 1 });
  });

  it('records with non-ASCII text (names, reasons) are hashed over their exact UTF-8, and a changed character is caught', async () => {
    const names = ['Dr. Ñoño Pérez', 'Dr. 日本 Ōta', 'Dr. 𝄞 Clef ✓', 'Dr. Zoë'];
    for (const [i, name] of names.entries()) await repo.append(draft({ reviewer: { userId: `u-${String(i)}`, name, role: 'prescriber' }, reason: `é${'✓'.repeat(i)}` }));
    expect(await db.blocks.count()).toBe(1);
    expect(await repo.verify()).toEqual({ ok: true, records: 4, firstBadRecord: null });
    await tamper(1, (b) => ({ ...b, lines: b.lines.replace('日本', '日木') }));
    expect(await repo.verify()).toMatchObject({ ok: false, firstBadRecord: 2, problem: 'record content was changed' });
  });

  it('a patient key the quick reading cannot take (escaped characters) is read exactly: the index still checks both ways', async () => {
    const odd = 'site|mrn:"Q\\7"';
    await repo.append(draft({ patient: { key: odd } }));
    await appendEach(2);
    expect((await block(1)).pks).toContain(odd);
    expect(await repo.verify()).toEqual({ ok: true, records: 3, firstBadRecord: null });
    await tamper(1, (b) => ({ ...b, pks: b.pks.filter((k) => k !== odd) }));
    expect(await repo.verify()).toMatchObject({ ok: false, firstBadRecord: 1, problem: expect.stringMatching(/patient index/) as unknown });
  });

  it('a line whose seq was rewritten as text fails on the exact reading, with its own reason', async () => {
    await appendEach(4);
    await tamper(1, (b) => ({ ...b, lines: b.lines.replace('"seq":2,', '"seq":"2",') }));
    expect(await repo.verify()).toMatchObject({ ok: false, firstBadRecord: 2, problem: 'record has no valid seq' });
  });
});

describe('sealed blocks: the append that seals a block', () => {
  it('stopped before it finished (the write aborted): nothing half-written, the log verifies meanwhile, and the next start seals it', async () => {
    await appendEach(2);
    // The sealing append's transaction fails where the sealed records leave the tail.
    const where = vi.spyOn(db.attestations, 'where').mockImplementation(() => {
      throw new DOMException('The transaction was aborted', 'AbortError');
    });
    const failed = await repo.append(draft({ reason: 'sealing' })).catch((e: unknown) => e);
    expect((failed as Error).message).toMatch(/interrupted/);
    where.mockRestore();
    // The block was not written without the tail rows leaving: the log is as it was, and it verifies.
    expect(await db.blocks.count()).toBe(0);
    expect(await db.attestations.count()).toBe(2);
    expect(await repo.verify()).toEqual({ ok: true, records: 2, firstBadRecord: null });
    const restarted = new AttestationRepository(new PmpDatabase(db.name), at, { blockSize: 3 });
    expect(await restarted.flush()).toBe(1);
    expect((await db.blocks.toArray()).map((b) => [b.first, b.last])).toEqual([[1, 3]]);
    expect(await db.attestations.count()).toBe(0);
    expect(await restarted.verify()).toEqual({ ok: true, records: 3, firstBadRecord: null });
    expect((await restarted.all()).map((r) => r.reason)).toEqual(['r0', 'r1', 'sealing']);
  });

  it('the log verifies at every moment while appends seal blocks', async () => {
    const checks: Promise<{ ok: boolean; records: number }>[] = [];
    const appends: Promise<unknown>[] = [];
    for (let i = 0; i < 10; i++) {
      appends.push(repo.append(draft({ reason: `r${String(i)}` })));
      checks.push(repo.verify());
      await Promise.resolve();
    }
    await Promise.all(appends);
    checks.push(repo.verify());
    const results = await Promise.all(checks);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.at(-1)).toMatchObject({ ok: true, records: 10 });
    expect((await db.blocks.toArray()).map((b) => b.first)).toEqual([1, 4, 7]);
  });

  it('the sealed records leave the tail by one range delete: the tail keeps exactly the unsealed ones', async () => {
    await appendEach(2);
    await Promise.all([repo.append(draft({ reason: 'a' })), repo.append(draft({ reason: 'b' }))]);
    expect((await db.attestations.toArray()).map((r) => r.seq)).toEqual([4]);
    expect(await repo.verify()).toEqual({ ok: true, records: 4, firstBadRecord: null });
  });
});
