// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { SyntheticPatient } from '../../lib/pmp/synthetic';
import { ReportStore, renderExpired, renderReport } from './report';

const patient: SyntheticPatient = {
  id: 'p1',
  given: 'Ava <b>',
  family: 'Mock"field',
  birthDate: '1970-01-01',
  gender: 'female',
  postalCode: '06103',
  mrn: 'MRN-1',
  scenario: 'acute-pain',
  fills: [],
};

describe('ReportStore', () => {
  it('issues unguessable tokens that expire', () => {
    let now = 1_000;
    const store = new ReportStore(500, () => now);
    const a = store.issue('p1', []);
    const b = store.issue('p1', []);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(store.get(a)?.patientId).toBe('p1');
    now += 499;
    expect(store.get(a)).toBeDefined();
    now += 1;
    expect(store.get(a)).toBeUndefined();
    expect(store.get('unknown')).toBeUndefined();
  });
});

describe('renderReport', () => {
  it.each([
    ['escapes markup in names', (html: string) => html.includes('Ava &lt;b&gt;') && html.includes('Mock&quot;field')],
    ['says the data is synthetic', (html: string) => html.includes('Synthetic demonstration data')],
    ['says when there are no dispensations', (html: string) => html.includes('No controlled-substance dispensations')],
  ])('%s', (_label, check) => {
    expect(check(renderReport(patient, [], new Date(0)))).toBe(true);
  });

  it('lists each fill', () => {
    const html = renderReport(
      patient,
      [{ id: 'f', drug: 'Tramadol HCl 50 mg tablet', quantity: 20, daysSupply: 5, dispensedOn: '2025-01-01', prescriber: { name: 'Dr <x>' }, pharmacy: { name: 'Ph', city: 'Hartford' } }],
      new Date(0),
    );
    expect(html).toContain('Tramadol HCl 50 mg tablet');
    expect(html).toContain('Dr &lt;x&gt;');
    expect(html).toContain('Ph, Hartford');
  });

  it('has an expiry page', () => {
    expect(renderExpired()).toContain('expired');
  });
});
