// @vitest-environment node
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS, runInput } from './commands';

const ROOT = resolve(import.meta.dirname, '../..');

function cli(args: string[], stdin: string) {
  const r = spawnSync('npx', ['tsx', 'scripts/cli.ts', ...args], { cwd: ROOT, input: stdin, encoding: 'utf8' });
  return { status: r.status, lines: r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>), stderr: r.stderr };
}

describe('CLI commands', () => {
  it('evaluate: the demo order is due under ct-72h-supply', () => {
    const r = runInput('evaluate', JSON.stringify({ drugText: 'oxycodone 5 mg tablet', quantity: 40, sig: '1 tab PO q6h PRN pain' }));
    expect(r.ok && r.value).toMatchObject({ status: 'due', ruleIds: ['ct-72h-supply'] });
  });
  it('evaluate: with history and a clock', () => {
    const r = runInput(
      'evaluate',
      JSON.stringify({
        order: { drugText: 'oxycodone 5 mg tablet', quantity: 40, sig: '1 tab q6h' },
        history: [{ at: '2026-11-22T10:00:00Z', outcome: 'reviewed', ruleIds: [] }],
        now: '2026-11-22T15:00:00Z',
      }),
    );
    expect(r.ok && r.value).toMatchObject({ status: 'reviewed' });
  });
  it.each([
    ['evaluate', 'not json', 'Not valid JSON'],
    ['evaluate', '{"quantity": 40}', 'Input does not match the expected shape'],
    ['evaluate', '{"order": {"drugText": "x"}, "state": "ZZ"}', 'No rule pack for state "ZZ"'],
    ['days-supply', '{"quantity": -1}', 'Input does not match the expected shape'],
    ['classify', '{}', 'Input does not match the expected shape'],
    ['nope', '{}', 'Unknown command "nope"'],
  ])('%s with bad input %s → a clear error', (cmd, text, message) => {
    const r = runInput(cmd, text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain(message);
  });
  it('every command has a name, a summary and an input kind', () => {
    for (const c of Object.values(COMMANDS)) expect(c.summary.length).toBeGreaterThan(5);
  });
  it('runs as a process: JSON lines in, JSON lines out; a bad line gives an error line and exit 1', () => {
    const r = cli(['evaluate'], '{"drugText":"amoxicillin 500 mg capsule","quantity":30,"sig":"1 cap tid"}\nnot json\n\n');
    expect(r.lines).toHaveLength(2);
    expect(r.lines[0]).toMatchObject({ status: 'not-required' });
    expect(r.lines[1]).toMatchObject({ error: { message: 'Not valid JSON' } });
    expect(r.status).toBe(1);
  });
  it('an unknown command prints usage and exits 2', () => {
    const r = cli(['frobnicate'], '');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Usage');
  });
});
