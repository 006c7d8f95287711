import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashInput, sha256Hex } from './chain';
import { PmpDatabase } from './db';
import { buildLogExport, logExportText, parseLogExport, verifyLogExport, type LogExport } from './export-json';
import { importLog } from './import';
import { loadPracticeLog } from './practice-log';
import { AttestationRepository } from './repository';
import { applyRetention, previewRetention, retentionCutoff } from './retention';
import type { Attestation } from './schema';
import { delegateDraft, draft } from './test-helpers';

let n = 0;
const opened: PmpDatabase[] = [];
function machine(clock: () => Date) {
  const db = new PmpDatabase(`machine-${String(++n)}`);
  opened.push(db);
  return { db, repo: new AttestationRepository(db, clock, { retryDelaysMs: [0], setTimer: () => undefined }) };
}
let now = new Date('2026-11-22T15:00:00Z');
const clock = () => now;
let prescriber: ReturnType<typeof machine>;
let delegate: ReturnType<typeof machine>;

beforeEach(() => {
  now = new Date('2026-11-22T15:00:00Z');
  prescriber = machine(clock);
  delegate = machine(clock);
});
afterEach(async () => {
  for (const db of opened.splice(0)) await db.delete();
});

async function exportOf(m: ReturnType<typeof machine>, name = 'Sam Nurse'): Promise<LogExport> {
  return buildLogExport(m.db, m.repo, { now, exportedBy: { name, role: 'delegate' } });
}
const text = (e: LogExport) => logExportText(e);
/** Re-hashes one record in place, the way a forger who knows the scheme would. */
async function rehash(r: Attestation): Promise<void> {
  r.hash = await sha256Hex(hashInput(r));
}

