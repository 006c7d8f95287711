import { describe, expect, it } from 'vitest';
import type { Order } from '../orders/order';
import type { ReviewEvent } from './decision';
import { evaluateOrder } from './engine';
import { StatePack } from './pack';
import { CT_PACK } from './packs/ct';
import { RULE_IMPLS } from './registry';

const NOW = new Date('2026-11-22T15:00:00Z');
const oxy = (over: Partial<Order> = {}): Order => ({ drugText: 'oxycodone 5 mg tablet', quantity: 40, sig: '1 tab PO q6h PRN pain', ...over });
const ago = (hours: number): string => new Date(NOW.getTime() - hours * 3_600_000).toISOString();
const reviewed = (hours: number): ReviewEvent => ({ at: ago(hours), outcome: 'reviewed', ruleIds: ['ct-72h-supply'] });

function run(order: Order, history: ReviewEvent[] = []) {
  return evaluateOrder({ order, history, now: NOW, pack: CT_PACK });
}

describe('Connecticut: more than a 72-hour supply (CGS 21a-254(j)(1))', () => {
  it.each<[string, Order, string, string[]]>([
    ['oxycodone #40 1 tab q6h PRN (10 days)', oxy(), 'due', ['ct-72h-supply']],
    ['oxycodone #12 1 tab q6h (exactly 72 hours)', oxy({ quantity: 12, sig: '1 tab q6h' }), 'not-required', []],
    ['oxycodone #13 1 tab q6h (3.25 days)', oxy({ quantity: 13, sig: '1 tab q6h' }), 'due', ['ct-72h-supply']],
    ['oxycodone #8 1 tab q6h (2 days)', oxy({ quantity: 8, sig: '1 tab q6h' }), 'not-required', []],
    ['given days supply 3 wins', oxy({ daysSupply: 3 }), 'not-required', []],
    ['given days supply 4', oxy({ daysSupply: 4, sig: undefined }), 'due', ['ct-72h-supply']],
    ['alprazolam (CIV) #60 bid (30 days)', { drugText: 'alprazolam 0.5 mg tablet', quantity: 60, sig: '1 tab po bid' }, 'due', ['ct-72h-supply']],
    ['pregabalin (CV) #60 bid', { drugText: 'pregabalin 75 mg capsule', quantity: 60, sig: '1 cap po bid' }, 'due', ['ct-72h-supply']],
    ['tramadol (CIV) #6 q6h (1.5 days)', { drugText: 'tramadol 50 mg tablet', quantity: 6, sig: '1 tab q6h prn' }, 'not-required', []],
    ['amoxicillin (not controlled)', { drugText: 'amoxicillin 500 mg capsule', quantity: 30, sig: '1 cap tid' }, 'not-required', []],
    ['gabapentin is not controlled in CT', { drugText: 'gabapentin 300 mg capsule', quantity: 90, sig: '1 cap tid' }, 'not-required', []],
  ])('%s → %s', (_name, order, status, ruleIds) => {
    const d = run(order);
    expect(d.status).toBe(status);
    expect(d.ruleIds).toEqual(ruleIds);
  });

  it('says why, in the words the prompt shows, with the statute', () => {
    const d = run(oxy());
    expect(d.headline).toBe('PMP review required — more than a 72-hour supply of a Schedule II drug (CT)');
    expect(d.reasons).toEqual([
      { ruleId: 'ct-72h-supply', text: 'more than a 72-hour supply of a Schedule II drug', citation: 'CGS 21a-254(j)(1)', verified: true },
    ]);
    expect(d.satisfyWithinHours).toBe(24);
    expect(d.supply.daysSupply).toBe(10);
  });

  it('names the schedule of the drug', () => {
    expect(run({ drugText: 'alprazolam 0.5 mg tablet', quantity: 60, sig: '1 tab po bid' }).headline).toContain('Schedule IV drug');
  });

  it.each([
    [1, 'reviewed'],
    [23.9, 'reviewed'],
    [24, 'reviewed'],
    [24.1, 'due'],
    [-1, 'due'], // a review "in the future" (clock skew) does not count
  ])('a review %s hours ago → %s', (hours, status) => {
    expect(run(oxy(), [reviewed(hours)]).status).toBe(status);
  });

  it('a declined or exempted record is not a review', () => {
    expect(run(oxy(), [{ at: ago(1), outcome: 'declined', ruleIds: [] }]).status).toBe('due');
  });

  it('an order without quantity or directions is undetermined, not a false alarm', () => {
    const d = run({ drugText: 'oxycodone 5 mg tablet' });
    expect(d.status).toBe('undetermined');
    expect(d.headline).toContain('enter the quantity and directions');
  });

  it('administering is not prescribing', () => {
    expect(run(oxy({ kind: 'administration', setting: 'inpatient' })).status).toBe('not-required');
  });
});

