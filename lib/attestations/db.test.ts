import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
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
  it('is at version 2', () => {
    expect(DB_VERSION).toBe(2);
    expect(new PmpDatabase(freshName()).verno).toBe(2);
  });

  it('a new database gets its chain id and every table', async () => {
    const db = new PmpDatabase(freshName());
    await db.open();
    expect(db.tables.map((t) => t.name).sort()).toEqual(['attestations', 'chains', 'imported', 'meta', 'outbox']);
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
    expect(db.verno).toBe(2);
    expect(await db.attestations.toArray()).toEqual(records);
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
});
