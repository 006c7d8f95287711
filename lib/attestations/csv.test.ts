import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from './csv';
import type { Attestation } from './schema';
import { draft } from './test-helpers';

describe('csvCell', () => {
  it.each([
    ['plain', '"plain"'],
    ['has "quotes"', '"has ""quotes"""'],
    ['=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
    ['+1', '"\'+1"'],
    ['-2', '"\'-2"'],
    ['@SUM(A1)', '"\'@SUM(A1)"'],
    ['\tx', '"\'\tx"'],
    [undefined, '""'],
    [null, '""'],
    [40, '"40"'],
    [['a', 'b'], '"a b"'],
  ])('%j → %s', (input, out) => {
    expect(csvCell(input)).toBe(out);
  });
});

describe('toCsv', () => {
  it('writes a header and one row per record, formula-safe', () => {
    const rec: Attestation = { ...draft({ reason: '=cmd()' }), seq: 1, id: '00000000-0000-4000-8000-000000000000', createdAt: '2026-11-22T15:00:00.000Z', prevHash: '0'.repeat(64), hash: 'a'.repeat(64) };
    const lines = toCsv([rec]).split('\r\n');
    expect(lines[0]?.startsWith('"seq","recorded_at","outcome"')).toBe(true);
    expect(lines[1]).toContain('"\'=cmd()"');
    expect(lines[1]).toContain('"MRN-100234"');
    expect(lines).toHaveLength(3);
  });
});
