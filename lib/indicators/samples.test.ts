// @vitest-environment node
// The indicators on the published samples (test/fixtures/pmp, see SOURCE.md): the HL7 FHIR PDMP
// IG examples and the NCPDP SCRIPT responses, read through the app's own parsers.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseHistoryResponse } from '../pmp/fhir';
import type { PmpHistory } from '../pmp/history';
import { scriptToHistoryParameters } from '../pmp/script';
import { computeIndicators } from './index';

const DIR = fileURLToPath(new URL('../../test/fixtures/pmp/', import.meta.url));
const ig = (name: string): PmpHistory => parseHistoryResponse(JSON.parse(readFileSync(`${DIR}fhir-pdmp-ig/${name}`, 'utf8')), 'ig');
const script = (name: string): PmpHistory => parseHistoryResponse(scriptToHistoryParameters(readFileSync(`${DIR}ncpdp-script/${name}`, 'utf8')), 'script');
const byDate = (h: PmpHistory, date: string, drug: RegExp) => h.fills.find((f) => f.dispensedOn === date && drug.test(f.drug));

describe('indicators on the FHIR PDMP IG samples', () => {
  it('history-result-2: codeine 9 MME/day for 5 days, alprazolam a month later: no overlap', () => {
    const h = ig('Bundle-pdmp-bundle-history-result-2.json');
    const ind = computeIndicators(h.fills, { asOf: '2023-07-10' });
    // Acetaminophen 300 / codeine 30 mg, #10 for 5 days: 30 × 2 × 0.15 = 9.
    expect(ind.mme.segments).toEqual([{ from: '2023-06-05', to: '2023-06-09', value: 9, fillIds: [byDate(h, '2023-06-05', /codeine/i)?.id] }]);
    expect(ind.mme.current).toBe(0);
    expect(ind.opioidBenzodiazepineOverlapDays).toBe(0);
    expect(ind.fills.map((f) => f.category).sort()).toEqual(['benzodiazepine', 'opioid']);
    expect(ind.flags).toEqual([]);
  });

  it('output-parameters-1: one codeine fill, nothing flagged', () => {
    const ind = computeIndicators(ig('Parameters-pdmp-history-output-parameters-1.json').fills, { asOf: '2023-06-06' });
    // #15 for 5 days: 30 × 3 × 0.15 = 13.5.
    expect(ind.mme.current).toBe(13.5);
    expect(ind.flags).toEqual([]);
  });
});

