// @vitest-environment node
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Bundle } from '../../pmp/fhir';
import { runInput } from '../commands';

const ROOT = resolve(import.meta.dirname, '../../..');
const fixture = (p: string): string => readFileSync(resolve(ROOT, 'test/fixtures/pmp', p), 'utf8');

function cli(args: string[], stdin: string) {
  const r = spawnSync('npx', ['tsx', 'scripts/cli.ts', ...args], { cwd: ROOT, input: stdin, encoding: 'utf8' });
  return { status: r.status, lines: r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const value = (command: string, text: string): Record<string, unknown> => {
  const r = runInput(command, text);
  if (!r.ok) throw new Error(r.error.message);
  return r.value as Record<string, unknown>;
};

describe('script-to-fhir', () => {
  it.each([
    ['SCRIPT 10.6', 'ncpdp-script/pdmp-mock-data/106__charles-dickens-1977-01-12.xml', 6],
    ['SCRIPT 2017071', 'ncpdp-script/pdmp-mock-data/20170701__charles-dickens-1977-01-12.xml', 7],
  ])('turns a %s RxHistoryResponse into a FHIR history Bundle', (_label, file, dispenses) => {
    const bundle = Bundle.parse(value('script-to-fhir', fixture(file)));
    expect(bundle.type).toBe('collection');
    expect(bundle.entry?.filter((e) => e.resource?.resourceType === 'MedicationDispense')).toHaveLength(dispenses);
  });

  it.each([
    ['empty input', '', 'No input'],
    ['SCRIPT Error 900 (patient not found)', fixture('ncpdp-script/script-fhir-facade/no_results.xml'), 'no-match: SCRIPT Error 900'],
    ['a request instead of a response', fixture('ncpdp-script/nist/RxHistoryRequest-2017071-NIST.xml'), 'malformed'],
    ['text that is not XML', 'hello', 'malformed'],
  ])('answers %s with a clear error', (_label, text, message) => {
    const r = runInput('script-to-fhir', text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain(message);
  });
});

describe('indicators', () => {
  it('reads an IG history Bundle and reports MME/day and the (absent) flags', () => {
    const v = value('indicators', JSON.stringify({ history: JSON.parse(fixture('fhir-pdmp-ig/Bundle-pdmp-bundle-history-result-2.json')) as unknown, asOf: '2023-06-06' }));
    expect(v).toMatchObject({ asOf: '2023-06-06', fillCount: 2, mme: { current: 9 }, flags: [] });
  });

  it('reads $pdmp-history Parameters, pretty-printed, as the IG publishes them', () => {
    const v = value('indicators', fixture('fhir-pdmp-ig/Parameters-pdmp-history-output-parameters-1.json'));
    expect(v.fillCount).toBe(1);
  });

  it('reads what script-to-fhir writes, with settings', () => {
    const bundle = value('script-to-fhir', fixture('ncpdp-script/pdmp-mock-data/20170701__missing-mme-1940-10-01.xml'));
    const v = value('indicators', JSON.stringify({ history: bundle, asOf: '2025-02-20', settings: { mmeTable: 'cdc-2016' } }));
    expect(v).toMatchObject({ mmeTable: 'cdc-2016', mme: { current: 161.9 } });
  });

  it('keeps the PMP warnings of a partial answer', () => {
    const v = value('indicators', fixture('fhir-pdmp-ig/Parameters-pdmp-history-output-parameters-6-non-fatal-warning.json'));
    expect((v.warnings as string[]).length).toBeGreaterThan(0);
  });

  it.each([
    ['not JSON', 'not json', 'Not valid JSON'],
    ['a patient-not-found answer', fixture('fhir-pdmp-ig/Parameters-pdmp-history-output-parameters-3-patient-not-found.json'), 'no-match'],
    ['a fatal-error answer', fixture('fhir-pdmp-ig/Parameters-pdmp-history-output-parameters-7-fatal-error.json'), 'server-error'],
    ['a resource that is no history', '{"resourceType":"Patient"}', 'malformed'],
    ['a wrapper without history', '{"asOf":"2025-01-01"}', 'Input does not match the expected shape'],
    ['a bad date', '{"history":{"resourceType":"Bundle","type":"collection"},"asOf":"01/01/2025"}', 'Input does not match the expected shape'],
    ['a bad setting', '{"history":{"resourceType":"Bundle","type":"collection"},"settings":{"mmeTable":"who-2019"}}', 'Invalid indicator settings'],
  ])('answers %s with a clear error', (_label, text, message) => {
    const r = runInput('indicators', text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain(message);
  });

  it('runs as a process: SCRIPT XML | script-to-fhir | indicators', () => {
    const xml = fixture('ncpdp-script/pdmp-mock-data/106__charles-dickens-1977-01-12.xml');
    const step1 = cli(['script-to-fhir'], xml);
    expect(step1.status).toBe(0);
    const step2 = cli(['indicators'], JSON.stringify({ history: step1.lines[0], asOf: '2020-11-25' }));
    expect(step2.status).toBe(0);
    expect(step2.lines[0]).toMatchObject({ opioidBenzodiazepineOverlapDays: 30, overlappingOpioidDays: 6 });
    const bad = cli(['indicators'], '{"resourceType":"Patient"}');
    expect(bad.status).toBe(1);
    expect(bad.lines[0]).toMatchObject({ error: { message: expect.stringContaining('malformed') as unknown } });
    // Three Node processes in a row: slow on a busy machine.
  }, 60_000);
});
