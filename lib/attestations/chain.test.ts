import { describe, expect, it } from 'vitest';
import { canonicalJson, sha256Hex, verifyChain } from './chain';

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: undefined }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"z":1}]},"b":1}');
  });
});

describe('sha256Hex', () => {
  it('matches the known digest of "abc"', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('verifyChain', () => {
  it('accepts an empty log', async () => {
    expect(await verifyChain([])).toEqual({ ok: true, records: 0, firstBadRecord: null });
  });
  it('refuses a record that is not an attestation', async () => {
    expect(await verifyChain([{ seq: 1, hello: 'x' }])).toMatchObject({ ok: false, firstBadRecord: 1 });
  });
});
