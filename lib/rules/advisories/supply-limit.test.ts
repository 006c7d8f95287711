import { describe, expect, it } from 'vitest';
import type { Order } from '../../orders/order';
import type { OrderContext } from '../context';
import { evaluateOrder } from '../engine';
import { getPack } from '../packs';

const oxy = (days: number, extra: Partial<Order> = {}): Order => ({ drugText: 'oxycodone 5 mg tablet', quantity: days * 4, sig: '1 tab q6h prn pain', ...extra });
const adult = { patientAgeYears: 40 };
const minor = { patientAgeYears: 15 };

function advisories(state: string, asOf: string, order: Order, context?: OrderContext) {
  return evaluateOrder({ order, history: [], now: new Date(`${asOf}T17:00:00Z`), asOf, pack: getPack(state), ...(context ? { context } : {}) }).advisories ?? [];
}

describe('Connecticut: CGS 20-14o', () => {
  it.each<[string, Order, string[]]>([
    ['adult, first outpatient, 10 days', oxy(10, { ...adult, continuousTherapy: false, setting: 'outpatient' }), ['ct-opioid-first-adult']],
    ['adult, first outpatient, exactly 7 days', oxy(7, { ...adult, continuousTherapy: false, setting: 'outpatient' }), []],
    ['adult, first outpatient, 8 days', oxy(8, { ...adult, continuousTherapy: false, setting: 'outpatient' }), ['ct-opioid-first-adult']],
    ['adult, continuing treatment, 30 days', oxy(30, { ...adult, continuousTherapy: true, setting: 'outpatient' }), []],
    ['adult, inpatient, 10 days', oxy(10, { ...adult, continuousTherapy: false, setting: 'inpatient' }), []],
    ['minor, 6 days, any prescription', oxy(6, { ...minor, continuousTherapy: true }), ['ct-opioid-minor']],
    ['minor, exactly 5 days', oxy(5, minor), []],
    ['a benzodiazepine, 30 days', { drugText: 'alprazolam 0.5 mg tablet', quantity: 60, sig: '1 tab bid', ...adult }, []],
  ])('%s → %j', (_name, order, ids) => {
    expect(advisories('CT', '2019-03-01', order).map((a) => a.id)).toEqual(ids);
  });

  it('says it plainly, with the statute and the exceptions the prescriber can document', () => {
    const [a] = advisories('CT', '2019-03-01', oxy(10, { ...adult, continuousTherapy: false, setting: 'outpatient' }));
    expect(a).toMatchObject({
      text: 'CT limits a first outpatient opioid prescription for an adult to 7 days; this order is for 10 days.',
      limitDays: 7,
      daysSupply: 10,
      assumptions: [],
      citation: 'CGS 20-14o',
      verified: true,
    });
    expect(a?.exceptions).toContain('chronic pain');
    expect(a?.exceptions).toContain('palliative care');
  });

  it('when the order does not say, asks rather than stays silent', () => {
    const list = advisories('CT', '2019-03-01', oxy(10));
    expect(list.map((a) => a.id)).toEqual(['ct-opioid-first-adult', 'ct-opioid-minor']);
    expect(list[0]?.assumptions).toEqual(['the patient is an adult', 'it is the first opioid prescription of a course of treatment', 'it is for outpatient use']);
    expect(list[1]?.assumptions).toEqual(['the patient is under 18']);
  });

  it('a documented exception silences it', () => {
    expect(advisories('CT', '2019-03-01', oxy(10, adult), { documentedExemptions: ['chronic-pain'] })).toEqual([]);
  });

  it('as of a date: minors were limited to 7 days before PA 17-131, 5 days after', () => {
    expect(advisories('CT', '2017-06-30', oxy(6, minor)).map((a) => a.limitDays)).toEqual([]);
    expect(advisories('CT', '2017-07-01', oxy(6, minor)).map((a) => a.limitDays)).toEqual([5]);
    expect(advisories('CT', '2016-06-30', oxy(30, minor))).toEqual([]);
  });

  it('never blocks: the decision stands on the PMP rules alone', () => {
    const d = evaluateOrder({ order: oxy(10, adult), history: [{ at: '2019-03-01T16:00:00Z', outcome: 'reviewed', ruleIds: [] }], now: new Date('2019-03-01T17:00:00Z'), pack: getPack('CT') });
    expect(d.status).toBe('reviewed');
    expect(d.advisories?.length).toBeGreaterThan(0);
  });
});

describe('other states (PDAPS)', () => {
  it.each<[string, string, Order, OrderContext | undefined, number[]]>([
    ['MO has no review mandate, but a limit', 'MO', oxy(10), undefined, [7]],
    ['FL limits Schedule II only: tramadol is not covered', 'FL', { drugText: 'tramadol 50 mg tablet', quantity: 40, sig: '1 tab q6h' }, undefined, []],
    ['FL: acute pain, 4 days of oxycodone', 'FL', oxy(4), { acutePain: true }, [3]],
    ['FL: not for acute pain', 'FL', oxy(4), { acutePain: false }, []],
    ['NH: the limit covers the emergency department', 'NH', oxy(10, { setting: 'ed' }), undefined, [7]],
    ['NH: not an ED order', 'NH', oxy(10, { setting: 'outpatient' }), undefined, []],
    ['AL: no limit coded', 'AL', oxy(30), undefined, []],
  ])('%s', (_name, state, order, context, limits) => {
    expect(advisories(state, '2019-12-20', order, context).map((a) => a.limitDays)).toEqual(limits);
  });

  it('MO: advisory, yet no review is required', () => {
    const d = evaluateOrder({ order: oxy(10), history: [], now: new Date('2019-12-20T17:00:00Z'), pack: getPack('MO') });
    expect(d.status).toBe('not-required');
    expect(d.advisories?.[0]?.citation).toMatch(/PDAPS/);
    expect(d.advisories?.[0]?.text).toContain('the shortest is shown');
  });
});
