import { describe, expect, it } from 'vitest';
import { runInput } from '../commands';

const OXY = { drugText: 'oxycodone 5 mg tablet', quantity: 40, sig: '1 tab PO q6h PRN pain' };
const evaluate = (input: unknown) => runInput('evaluate', JSON.stringify(input));
const value = (input: unknown) => {
  const r = evaluate(input);
  if (!r.ok) throw new Error(r.error.message);
  return r.value as Record<string, unknown>;
};

describe('cli evaluate', () => {
  it('a bare order is judged under Connecticut law today', () => {
    expect(value(OXY)).toMatchObject({ status: 'due', ruleIds: ['ct-72h-supply'], state: 'CT' });
  });

  it.each([
    ['NY', 'NY'],
    ['ny', 'NY'],
    ['New York', 'NY'],
    ['District of Columbia', 'DC'],
    ['D.C.', 'DC'],
  ])('any jurisdiction, by code or name: %s', (state, code) => {
    expect(value({ order: OXY, state, asOf: '2019-06-01' })).toMatchObject({ state: code, asOf: '2019-06-01' });
  });

  it.each([
    ['TX', '2017-08-31', 'not-required'],
    ['TX', '2017-09-01', 'due'],
    ['CT', '2015-09-30', 'not-required'],
    ['CT', '2015-10-01', 'due'],
    ['KS', '2019-06-01', 'not-required'],
    ['NY', '2013-06-01', 'undetermined'],
  ])('%s as of %s → %s', (state, asOf, status) => {
    expect(value({ order: OXY, state, asOf })).toMatchObject({ status, asOf });
  });

  it('accepts an instant as asOf and reads the date in the state\'s time zone', () => {
    expect(value({ order: OXY, state: 'CT', asOf: '2015-10-01T03:30:00Z' })).toMatchObject({ status: 'not-required', asOf: '2015-09-30' });
  });

  it('returns the opioid supply-limit advisories', () => {
    const d = value({ order: { ...OXY, patientAgeYears: 40, continuousTherapy: false, setting: 'outpatient' }, state: 'CT', asOf: '2019-06-01' });
    expect(d.advisories).toEqual([expect.objectContaining({ id: 'ct-opioid-first-adult', limitDays: 7, daysSupply: 10, citation: 'CGS 20-14o' })]);
  });

  it('takes history, a clock, the prescriber\'s context and the continuity setting', () => {
    const d = value({
      order: { ...OXY, quantity: 12, sig: '1 tab q6h' },
      history: [{ at: '2019-01-02T10:00:00Z', outcome: 'reviewed', ruleIds: [] }],
      now: '2019-06-01T15:00:00Z',
      state: 'CT',
      continuousTherapy: 'order-flag-or-history',
      context: { documentedExemptions: [] },
    });
    expect(d).toMatchObject({ status: 'due', ruleIds: ['ct-90-day-continuous'] });
    expect(value({ order: OXY, state: 'TX', asOf: '2019-06-01', context: { documentedExemptions: ['cancer'] } })).toMatchObject({ status: 'not-required' });
  });

  it('says a PDAPS-coded answer is not verified since 2019', () => {
    const d = value({ order: OXY, state: 'WA', asOf: '2019-06-01' });
    expect(d.notes).toContain('Coded from the law in force to 2019-12-31 (PDAPS), not verified since.');
  });

  it.each<[string, unknown, string]>([
    ['an unknown state', { order: OXY, state: 'ZZ' }, 'No rule pack for state "ZZ"'],
    ['a date that does not exist', { order: OXY, asOf: '2019-02-29' }, 'Input does not match the expected shape'],
    ['a date in another format', { order: OXY, asOf: '06/01/2019' }, 'Input does not match the expected shape'],
    ['a context that is not one', { order: OXY, context: { initialPrescription: 'yes' } }, 'Input does not match the expected shape'],
    ['an unknown continuity setting', { order: OXY, continuousTherapy: 'always' }, 'Input does not match the expected shape'],
    ['a history entry without a date', { order: OXY, history: [{ outcome: 'reviewed', ruleIds: [] }] }, 'Input does not match the expected shape'],
    ['an order without a drug', { order: { quantity: 3 } }, 'Input does not match the expected shape'],
  ])('%s → a clear error', (_name, input, message) => {
    const r = evaluate(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain(message);
  });
});
