import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from './chain';
import { sha256HexSync } from './sha256';

const node = (t: string) => createHash('sha256').update(t, 'utf8').digest('hex');

describe('sha256HexSync', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
  ])('FIPS 180 example %j', (text, hex) => {
    expect(sha256HexSync(text)).toBe(hex);
  });

  it.each([55, 56, 63, 64, 65, 119, 120, 1000, 5000])('a %i-byte message (padding edges)', (n) => {
    const t = 'a'.repeat(n);
    expect(sha256HexSync(t)).toBe(node(t));
  });

  it('non-ASCII text is hashed as UTF-8', async () => {
    const t = 'Ñoño é ✓ 𝄞 日本';
    expect(sha256HexSync(t)).toBe(node(t));
    expect(sha256HexSync(t)).toBe(await sha256Hex(t));
  });

  it('agrees with node:crypto on any string (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (t) => sha256HexSync(t) === node(t)), { numRuns: 300 });
  });

  it('agrees with WebCrypto', async () => {
    for (const t of ['x', '{"a":1}', 'z'.repeat(777)]) expect(sha256HexSync(t)).toBe(await sha256Hex(t));
  });
});
