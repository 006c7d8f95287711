// @vitest-environment node
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { logExportText, LOG_FORMAT, type LogExport } from '../../attestations/export-json';
import type { Attestation } from '../../attestations/schema';
import { chainOf, delegateDraft } from '../../attestations/test-helpers';
import { runInput } from '../commands';

const ROOT = resolve(import.meta.dirname, '../../..');

async function exported(n = 3): Promise<LogExport> {
  const records = await chainOf(n, { over: () => delegateDraft() });
  const last = records.at(-1);
  return {
    format: LOG_FORMAT,
    version: 1,
    exportedAt: '2026-11-22T15:00:00.000Z',
    sourceChainId: 'chain-a',
    chains: [{ chainId: 'chain-a', label: 'Sam Nurse', checkpoint: null, head: { seq: n, hash: last?.hash ?? '0'.repeat(64) }, records }],
  };
}

describe('verify-log', () => {
  it('an intact log → ok, with the record count', async () => {
    const r = runInput('verify-log', logExportText(await exported()));
    expect(r).toEqual({ ok: true, value: { ok: true, records: 3, firstBadRecord: null, chains: 1 } });
  });

  it.each<[string, (e: LogExport) => void, number]>([
    ['an edit', (e) => { ((e.chains[0]?.records[1]) as Attestation).outcome = 'declined'; }, 2],
    ['a deletion', (e) => { e.chains[0]?.records.splice(0, 1); }, 2],
    ['a reorder', (e) => { e.chains[0]?.records.reverse(); }, 3],
    ['a truncation', (e) => { e.chains[0]?.records.pop(); }, 3],
  ])('%s → ok false, the first bad record, and a failed answer (exit 1)', async (_n, tamper, bad) => {
    const e = await exported();
    tamper(e);
    const r = runInput('verify-log', JSON.stringify(e));
    expect(r).toMatchObject({ ok: true, failed: true, value: { ok: false, records: expect.any(Number) as unknown, firstBadRecord: bad, chainId: 'chain-a' } });
  });

  it.each([
    ['', 'No log on stdin'],
    ['not json', 'Not valid JSON'],
    ['{"format":"x"}', 'Not a PMP Check attestation log'],
    [`{"format":"${LOG_FORMAT}","version":1,"chains":[]}`, 'incomplete or damaged'],
  ])('bad input %j → a clear error', (input, message) => {
    const r = runInput('verify-log', input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain(message);
  });

  it('runs as a process: the log on stdin, one JSON line out, exit 0 when intact and 1 when broken', async () => {
    const good = await exported(2);
    const ok = spawnSync('npx', ['tsx', 'scripts/cli.ts', 'verify-log'], { cwd: ROOT, input: logExportText(good), encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout.trim())).toEqual({ ok: true, records: 2, firstBadRecord: null, chains: 1 });
    ((good.chains[0]?.records[0]) as Attestation).reason = 'edited';
    const bad = spawnSync('npx', ['tsx', 'scripts/cli.ts', 'verify-log'], { cwd: ROOT, input: logExportText(good), encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout.trim())).toMatchObject({ ok: false, records: 2, firstBadRecord: 1, problem: 'record content was changed' });
  }, 30_000);
});