describe('JSON export', () => {
  it('holds the whole chain with its head and verifies; its text is valid JSON with one record per line', async () => {
    await delegate.repo.append(delegateDraft());
    await delegate.repo.append(delegateDraft({ outcome: 'pmp-unavailable', followUpDueAt: '2026-11-23T15:00:00.000Z' }));
    const exp = await exportOf(delegate);
    expect(exp.chains).toHaveLength(1);
    expect(exp.chains[0]).toMatchObject({ label: 'Sam Nurse', head: { seq: 2 }, checkpoint: null });
    const t = text(exp);
    expect(t.split('\n').filter((l) => l.startsWith('    {"'))).toHaveLength(2);
    const parsed = parseLogExport(t);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(await verifyLogExport(parsed.log)).toEqual({ ok: true, records: 2, firstBadRecord: null, chains: 1 });
  });

  it('an empty log exports and verifies', async () => {
    const parsed = parseLogExport(text(await exportOf(delegate)));
    expect(parsed.ok && (await verifyLogExport(parsed.log))).toMatchObject({ ok: true, records: 0 });
  });

  it.each([
    ['not json', 'Not valid JSON'],
    ['{"format":"something-else"}', 'Not a PMP Check attestation log'],
    ['[]', 'Not a PMP Check attestation log'],
    ['{"format":"pmp-check-attestation-log","version":1}', 'incomplete or damaged'],
    ['{"format":"pmp-check-attestation-log","version":2,"exportedAt":"2026-11-22T15:00:00Z","sourceChainId":"x","chains":[]}', 'incomplete or damaged'],
  ])('refuses %s with a clear message', (input, message) => {
    const r = parseLogExport(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(message);
  });
});

describe('import / merge', () => {
  it("merges a delegate's log: records added, the chain verified, the delegate's review now in the prescriber's history", async () => {
    await delegate.repo.append(delegateDraft());
    await delegate.repo.append(delegateDraft({ patient: { key: 'p2', mrn: 'MRN-2' } }));
    const report = await importLog(prescriber.db, prescriber.repo, text(await exportOf(delegate)), { now });
    expect(report).toMatchObject({ ok: true, added: 2, duplicates: 0, refusedChains: 0 });
    expect(report.chains[0]).toMatchObject({ status: 'merged', label: 'Sam Nurse' });
    const h = await prescriber.repo.historyFor('http://127.0.0.1:47811|mrn:MRN-100234');
    expect(h.map((e) => e.record.reviewer.name)).toEqual(['Sam Nurse']);
    const log = await loadPracticeLog(prescriber.db, prescriber.repo);
    expect(log.chains.map((c) => [c.label, c.records, c.verify.ok])).toEqual([
      ['This machine', 0, true],
      ['Sam Nurse', 2, true],
    ]);
  });

  it('de-duplicates: importing the same file twice adds nothing; a later export adds only what is new', async () => {
    await delegate.repo.append(delegateDraft());
    const first = text(await exportOf(delegate));
    await importLog(prescriber.db, prescriber.repo, first, { now });
    expect(await importLog(prescriber.db, prescriber.repo, first, { now })).toMatchObject({ added: 0, duplicates: 1, chains: [{ status: 'up-to-date' }] });
    await delegate.repo.append(delegateDraft({ reason: 'second' }));
    expect(await importLog(prescriber.db, prescriber.repo, text(await exportOf(delegate)), { now })).toMatchObject({ added: 1, duplicates: 1 });
    expect(await prescriber.db.imported.count()).toBe(2);
  });

  it("an export of the practice log carries the imported chains too, and another machine can merge them all", async () => {
    await delegate.repo.append(delegateDraft());
    await importLog(prescriber.db, prescriber.repo, text(await exportOf(delegate)), { now });
    await prescriber.repo.append(draft());
    const third = machine(clock);
    const report = await importLog(third.db, third.repo, text(await exportOf(prescriber, 'Dr. Avery Quill')), { now });
    expect(report).toMatchObject({ added: 2, refusedChains: 0 });
    // The delegate's own log coming back to the delegate's machine is recognised, not duplicated.
    const back = await importLog(delegate.db, delegate.repo, text(await exportOf(prescriber, 'Dr. Avery Quill')), { now });
    expect(back.chains.map((c) => c.status).sort()).toEqual(['merged', 'own-log']);
    expect(await delegate.db.imported.count()).toBe(1);
  });

  type Forgery = (e: LogExport) => Promise<void> | void;
  const recs = (e: LogExport) => e.chains[0]?.records as Attestation[];
  it.each<[string, Forgery, RegExp]>([
    ['an edited outcome', (e) => { (recs(e)[1] as Attestation).outcome = 'reviewed'; }, /record 2: record content was changed/],
    ['an edited record re-hashed', async (e) => { const r = recs(e)[0] as Attestation; r.reviewer.name = 'Dr. Someone Else'; await rehash(r); }, /record 2: link to the previous record is broken/],
    ['a deleted record', (e) => { recs(e).splice(1, 1); }, /record 3/],
    ['reordered records', (e) => { const r = recs(e); [r[0], r[1]] = [r[1] as Attestation, r[0] as Attestation]; }, /record 2/],
    ['a truncated tail', (e) => { recs(e).pop(); }, /truncated/],
    ['an inserted record', (e) => { const r = recs(e); r.splice(1, 0, { ...(r[0] as Attestation), id: '00000000-0000-4000-8000-00000000ffff' }); }, /record 1/],
  ])('refuses a forged log (%s) and says why; nothing is imported', async (_name, forge, why) => {
    await delegate.repo.append(delegateDraft());
    await delegate.repo.append(delegateDraft({ outcome: 'pmp-unavailable', followUpDueAt: '2026-11-23T15:00:00.000Z' }));
    await delegate.repo.append(delegateDraft());
    const exp = await exportOf(delegate);
    await forge(exp);
    const report = await importLog(prescriber.db, prescriber.repo, text(exp), { now });
    expect(report).toMatchObject({ ok: true, added: 0, refusedChains: 1 });
    expect(report.chains[0]?.status).toBe('refused');
    expect(report.chains[0]?.reason).toMatch(/hash chain broken/);
    expect(report.chains[0]?.reason).toMatch(why);
    expect(await prescriber.db.imported.count()).toBe(0);
    expect(await prescriber.db.chains.count()).toBe(0);
  });

  it('refuses a consistently re-forged log that contradicts the copy imported before', async () => {
    await delegate.repo.append(delegateDraft());
    await delegate.repo.append(delegateDraft());
    const exp = await exportOf(delegate);
    await importLog(prescriber.db, prescriber.repo, text(exp), { now });
    // A forger rewrites record 2 and re-hashes it and the head: the file verifies on its own.
    const forged = structuredClone(exp);
    const r2 = recs(forged)[1] as Attestation;
    r2.outcome = 'exempted';
    r2.exemption = { id: 'x', text: 'made up' };
    await rehash(r2);
    const c = forged.chains[0];
    if (c) c.head = { seq: 2, hash: r2.hash };
    expect((await verifyLogExport(forged)).ok).toBe(true);
    const report = await importLog(prescriber.db, prescriber.repo, text(forged), { now });
    expect(report.chains[0]).toMatchObject({ status: 'refused', firstBadRecord: 2 });
    expect(report.chains[0]?.reason).toMatch(/differs from the copy imported on 2026-11-22/);
  });

  it('refuses a chain that repeats a record id already in the log under another chain', async () => {
    await delegate.repo.append(delegateDraft());
    const exp = await exportOf(delegate);
    await importLog(prescriber.db, prescriber.repo, text(exp), { now });
    const copy = structuredClone(exp);
    const c = copy.chains[0];
    if (c) c.chainId = 'a-copied-chain';
    const report = await importLog(prescriber.db, prescriber.repo, text(copy), { now });
    expect(report.chains[0]).toMatchObject({ status: 'refused' });
    expect(report.chains[0]?.reason).toMatch(/repeats a record already in the log/);
  });

  it("refuses a file claiming this machine's own log with different content", async () => {
    await prescriber.repo.append(draft());
    const exp = await exportOf(prescriber);
    const r = recs(exp)[0] as Attestation;
    r.reason = 'edited';
    await rehash(r);
    const c = exp.chains[0];
    if (c) c.head = { seq: 1, hash: r.hash };
    const report = await importLog(prescriber.db, prescriber.repo, text(exp), { now });
    expect(report.chains[0]?.reason).toMatch(/differs from this machine's own log/);
  });

  it('one bad chain does not stop the good ones in the same file', async () => {
    await delegate.repo.append(delegateDraft());
    const good = await exportOf(delegate);
    const other = machine(clock);
    await other.repo.append(delegateDraft({ reviewer: { userId: 'u3', name: 'Kit Aide', role: 'delegate' } }));
    const bad = await exportOf(other, 'Kit Aide');
    const badChain = bad.chains[0];
    if (!badChain) throw new Error('no chain');
    (badChain.records[0] as Attestation).outcome = 'declined';
    const both: LogExport = { ...good, chains: [...good.chains, badChain] };
    const report = await importLog(prescriber.db, prescriber.repo, text(both), { now });
    expect(report.chains.map((x) => x.status)).toEqual(['merged', 'refused']);
    expect(report.added).toBe(1);
  });

  it.each([
    ['not JSON', 'garbage', /Not valid JSON/],
    ['another format', '{"format":"csv"}', /Not a PMP Check attestation log/],
  ])('refuses a file that is %s, importing nothing', async (_n, input, message) => {
    const r = await importLog(prescriber.db, prescriber.repo, input, { now });
    expect(r).toMatchObject({ ok: false, added: 0 });
    expect(r.error).toMatch(message);
  });

  it('refuses a file over the size limit', async () => {
    const r = await importLog(prescriber.db, prescriber.repo, 'x'.repeat(2048), { now, maxBytes: 1024 });
    expect(r.error).toMatch(/too large/);
  });

  it('a chain listed twice in one file is refused the second time', async () => {
    await delegate.repo.append(delegateDraft());
    const exp = await exportOf(delegate);
    const c = exp.chains[0];
    if (!c) throw new Error('no chain');
    const twice = { ...exp, chains: [c, c] };
    expect((await verifyLogExport(twice)).ok).toBe(false);
    const r = await importLog(prescriber.db, prescriber.repo, text(twice), { now });
    expect(r.chains.map((x) => x.status)).toEqual(['merged', 'refused']);
    expect(r.chains[1]?.reason).toMatch(/appears twice/);
  });
});

describe('retention across machines', () => {
  async function at(t: string, fn: () => Promise<unknown>): Promise<void> {
    now = new Date(t);
    await fn();
  }

  it('a purged log still exports, verifies and imports; the importer purges its copy the same way', async () => {
    await at('2018-01-01T00:00:00Z', () => delegate.repo.append(delegateDraft()));
    await at('2019-01-01T00:00:00Z', () => delegate.repo.append(delegateDraft()));
    await at('2026-01-01T00:00:00Z', () => delegate.repo.append(delegateDraft()));
    now = new Date('2026-11-22T15:00:00Z');
    await importLog(prescriber.db, prescriber.repo, text(await exportOf(delegate)), { now });
    const cutoff = retentionCutoff(now, 6);
    expect(cutoff.toISOString()).toBe('2020-11-22T15:00:00.000Z');
    expect(await previewRetention(prescriber.db, prescriber.repo, cutoff)).toEqual({ own: 0, imported: 2 });
    expect(await applyRetention(prescriber.db, prescriber.repo, cutoff, now)).toEqual({ own: 0, imported: 2 });
    const log = await loadPracticeLog(prescriber.db, prescriber.repo);
    expect(log.chains[1]).toMatchObject({ records: 1, purged: 2, verify: { ok: true } });

    // The delegate purges too; the purged export verifies and merges as up to date.
    await applyRetention(delegate.db, delegate.repo, cutoff, now);
    const purged = await exportOf(delegate);
    expect(purged.chains[0]?.checkpoint).toMatchObject({ throughSeq: 2, purgedCount: 2 });
    expect((await verifyLogExport(purged)).ok).toBe(true);
    expect(await importLog(prescriber.db, prescriber.repo, text(purged), { now })).toMatchObject({ added: 0, refusedChains: 0 });
    // A machine that never saw the log takes it from its checkpoint.
    const third = machine(clock);
    expect(await importLog(third.db, third.repo, text(purged), { now })).toMatchObject({ added: 1 });
  });

  it('refuses to merge across a gap the source purged before this machine imported it', async () => {
    await at('2018-01-01T00:00:00Z', () => delegate.repo.append(delegateDraft()));
    await importLog(prescriber.db, prescriber.repo, text(await exportOf(delegate)), { now });
    await at('2019-01-01T00:00:00Z', () => delegate.repo.append(delegateDraft()));
    await at('2026-01-01T00:00:00Z', () => delegate.repo.append(delegateDraft()));
    now = new Date('2026-11-22T15:00:00Z');
    await applyRetention(delegate.db, delegate.repo, retentionCutoff(now, 6), now);
    const r = await importLog(prescriber.db, prescriber.repo, text(await exportOf(delegate)), { now });
    expect(r.chains[0]?.status).toBe('refused');
    expect(r.chains[0]?.reason).toMatch(/records 2–2 of this log were purged/);
  });

  it('a checkpoint forged to hide deleted records does not verify', async () => {
    for (const t of ['2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z', '2025-03-01T00:00:00Z']) await at(t, () => delegate.repo.append(delegateDraft()));
    const exp = await exportOf(delegate);
    const c = exp.chains[0];
    if (!c) throw new Error('no chain');
    c.records = c.records.slice(2);
    c.checkpoint = { throughSeq: 2, hash: 'e'.repeat(64), prefixDigest: 'e'.repeat(64), purgedCount: 2, purgedAt: now.toISOString(), cutoff: now.toISOString() };
    expect(await verifyLogExport(exp)).toMatchObject({ ok: false, firstBadRecord: 3, problem: expect.stringMatching(/link/) as unknown });
  });
});
