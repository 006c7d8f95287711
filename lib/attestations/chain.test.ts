import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, hashInput, hashRecord, prefixDigest, sha256Hex, verifyChain, verifyChainSync, type ChainAnchor } from './chain';
import { GENESIS_HASH, type Attestation } from './schema';
import { chainOf } from './test-helpers';

const nodeSha = (t: string) => createHash('sha256').update(t).digest('hex');

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: undefined }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"z":1}]},"b":1}');
  });
  it('hashInput leaves out the top-level hash only, and keeps fields this version does not know', () => {
    expect(hashInput({ hash: 'x', b: { hash: 'y' }, future: 1 })).toBe('{"b":{"hash":"y"},"future":1}');
  });
});

describe('sha256Hex', () => {
  it.each([
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['é ✓', nodeSha('é ✓')],
  ])('%j', async (text, hex) => {
    expect(await sha256Hex(text)).toBe(hex);
  });
});

type Tamper = (rs: Attestation[]) => unknown[];
const clone = (rs: Attestation[]) => rs.map((r) => structuredClone(r));

// Each way of tampering with a 5-record log, and the record that must be reported first.
const TAMPERING: [string, Tamper, ChainAnchor | ((rs: Attestation[]) => ChainAnchor), number, RegExp][] = [
  ['an edited outcome', (rs) => { const c = clone(rs); (c[2] as Attestation).outcome = 'exempted'; return c; }, {}, 3, /content was changed/],
  ['an edited nested field (quantity)', (rs) => { const c = clone(rs); (c[1] as Attestation).order.quantity = 4; return c; }, {}, 2, /content was changed/],
  ['an added field', (rs) => { const c = clone(rs); (c[0] as Attestation & { note?: string }).note = 'x'; return c; }, {}, 1, /content was changed/],
  ['an edit with its own hash recomputed', (rs) => { const c = clone(rs); const r = c[1] as Attestation; r.reason = 'later'; r.hash = nodeSha(hashInput(r)); return c; }, {}, 3, /link .* broken/],
  ['the first record deleted', (rs) => rs.slice(1), {}, 2, /expected record 1, found 2/],
  ['a middle record deleted', (rs) => [...rs.slice(0, 2), ...rs.slice(3)], {}, 4, /deleted or reordered/],
  ['two records swapped', (rs) => [rs[0], rs[2], rs[1], rs[3], rs[4]], {}, 3, /expected record 2, found 3/],
  ['a record repeated', (rs) => [rs[0], rs[1], rs[1], rs[2]], {}, 2, /reordered or repeated/],
  ['the tail truncated (head known)', (rs) => rs.slice(0, 3), (rs) => ({ head: { seq: 5, hash: rs[4]?.hash ?? '' } }), 4, /truncated/],
  ['every record deleted (head known)', () => [], (rs) => ({ head: { seq: 5, hash: rs[4]?.hash ?? '' } }), 1, /truncated/],
  ['the last record replaced by a re-hashed one', (rs) => { const c = clone(rs); const r = c[4] as Attestation; r.outcome = 'declined'; r.hash = nodeSha(hashInput(r)); return c; }, (rs) => ({ head: { seq: 5, hash: rs[4]?.hash ?? '' } }), 5, /recorded head/],
  ['a record that is not an attestation', (rs) => [rs[0], { seq: 2, hello: 'x' }, ...rs.slice(2)], {}, 2, /schema/],
  ['a prefix cut off behind a made-up checkpoint', (rs) => rs.slice(2), { checkpoint: { throughSeq: 2, hash: 'f'.repeat(64) } }, 3, /link .* broken/],
];

