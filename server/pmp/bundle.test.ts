// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { Bundle, EXTENSION, MedicationDispense, parseHistoryResponse } from '../../lib/pmp/fhir';
import type { Fill } from '../../lib/pmp/history';
import { syntheticPatients } from '../../lib/pmp/synthetic';
import { capabilityStatement, historyBundle, historyParameters, multipleProviderEpisode, outcome } from './bundle';

const TODAY = '2025-06-15';

function fill(daysAgo: number, prescriber: string, pharmacy: string): Fill {
  const d = new Date(Date.parse(`${TODAY}T00:00:00Z`) - daysAgo * 86_400_000).toISOString().slice(0, 10);
  return {
    id: `${prescriber}-${pharmacy}-${daysAgo}`,
    drug: 'Oxycodone HCl 5 mg tablet',
    quantity: 20,
    daysSupply: 5,
    dispensedOn: d,
    prescriber: { name: prescriber, npi: prescriber },
    pharmacy: { name: pharmacy, npi: pharmacy },
  };
}

const spread = (n: number, prescribers: number, pharmacies: number, daysApart = 10): Fill[] =>
  Array.from({ length: n }, (_, i) => fill(i * daysApart, `p${i % prescribers}`, `ph${i % pharmacies}`));

describe('multipleProviderEpisode', () => {
  it.each([
    ['5 prescribers and 5 pharmacies in 90 days', spread(5, 5, 5), true],
    ['4 prescribers', spread(6, 4, 6), false],
    ['4 pharmacies', spread(6, 6, 4), false],
    ['5 and 5 but spread over 120 days', spread(5, 5, 5, 30), false],
    ['no fills', [], false],
  ])('%s -> %s', (_label, fills, expected) => {
    expect(multipleProviderEpisode(fills, TODAY)).toBe(expected);
  });
});

describe('historyBundle', () => {
  const patients = syntheticPatients({ today: new Date(2025, 5, 15) });
  const chronic = patients.find((p) => p.id === 'demo-chronic');
  if (!chronic) throw new Error('anchor missing');
  const bundle = historyBundle('http://127.0.0.1:1', chronic, chronic.fills, TODAY);

  it('is a collection the app parses back into the same fills', () => {
    expect(Bundle.safeParse(bundle).success).toBe(true);
    const h = parseHistoryResponse(historyParameters(bundle, 'http://127.0.0.1:1/report/x', TODAY), 'test');
    expect(h.fills).toEqual(chronic.fills);
  });

  it('uses absolute fullUrls that resolve every reference inside the bundle', () => {
    const urls = new Set((bundle.entry ?? []).map((e) => e.fullUrl));
    const refs = JSON.stringify(bundle).match(/"reference":"([^"]+)"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const r of refs) expect(urls.has(r.slice('"reference":"'.length, -1))).toBe(true);
  });

  it('writes the original fill as rx-fill-number 0 (IG STU1: 0 = initial fill)', () => {
    const md = MedicationDispense.parse(bundle.entry?.find((e) => e.resource?.resourceType === 'MedicationDispense')?.resource);
    expect(md.extension?.find((x) => x.url === EXTENSION.rxFillNumber)).toEqual({ url: EXTENSION.rxFillNumber, valueUnsignedInt: 0 });
  });
});

describe('outcome and capability statement', () => {
  it('builds an IG-style outcome with a PMIX status code', () => {
    expect(outcome('information', 'informational', 'none', 'no-data')).toEqual({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'information', code: 'informational', details: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/PMIXStatusCode', code: 'no-data' }] }, diagnostics: 'none' }],
    });
  });

  it.each([
    [true, true],
    [false, false],
  ])('declares security only when auth is on (%s)', (auth, hasSecurity) => {
    const cs = capabilityStatement('http://127.0.0.1:1', auth) as { rest: Record<string, unknown>[] };
    expect('security' in (cs.rest[0] ?? {})).toBe(hasSecurity);
  });
});
