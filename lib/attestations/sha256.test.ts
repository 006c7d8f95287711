import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from './chain';
import { encodeShared, sha256Bytes, sha256HexSync, sha256Text, wordsMatchHex, wordsToHex } from './sha256';

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

describe('sha256Bytes (hashing in place) and the digest words', () => {
  it.each([0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 700])('a %i-byte message anywhere inside a larger buffer, around other bytes', (n) => {
    const msg = Buffer.from('é'.repeat(n).slice(0, n), 'latin1');
    for (const start of [0, 1, 3, 64, 77]) {
      const buf = new Uint8Array(start + n + 50).fill(0xff);
      buf.set(msg, start);
      const out = new Int32Array(12).fill(7);
      sha256Bytes(buf, start, start + n, out, 2);
      expect(wordsToHex(out, 2)).toBe(createHash('sha256').update(msg).digest('hex'));
      // Only its 8 words are written.
      expect([out[0], out[1], out[10], out[11]]).toEqual([7, 7, 7, 7]);
    }
  });

  it('hashes each line of one encoded text where it lies, as if each were hashed alone (non-ASCII included)', () => {
    const texts = ['{"a":"Ñoño"}', '', '{"b":"日本 𝄞 ✓"}', 'x'.repeat(130)];
    const { bytes, length } = encodeShared(texts.join('\n'));
    const out = new Int32Array(8);
    let pos = 0;
    for (const t of texts) {
      const end = Math.min(length, bytes.indexOf(10, pos) < 0 ? length : bytes.indexOf(10, pos));
      sha256Bytes(bytes, pos, end, out);
      expect(wordsToHex(out)).toBe(node(t));
      pos = end + 1;
    }
  });

  it('a view into the middle of a larger buffer (its own byte offset) hashes its own bytes', () => {
    const whole = new TextEncoder().encode(`${'#'.repeat(37)}${'q'.repeat(200)}${'#'.repeat(11)}`);
    const view = whole.subarray(37, 37 + 200);
    const out = new Int32Array(8);
    sha256Bytes(view, 0, 200, out);
    expect(wordsToHex(out)).toBe(node('q'.repeat(200)));
    sha256Bytes(view, 70, 135, out);
    expect(wordsToHex(out)).toBe(node('q'.repeat(65)));
  });

  it('wordsMatchHex: true only for the same digest written as 64 lower-case hex digits', () => {
    const out = new Int32Array(8);
    sha256Text('abc', out);
    const hex = node('abc');
    expect(wordsMatchHex(out, 0, hex)).toBe(true);
    expect(wordsMatchHex(out, 0, hex.toUpperCase())).toBe(false);
    expect(wordsMatchHex(out, 0, `${hex.slice(0, 63)}0`)).toBe(false);
    expect(wordsMatchHex(out, 0, `0${hex.slice(1)}`)).toBe(false);
    expect(wordsMatchHex(out, 0, hex.slice(0, 62))).toBe(false);
    expect(wordsMatchHex(out, 0, `${hex}0`)).toBe(false);
    expect(wordsMatchHex(out, 0, '')).toBe(false);
  });

  it('agrees with node:crypto on any string hashed in place at any offset (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.nat(40), (t, pad) => {
        const bytes = new TextEncoder().encode(t);
        const buf = new Uint8Array(pad + bytes.length + 3);
        buf.set(bytes, pad);
        const out = new Int32Array(8);
        sha256Bytes(buf, pad, pad + bytes.length, out);
        return wordsMatchHex(out, 0, node(t));
      }),
      { numRuns: 300 },
    );
  });
});