describe('verifyChain', () => {
  it('accepts an empty log', async () => {
    expect(await verifyChain([])).toEqual({ ok: true, records: 0, firstBadRecord: null });
  });
  it('accepts an intact log, with and without its head', async () => {
    const rs = await chainOf(5);
    expect(await verifyChain(rs)).toEqual({ ok: true, records: 5, firstBadRecord: null });
    expect((await verifyChain(rs, { head: { seq: 5, hash: rs[4]?.hash ?? '' } })).ok).toBe(true);
  });
  it('accepts a purged log that links to its checkpoint', async () => {
    const rs = await chainOf(5);
    const cp = { throughSeq: 2, hash: rs[1]?.hash ?? '' };
    expect(await verifyChain(rs.slice(2), { checkpoint: cp, head: { seq: 5, hash: rs[4]?.hash ?? '' } })).toMatchObject({ ok: true, records: 3 });
    expect(await verifyChain([], { checkpoint: { throughSeq: 5, hash: rs[4]?.hash ?? '' }, head: { seq: 5, hash: rs[4]?.hash ?? '' } })).toMatchObject({ ok: true });
  });
  it.each(TAMPERING)('catches %s', async (_name, tamper, anchor, firstBad, problem) => {
    const rs = await chainOf(5);
    const a = typeof anchor === 'function' ? anchor(rs) : anchor;
    const r = await verifyChain(tamper(rs), a);
    expect(r).toMatchObject({ ok: false, firstBadRecord: firstBad });
    expect(r.problem).toMatch(problem);
    // The synchronous check (command line) gives the same answer.
    expect(verifyChainSync(tamper(rs), a, nodeSha)).toEqual(r);
  });
  it("'links' depth (a log this extension wrote) checks hashes and links but not the schema; 'full' checks both", async () => {
    const rs = await chainOf(2);
    const odd = clone(rs);
    const r = odd[1] as Partial<Attestation>;
    delete r.reviewer;
    r.hash = nodeSha(hashInput(r));
    expect(await verifyChain(odd, {}, { depth: 'links' })).toMatchObject({ ok: true });
    expect(await verifyChain(odd)).toMatchObject({ ok: false, firstBadRecord: 2, problem: expect.stringMatching(/schema \(reviewer/) as unknown });
    expect(await verifyChain([rs[0], { ...rs[1], seq: 'two' }], {}, { depth: 'links' })).toMatchObject({ ok: false, firstBadRecord: 2, problem: 'record has no valid seq' });
    expect(await verifyChain([rs[0], { ...rs[1], hash: 'nope' }], {}, { depth: 'links' })).toMatchObject({ ok: false, problem: 'record has no valid hash' });
    expect(await verifyChain([null], {}, { depth: 'links' })).toMatchObject({ ok: false, firstBadRecord: 1, problem: 'record is not an object' });
  });

  it("the quick path for a record in place takes nothing on trust: a checkpoint hash that is not a hash, or a hash in capitals, is still named", async () => {
    const [r] = await chainOf(1, { from: { seq: 3, hash: 'not-a-hash' } });
    if (!r) throw new Error('no record');
    const anchor = { checkpoint: { throughSeq: 3, hash: 'not-a-hash' } };
    expect(await verifyChain([r], anchor, { depth: 'links' })).toMatchObject({ ok: false, firstBadRecord: 4, problem: 'record has no valid prevHash' });
    const [good] = await chainOf(1, { from: { seq: 3, hash: 'a'.repeat(64) } });
    if (!good) throw new Error('no record');
    const real = { checkpoint: { throughSeq: 3, hash: 'a'.repeat(64) } };
    expect(await verifyChain([good], real, { depth: 'links' })).toMatchObject({ ok: true, records: 1 });
    expect(await verifyChain([{ ...good, hash: good.hash.toUpperCase() }], real, { depth: 'links' })).toMatchObject({ ok: false, problem: 'record has no valid hash' });
  });

  it('a long log is checked in chunks and still reports the right record', async () => {
    const rs = await chainOf(12_000);
    (rs[11_500] as Attestation).reason = 'edited';
    expect(await verifyChain(rs, {}, { depth: 'links' })).toMatchObject({ ok: false, records: 12_000, firstBadRecord: 11_501 });
  }, 30_000);

  it('hashes exactly what it links: a record hash is over everything but the hash', async () => {
    const [r] = await chainOf(1);
    if (!r) throw new Error('no record');
    const { hash, ...rest } = r;
    expect(await hashRecord(rest)).toBe(hash);
    expect(r.prevHash).toBe(GENESIS_HASH);
  });
});

describe('prefixDigest', () => {
  it('is a deterministic digest of every purged hash and of the previous checkpoint', async () => {
    const rs = await chainOf(4);
    const d = await prefixDigest(null, rs);
    expect(d).toMatch(/^[0-9a-f]{64}$/);
    expect(await prefixDigest(null, rs)).toBe(d);
    expect(await prefixDigest(null, rs.slice(1))).not.toBe(d);
    expect(await prefixDigest(null, [...rs.slice(0, 3), { hash: 'f'.repeat(64) }])).not.toBe(d);
    expect(await prefixDigest({ prefixDigest: 'a'.repeat(64) }, rs)).not.toBe(d);
  });
});