describe('Connecticut: the PMP-down exception', () => {
  it('after "PMP unavailable", prescribing may go on and a follow-up is due within 24 hours', () => {
    const d = run(oxy(), [{ at: ago(2), outcome: 'pmp-unavailable', ruleIds: ['ct-72h-supply'] }]);
    expect(d.status).toBe('pmp-unavailable');
    expect(d.followUpDueAt).toBe(new Date(NOW.getTime() + 22 * 3_600_000).toISOString());
  });
  it('once the follow-up window has passed, the review is due again', () => {
    expect(run(oxy(), [{ at: ago(25), outcome: 'pmp-unavailable', ruleIds: [] }]).status).toBe('due');
  });
});

describe('Connecticut: continuous treatment (CGS 21a-254(j)(2))', () => {
  const chronic = oxy({ quantity: 12, sig: '1 tab q6h', continuousTherapy: true });
  it.each([
    [[], 'due'],
    [[reviewed(24 * 89)], 'reviewed'],
    [[reviewed(24 * 90)], 'reviewed'],
    [[reviewed(24 * 91)], 'due'],
  ])('a 3-day continuing order with reviews %j → %s', (history, status) => {
    const d = run(chronic, history);
    expect(d.status).toBe(status);
    expect(d.ruleIds).toEqual(['ct-90-day-continuous']);
  });
  it('gives the next due date after a review', () => {
    expect(run(chronic, [reviewed(24 * 10)]).nextDueOn).toBe('2027-02-10');
  });
  it('Schedule V continuous treatment: yearly', () => {
    const lyrica = { drugText: 'pregabalin 75 mg capsule', quantity: 6, sig: '1 cap bid', continuousTherapy: true };
    expect(run(lyrica, [reviewed(24 * 200)]).status).toBe('reviewed');
    expect(run(lyrica, [reviewed(24 * 366)]).status).toBe('due');
    expect(run(lyrica).ruleIds).toEqual(['ct-annual-schedule-v']);
  });
});

describe('packs and registry', () => {
  it('every rule type in the pack schema has an implementation', () => {
    for (const rule of CT_PACK.rules) expect(RULE_IMPLS[rule.type].type).toBe(rule.type);
  });
  it('the CT pack is valid data', () => {
    expect(StatePack.safeParse(CT_PACK).success).toBe(true);
  });
  it('a disabled rule is silent', () => {
    const pack = StatePack.parse({ ...CT_PACK, rules: CT_PACK.rules.map((r) => ({ ...r, enabled: r.id !== 'ct-72h-supply' })) });
    expect(evaluateOrder({ order: oxy(), history: [], now: NOW, pack }).status).toBe('not-required');
  });
  it('an unverified rule says so in its citation', () => {
    const pack = StatePack.parse({ ...CT_PACK, rules: CT_PACK.rules.map((r) => ({ ...r, verified: false })) });
    expect(evaluateOrder({ order: oxy(), history: [], now: NOW, pack }).reasons[0]?.citation).toBe('CGS 21a-254(j)(1) (unverified)');
  });
});
