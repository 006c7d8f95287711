import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { BLOCK_SIZE } from './blocks';
import { hashInput } from './chain';
import { PmpDatabase, DB_VERSION, MetaRow } from './db';
import { AttestationRepository } from './repository';
import type { Attestation } from './schema';
import { chainOf, draft } from './test-helpers';

let n = 0;
const names: string[] = [];
function freshName(): string {
  const name = `db-upgrade-${String(++n)}`;
  names.push(name);
  return name;
}
afterEach(async () => {
  for (const name of names.splice(0)) await Dexie.delete(name);
});

/** The database exactly as version 1 of the extension declared it. */
function openVersion1(name: string): Dexie & { attestations: Dexie.Table<Attestation, number>; meta: Dexie.Table<{ key: string; seq: number; hash: string }, string> } {
  const db = new Dexie(name) as Dexie & { attestations: Dexie.Table<Attestation, number>; meta: Dexie.Table<{ key: string; seq: number; hash: string }, string> };
  db.version(1).stores({ attestations: 'seq, &id, patient.key, createdAt, outcome', meta: 'key' });
  return db;
}

describe('PmpDatabase versions', () => {
  it('is at version 3', () => {
    expect(DB_VERSION).toBe(3);
    expect(new PmpDatabase(freshName()).verno).toBe(3);
  });

  it('a new database gets its chain id and every table', async () => {
    const db = new PmpDatabase(freshName());
    await db.open();
    expect(db.tables.map((t) => t.name).sort()).toEqual(['attestations', 'blocks', 'chains', 'imported', 'meta', 'outbox']);
    const chain = MetaRow.parse(await db.meta.get('chain'));
    expect(chain).toMatchObject({ key: 'chain', chainId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown });
    db.close();
  });

  it('upgrades a version 1 log: records and head kept as they were, chain still verifies, lookups by patient still work', async () => {
    const name = freshName();
    const v1 = openVersion1(name);
    const records = await chainOf(3);
    await v1.attestations.bulkAdd(records);
    const last = records[2];
    if (!last) throw new Error('no record');
    await v1.meta.put({ key: 'head', seq: 3, hash: last.hash });
    v1.close();

    const db = new PmpDatabase(name);
    await db.open();
    expect(db.verno).toBe(3);
    // Fewer records than a block: they stay one row each.
    expect(await db.attestations.toArray()).toEqual(records);
    expect(await db.blocks.count()).toBe(0);
    expect(MetaRow.parse(await db.meta.get('head'))).toEqual({ key: 'head', seq: 3, hash: last.hash });
    expect(MetaRow.parse(await db.meta.get('chain')).key).toBe('chain');
    expect(db.attestations.schema.indexes.map((i) => i.name).sort()).toEqual(['id', 'patient.key']);
    expect((await db.attestations.where('patient.key').equals(records[1]?.patient.key ?? '').toArray()).map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(await db.outbox.count()).toBe(0);
    const repo = new AttestationRepository(db);
    expect(await repo.verify()).toEqual({ ok: true, records: 3, firstBadRecord: null });
    // and the upgraded log keeps growing as one chain
    const next = await repo.append(draft());
    expect(next).toMatchObject({ seq: 4, prevHash: last.hash });
    expect((await repo.verify()).ok).toBe(true);
    db.close();
  });

  it('upgrading an empty version 1 database works too', async () => {
    const name = freshName();
    const v1 = openVersion1(name);
    await v1.open();
    v1.close();
    const db = new PmpDatabase(name);
    const repo = new AttestationRepository(db);
    expect(await repo.verify()).toEqual({ ok: true, records: 0, firstBadRecord: null });
    expect((await repo.chainState()).chainId).toMatch(/^[0-9a-f-]{36}$/);
    db.close();
  });

  it('the chain id survives reopening (it names this machine\'s log in every export)', async () => {
    const name = freshName();
    const first = new PmpDatabase(name);
    const id = (await new AttestationRepository(first).chainState()).chainId;
    first.close();
    const db = new PmpDatabase(name);
    const b = new AttestationRepository(db);
    expect((await b.chainState()).chainId).toBe(id);
    db.close();
  });

  it('upgrades a version 2 log: full runs of records become sealed blocks, the rest stays the tail, and nothing else changes', async () => {
    const name = freshName();
    const v2 = openVersion2(name);
    const n = 2 * BLOCK_SIZE + 3;
    const records = await chainOf(n, { over: (i) => ({ patient: { key: `p${String(i % 7)}`, mrn: `MRN-${String(i % 7)}` }, reason: `r${String(i)}` }) });
    await v2.attestations.bulkAdd(records);
    const last = records.at(-1);
    if (!last) throw new Error('no record');
    await v2.meta.put({ key: 'head', seq: n, hash: last.hash });
    v2.close();

    const db = new PmpDatabase(name);
    await db.open();
    expect(db.verno).toBe(3);
    const blocks = await db.blocks.toArray();
    expect(blocks.map((b) => [b.first, b.last])).toEqual([
      [1, BLOCK_SIZE],
      [BLOCK_SIZE + 1, 2 * BLOCK_SIZE],
    ]);
    // Each record is kept as the exact text its hash was taken over.
    expect(blocks[0]?.lines.split('\n')[0]).toBe(hashInput(records[0] ?? {}));
    expect(blocks[0]?.pks.sort()).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
    expect((await db.attestations.toArray()).map((r) => r.seq)).toEqual([n - 2, n - 1, n]);
    const repo = new AttestationRepository(db);
    expect(await repo.all()).toEqual(records);
    expect(await repo.verify()).toEqual({ ok: true, records: n, firstBadRecord: null });
    expect((await repo.forPatient('p3')).map((r) => r.seq)).toEqual(records.filter((r) => r.patient.key === 'p3').map((r) => r.seq));
    expect(await repo.append(draft())).toMatchObject({ seq: n + 1, prevHash: last.hash });
    expect((await repo.verify()).ok).toBe(true);
    db.close();
  });

  it('a damaged version 2 log is not sealed over: the damaged run stays as it was and still fails the check', async () => {
    const name = freshName();
    const v2 = openVersion2(name);
    const n = BLOCK_SIZE + 1;
    const records = await chainOf(n);
    const damaged = records.map((r) => (r.seq === 7 ? { ...r, hash: 'not a hash' } : r));
    await v2.attestations.bulkAdd(damaged);
    await v2.meta.put({ key: 'head', seq: n, hash: records.at(-1)?.hash ?? '' });
    v2.close();

    const db = new PmpDatabase(name);
    await db.open();
    expect(await db.blocks.count()).toBe(0);
    expect(await db.attestations.count()).toBe(n);
    expect(await new AttestationRepository(db).verify()).toMatchObject({ ok: false, firstBadRecord: 7, problem: 'record has no valid hash' });
    db.close();
  });
});

/** The database exactly as version 2 of the extension declared it. */
function openVersion2(name: string): Dexie & { attestations: Dexie.Table<Attestation, number>; meta: Dexie.Table<{ key: string; seq: number; hash: string }, string> } {
  const db = new Dexie(name) as Dexie & { attestations: Dexie.Table<Attestation, number>; meta: Dexie.Table<{ key: string; seq: number; hash: string }, string> };
  db.version(1).stores({ attestations: 'seq, &id, patient.key, createdAt, outcome', meta: 'key' });
  db.version(2).stores({
    attestations: 'seq, &id, patient.key',
    outbox: '++qid',
    chains: 'chainId',
    imported: '[chainId+seq], &id, chainId, record.patient.key, record.createdAt',
  });
  return db;
}
