// Boundaries: exactly 72 hours, day 89/90/91, leap years, time zones, the day a law starts.
import { describe, expect, it } from 'vitest';
import type { Order } from '../orders/order';
import type { ReviewEvent } from './decision';
import { evaluateOrder } from './engine';
import { getPack } from './packs';
import { CT_PACK } from './packs/ct';

const OXY: Order = { drugText: 'oxycodone 5 mg tablet', quantity: 40, sig: '1 tab PO q6h PRN pain' };
const ALPRAZOLAM: Order = { drugText: 'alprazolam 0.5 mg tablet', quantity: 60, sig: '1 tab po bid' };
const reviewedAt = (iso: string): ReviewEvent => ({ at: iso, outcome: 'reviewed', ruleIds: [] });

describe('exactly 72 hours (CT)', () => {
  it.each<[string, Order, string]>([
    ['#12 q6h = 72 h', { drugText: 'oxycodone 5 mg tablet', quantity: 12, sig: '1 tab q6h' }, 'not-required'],
    ['#13 q6h = 78 h', { drugText: 'oxycodone 5 mg tablet', quantity: 13, sig: '1 tab q6h' }, 'due'],
    ['#9 q8h = 72 h', { drugText: 'oxycodone 5 mg tablet', quantity: 9, sig: '1 tab q8h' }, 'not-required'],
    ['days supply 3', { drugText: 'oxycodone 5 mg tablet', daysSupply: 3 }, 'not-required'],
    ['days supply 3.01', { drugText: 'oxycodone 5 mg tablet', daysSupply: 3.01 }, 'due'],
    ['#24 "1-2 tabs q6h": at least 3 days, the shortest reading', { drugText: 'oxycodone 5 mg tablet', quantity: 24, sig: '1-2 tabs q6h prn' }, 'not-required'],
  ])('%s → %s', (_name, order, status) => {
    expect(evaluateOrder({ order, history: [], now: new Date('2024-05-01T15:00:00Z'), pack: CT_PACK }).status).toBe(status);
  });
});

describe('day 89, 90, 91 of a 90-day review (CT, and a PDAPS pack)', () => {
  const now = new Date('2024-05-01T15:00:00Z');
  const chronic: Order = { drugText: 'oxycodone 5 mg tablet', quantity: 12, sig: '1 tab q6h', continuousTherapy: true };
  it.each([
    ['CT', 89, 'reviewed'],
    ['CT', 90, 'reviewed'],
    ['CT', 91, 'due'],
    ['NV', 89, 'reviewed'],
    ['NV', 90, 'reviewed'],
    ['NV', 91, 'due'],
  ])('%s, last review %s days ago → %s', (state, days, status) => {
    const history = [reviewedAt(new Date(now.getTime() - days * 86_400_000).toISOString())];
    expect(evaluateOrder({ order: chronic, history, now, pack: getPack(state) }).status).toBe(status);
  });
  it('counts exact hours across a daylight-saving change (90 days = 2160 hours)', () => {
    const review = reviewedAt('2021-03-01T12:00:00Z');
    const at = (iso: string) => evaluateOrder({ order: chronic, history: [review], now: new Date(iso), pack: CT_PACK }).status;
    expect(at('2021-05-30T12:00:00Z')).toBe('reviewed');
    expect(at('2021-05-30T12:00:01Z')).toBe('due');
  });
  it('gives the next due date', () => {
    const d = evaluateOrder({ order: chronic, history: [reviewedAt('2024-03-01T15:00:00Z')], now, pack: CT_PACK });
    expect(d.nextDueOn).toBe('2024-05-30');
  });
});

describe('leap years', () => {
  const lyrica: Order = { drugText: 'pregabalin 75 mg capsule', quantity: 6, sig: '1 cap bid', continuousTherapy: true };
  const leapReview = reviewedAt('2024-02-29T12:00:00Z');
  it.each([
    ['2025-02-27T12:00:00Z', 'reviewed'],
    ['2025-02-28T12:00:00Z', 'reviewed'],
    ['2025-02-28T12:00:01Z', 'due'],
  ])('a yearly review done on 29 Feb 2024, asked at %s → %s', (iso, status) => {
    expect(evaluateOrder({ order: lyrica, history: [leapReview], now: new Date(iso), pack: CT_PACK }).status).toBe(status);
  });
  it('365 days after 29 Feb is 28 Feb', () => {
    expect(evaluateOrder({ order: lyrica, history: [leapReview], now: new Date('2024-06-01T12:00:00Z'), pack: CT_PACK }).nextDueOn).toBe('2025-02-28');
  });
  it('a 90-day window across 29 Feb counts the leap day', () => {
    const chronic: Order = { drugText: 'oxycodone 5 mg tablet', quantity: 12, sig: '1 tab q6h', continuousTherapy: true };
    const d = evaluateOrder({ order: chronic, history: [reviewedAt('2024-01-01T12:00:00Z')], now: new Date('2024-03-31T12:00:00Z'), pack: CT_PACK });
    expect(d.status).toBe('reviewed');
    expect(d.nextDueOn).toBe('2024-03-31');
  });
  it.each([
    ['2016-02-29', true],
    ['2019-02-29', false],
    ['2100-02-29', false],
    ['2000-02-29', true],
  ])('as of %s: a real date → %s', (asOf, valid) => {
    const d = evaluateOrder({ order: OXY, history: [], now: new Date('2020-01-01T00:00:00Z'), asOf, pack: getPack('CT') });
    if (valid) expect(d.asOf).toBe(asOf);
    else {
      expect(d.status).toBe('undetermined');
      expect(d.headline).toBe('The date of the order is not a valid date');
    }
  });
});

describe('time zones: the law starts at local midnight', () => {
  it.each<[string, string, Order, string, string]>([
    ['CT', '2015-10-01T03:30:00Z', OXY, '2015-09-30', 'not-required'], // 23:30 EDT on the 30th
    ['CT', '2015-10-01T04:30:00Z', OXY, '2015-10-01', 'due'], // 00:30 EDT on the 1st
    ['HI', '2018-07-01T09:30:00Z', ALPRAZOLAM, '2018-06-30', 'not-required'], // 23:30 HST
    ['HI', '2018-07-01T10:30:00Z', ALPRAZOLAM, '2018-07-01', 'due'], // 00:30 HST
    ['TX', '2017-09-01T04:59:00Z', OXY, '2017-08-31', 'not-required'], // 23:59 CDT
    ['TX', '2017-09-01T05:00:00Z', OXY, '2017-09-01', 'due'], // 00:00 CDT
  ])('%s at %s is %s there → %s', (state, iso, order, date, status) => {
    const d = evaluateOrder({ order, history: [], now: new Date(iso), pack: getPack(state) });
    expect(d.asOf).toBe(date);
    expect(d.status).toBe(status);
  });
});

describe('a source row ending on the day the next begins', () => {
  it('AK on 2019-02-21: the newer row alone applies, with no rule twice', () => {
    const d = evaluateOrder({ order: OXY, history: [], now: new Date('2019-02-21T20:00:00Z'), pack: getPack('AK') });
    expect(new Set(d.ruleIds).size).toBe(d.ruleIds.length);
    expect(d.status).toBe('due');
  });
});

describe('an invalid clock', () => {
  it('is undetermined rather than a crash', () => {
    const d = evaluateOrder({ order: OXY, history: [], now: new Date('not a date'), pack: CT_PACK });
    expect(d.status).toBe('undetermined');
  });
});