describe('indicators on the NCPDP SCRIPT samples', () => {
  it('charles-dickens (SCRIPT 10.6): 30 days of opioid + lorazepam, two oxycodone products overlapping', () => {
    const h = script('pdmp-mock-data/106__charles-dickens-1977-01-12.xml');
    const ind = computeIndicators(h.fills, { asOf: '2020-11-25' });
    // Lorazepam Nov 20 – Dec 19 lies inside oxycodone/APAP 2.5 mg Nov 7 – Dec 21: 30 days.
    expect(ind.opioidBenzodiazepineOverlapDays).toBe(30);
    // Oxycodone 5 mg Nov 3 – 12 and oxycodone/APAP 2.5 mg from Nov 7: 6 days.
    expect(ind.overlappingOpioidDays).toBe(6);
    // 5 mg × 3/day × 1.5 = 22.5 plus 2.5 mg × 2/day × 1.5 = 7.5.
    expect(ind.mme.peak).toEqual({ value: 30, from: '2020-11-07', to: '2020-11-12' });
    expect(ind.mme.current).toBe(7.5);
    const overlap = ind.flags.find((f) => f.kind === 'opioid-benzodiazepine-overlap');
    expect(overlap?.title).toBe('Opioid and benzodiazepine overlap on 30 days, including today');
    expect(overlap?.why[0]).toMatchObject({ from: '2020-11-20', to: '2020-12-19' });
    expect(ind.flags.map((f) => f.kind)).toEqual(['opioid-benzodiazepine-overlap', 'overlapping-opioids']);
  });

  it('charles-dickens (SCRIPT 2017071): lorazepam with oxycodone/APAP, and oxycodone refilled on time', () => {
    const h = script('pdmp-mock-data/20170701__charles-dickens-1977-01-12.xml');
    const ind = computeIndicators(h.fills, { asOf: '2026-07-25' });
    // Lorazepam Apr 29 (30 days) inside oxycodone/APAP Apr 29 (45 days); zolpidem is no benzodiazepine.
    expect(ind.opioidBenzodiazepineOverlapDays).toBe(30);
    expect(ind.overlappingOpioidDays).toBe(0);
    // Oxycodone 5 mg #30 for 10 days on Jul 13, again on Jul 23: on time, not early.
    expect(ind.flags.map((f) => f.kind)).toEqual(['opioid-benzodiazepine-overlap']);
  });

  it.each([
    // Methadone 5 mg #112 for 28 days = 20 mg/day; #85 for 21 days = 20.24 mg/day crosses the 2016 tier.
    ['cdc-2022', '2024-09-08', 94, '2025-02-14', 95.1],
    ['cdc-2016', '2024-09-08', 80, '2025-02-14', 161.9],
  ] as const)('missing-mme (methadone) with the %s table', (mmeTable, firstOn, first, lastOn, last) => {
    const ind = computeIndicators(script('pdmp-mock-data/20170701__missing-mme-1940-10-01.xml').fills, { asOf: '2025-02-20', settings: { mmeTable } });
    expect(ind.mme.segments.find((s) => s.from === firstOn)?.value).toBe(first);
    expect(ind.mme.segments.find((s) => s.from === lastOn)?.value).toBe(last);
    expect(ind.fills.every((f) => f.longActing)).toBe(true);
  });

  it('betty-bupe: buprenorphine patches are shown apart in mcg/hr, never as MME', () => {
    const ind = computeIndicators(script('pdmp-mock-data/20170701__betty-bupe-1953-02-13.xml').fills, { asOf: '2027-05-21' });
    expect(ind.fills.map((f) => [f.category, f.dailyDose, f.doseUnit])).toEqual([
      ['buprenorphine', 15, 'mcg/hr'],
      ['buprenorphine', 10, 'mcg/hr'],
      ['buprenorphine', 20, 'mcg/hr'],
    ]);
    expect(ind.mme.segments).toEqual([]);
    expect(ind.flags.map((f) => f.kind)).not.toContain('mme-incomplete');
  });

  it('rxhistory-response 10.6: methadone, morphine, tramadol, zolpidem and testosterone', () => {
    const h = script('script-fhir-facade/rxhistory-response.106.xml');
    const ind = computeIndicators(h.fills, { asOf: '2019-12-01' });
    expect(ind.fills).toHaveLength(h.fills.length);
    expect(new Set(ind.fills.map((f) => f.category))).toEqual(new Set(['opioid', 'buprenorphine', 'benzodiazepine', 'other']));
    // Methadone 10 mg #1 for 1 day on Dec 1: 10 mg × 4.7.
    expect(ind.mme.current).toBe(47);
  });

  it('rxhistory-response 2017071: non-controlled drugs and odd days supplies do not break anything', () => {
    const h = script('script-fhir-facade/rxhistory-response.20170701.xml');
    const ind = computeIndicators(h.fills, { asOf: '2020-05-01' });
    const tramadol = ind.fills.find((f) => f.ingredient === 'tramadol');
    // Tramadol ER 200 mg #11 for 12 days: 183.3 mg/day × 0.2.
    expect(tramadol).toMatchObject({ longActing: true, mmePerDay: 36.7 });
    expect(ind.fills.find((f) => f.ingredient === 'diazepam')?.category).toBe('benzodiazepine');
  });
});
