import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyChain } from './chain';
import { PmpDatabase } from './db';
import { AttestationRepository } from './repository';
import { GENESIS_HASH } from './schema';
import { draft } from './test-helpers';

let db: PmpDatabase;
let repo: AttestationRepository;
let n = 0;

beforeEach(() => {
  db = new PmpDatabase(`test-${String(++n)}`);
  repo = new AttestationRepository(db, () => new Date('2026-11-22T15:00:00Z'));
});
afterEach(async () => {
  await db.delete();
});

describe('AttestationRepository', () => {
  it('chains records: each carries the hash of the one before', async () => {
    const a = await repo.append(draft());
    const b = await repo.append(draft({ outcome: 'pmp-unavailable', followUpDueAt: '2026-11-23T15:00:00.000Z' }));
    expect(a.seq).toBe(1);
    expect(a.prevHash).toBe(GENESIS_HASH);
    expect(b.prevHash).toBe(a.hash);
    expect(await repo.verify()).toEqual({ ok: true, records: 2, firstBadRecord: null });
  });

  it('serialises concurrent appends into one unbroken chain', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => repo.append(draft({ reason: `r${String(i)}` }))));
    const rows = await repo.all();
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect((await repo.verify()).ok).toBe(true);
  });

  it('refuses an invalid draft and stores nothing', async () => {
    await expect(repo.append(draft({ reviewer: { userId: '', name: '', role: 'prescriber' } }))).rejects.toThrow();
    expect(await repo.all()).toEqual([]);
    // and the next valid append still works
    await expect(repo.append(draft())).resolves.toMatchObject({ seq: 1 });
  });

  it('finds a patient\'s records by key only', async () => {
    await repo.append(draft());
    await repo.append(draft({ patient: { key: 'other', initials: 'RS' } }));
    expect((await repo.forPatient('other')).map((r) => r.patient.initials)).toEqual(['RS']);
  });

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
});
