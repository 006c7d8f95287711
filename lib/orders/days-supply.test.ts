import { describe, expect, it } from 'vitest';
import { computeDaysSupply, DaysSupplyResult, type DaysSupplyInput } from './days-supply';

type Expect = Pick<DaysSupplyResult, 'daysSupply' | 'min' | 'max' | 'source' | 'uncertain'>;
const computed = (d: number, max = d): Expect => ({ daysSupply: d, min: d, max, source: 'computed', uncertain: d !== max });
const duration = (d: number): Expect => ({ daysSupply: d, min: d, max: d, source: 'duration', uncertain: false });
const unknown: Expect = { daysSupply: null, min: null, max: null, source: 'unknown', uncertain: true };

const ROWS: [string, DaysSupplyInput, Expect][] = [
  ['q6h prn, #40', { sig: '1 tab po q6h prn', quantity: 40 }, computed(10)],
  ['72 hours exactly', { sig: '1 tab po q6h', quantity: 12 }, computed(3)],
  ['just over 72 hours', { sig: '1 tab po q6h', quantity: 13 }, computed(3.25)],
  ['q8h #9', { sig: '1 tab q8h', quantity: 9 }, computed(3)],
  ['q5h #24 (24/4.8 must be exactly 5)', { sig: '1 tab q5h', quantity: 24 }, computed(5)],
  ['q7h #24', { sig: '1 tab q7h', quantity: 24 }, computed(7)],
  ['bid #6', { sig: '1 tab bid', quantity: 6 }, computed(3)],
  ['bid #7', { sig: '1 tab bid', quantity: 7 }, computed(3.5)],
  ['ranges: shortest reading', { sig: '1-2 tabs q4-6h prn', quantityText: '#30' }, computed(2.5, 7.5)],
  ['ranges in words', { sig: '1 to 2 tablets every 4 to 6 hours as needed', quantityText: 'thirty (30)' }, computed(2.5, 7.5)],
  ['2 tabs q6h #24', { sig: '2 tabs q6h', quantity: 24 }, computed(3)],
  ['tid #90', { sig: '1 tab tid', quantity: 90 }, computed(30)],
  ['qhs #30', { sig: '1 tab qhs', quantity: 30 }, computed(30)],
  ['ss qhs #15', { sig: 'ss tab qhs', quantity: 15 }, computed(30)],
  ['half bid #30', { sig: '½ tab bid', quantity: 30 }, computed(30)],
  ['patch q72h #10', { sig: 'apply 1 patch q72h', quantity: 10 }, computed(30)],
  ['patch every 3 days #5', { sig: 'change patch every 3 days', quantity: 5, quantityUnit: 'patches' }, computed(15)],
  ['weekly #4', { sig: '1 tab weekly', quantity: 4 }, computed(28)],
  ['every other day #15', { sig: 'every other day', quantity: 15 }, computed(30)],
  ['up to 3 times daily #90', { sig: 'up to 3 times daily', quantity: 90 }, computed(30)],
  ['while awake #18', { sig: 'q4h while awake', quantity: 18 }, computed(3)],
  ['q8h #21', { sig: '1 cap q8h', quantity: 21 }, computed(7)],
  ['liquid in mL', { sig: '5 mL po q6h prn cough', quantityText: '120 mL' }, computed(6)],
  ['liquid with mg and mL', { sig: '10 mg (5 mL) po q6h prn', quantityText: '120 mL' }, computed(6)],
  ['liquid in mg via strength', { sig: '10 mg po q6h prn', quantityText: '120 mL', strength: '10 mg/5 mL' }, computed(6)],
  ['teaspoons against mL', { sig: '1 tsp q6h', quantity: 120, quantityUnit: 'mL' }, computed(6)],
  ['liquid quantity in a bottle', { sig: '5 mL q6h prn', quantityText: '1 bottle (120 mL)' }, computed(6)],
  ['mg dose, single strength', { sig: '10 mg po q6h', quantity: 40, strength: '5 mg' }, computed(5)],
  ['mg dose, combination strength', { sig: '10 mg po q6h', quantity: 40, strength: '5-325 mg' }, computed(5)],
  ['mg dose, combination listed second', { sig: 'take 30 mg q6h', quantity: 24, strength: '300-30 mg' }, computed(6)],
  ['mcg patch rate as dose', { sig: '25 mcg q72h', quantity: 5, strength: '25 mcg/hr' }, computed(15)],
  ['cap of 4 a day', { sig: '1 tab q4h prn max 4 tabs/day', quantity: 20 }, computed(5)],
  ['cap couples only the top reading', { sig: '1-2 tabs q4-6h prn max 6/day', quantity: 30 }, computed(5, 7.5)],
  ['cap without frequency', { sig: '1 tab prn max 4 tabs/day', quantity: 12 }, computed(3)],
  ['mass cap with strength', { sig: '1 tab q4h prn, max 20 mg/day', quantity: 12, strength: '5 mg' }, computed(3)],
  ['quantity written in the sig', { sig: '1 tab po q6h #12' }, computed(3)],
  ['quantity in words', { sig: '1 tab q6h prn', quantityText: 'forty' }, computed(10)],
  ['tid #10 (non-terminating)', { sig: '1 tab tid', quantity: 10 }, computed(10 / 3)],
  ['structured dose and frequency', { quantity: 30, dose: 1, dosesPerDay: 3 }, computed(10)],
  ['structured frequency only', { quantity: 30, dosesPerDay: 2 }, computed(15)],
  ['structured dose overrides sig', { sig: '2 tabs bid', quantity: 60, dose: 1 }, computed(30)],
  ['structured frequency overrides sig', { sig: '1 tab bid', quantity: 60, dosesPerDay: 4 }, computed(15)],
  ['duration and quantity agree', { sig: '1 tab bid x 5 days', quantity: 10 }, computed(5)],
  ['duration shorter than quantity', { sig: '1 tab tid x 5 days', quantity: 30 }, computed(10)],
  ['duration only in sig', { sig: 'tid x 5 days' }, duration(5)],
  ['structured duration', { sig: '1 tab bid', durationDays: 7 }, duration(7)],
  ['duration with nothing else', { durationDays: 5 }, duration(5)],
  ['single dose', { sig: 'take 1 tab once' }, duration(1)],
  ['no frequency', { sig: 'take as directed', quantity: 30 }, unknown],
  ['no sig', { quantity: 30 }, unknown],
  ['nothing', {}, unknown],
  ['no quantity', { sig: '1 tab q6h' }, unknown],
  ['mg dose without strength', { sig: '10 mg po q6h', quantity: 40 }, unknown],
  ['mL dose against tablets', { sig: '5 mL q6h', quantity: 30, quantityUnit: 'tablets' }, unknown],
  ['tablet dose against mL', { sig: '1 tab q6h', quantity: 120, quantityUnit: 'mL' }, unknown],
  ['quantity is a package', { sig: '1 tab q6h', quantityText: '1 bottle' }, unknown],
  ['zero quantity ignored', { sig: '1 tab q6h', quantity: 0 }, unknown],
  ['negative quantity ignored', { sig: '1 tab q6h', quantity: -5 }, unknown],
  ['NaN quantity ignored', { sig: '1 tab q6h', quantity: Number.NaN }, unknown],
  ['infinite quantity ignored', { sig: '1 tab q6h', quantity: Number.POSITIVE_INFINITY }, unknown],
  ['invalid given days supply ignored', { sig: '1 tab q6h', quantity: 12, daysSupply: 0 }, computed(3)],
];

describe('computeDaysSupply', () => {
  it.each(ROWS)('%s', (_name, input, expected) => {
    const r = computeDaysSupply(input);
    expect(DaysSupplyResult.parse(r)).toEqual(r);
    expect(r.source).toBe(expected.source);
    expect(r.uncertain).toBe(expected.uncertain);
    for (const key of ['daysSupply', 'min', 'max'] as const) {
      const want = expected[key];
      if (want === null) expect(r[key]).toBeNull();
      else expect(r[key]).toBeCloseTo(want, 9);
    }
    expect(r.explanation.length).toBeGreaterThan(10);
  });

  it.each([
    ['#12 at 1 tab q6h', { sig: '1 tab po q6h', quantity: 12 }, 3],
    ['#24 at 1 tab q5h', { sig: '1 tab q5h', quantity: 24 }, 5],
    ['#9 at 1 tab q8h', { sig: '1 tab q8h', quantity: 9 }, 3],
    ['#7 at 1 tab q24h', { sig: '1 tab q24h', quantity: 7 }, 7],
    ['#18 at q4h while awake', { sig: 'q4h while awake', quantity: 18 }, 3],
    ['#1 at 1 patch q72h', { sig: '1 patch q72h', quantity: 1 }, 3],
    ['#6 at 0.5 tab q6h... as 3 days x 2', { sig: '0.5 tab q6h', quantity: 6 }, 3],
    ['#36 at 1 tab q2h', { sig: '1 tab q2h', quantity: 36 }, 3],
  ] as const)('is exact at the 72-hour boundary: %s', (_name, input, days) => {
    const r = computeDaysSupply(input);
    expect(r.daysSupply).toBe(days);
    expect(r.min).toBe(days);
  });

  it('explains itself in plain words', () => {
    expect(computeDaysSupply({ sig: '1 tab po q6h prn', quantity: 40 }).explanation).toBe(
      '40 tablets at up to 4 a day lasts at least 10 days (1 tab every 6 hours as needed).',
    );
    expect(computeDaysSupply({ sig: '1 tab po q6h', quantity: 12 }).explanation).toBe(
      '12 tablets at 4 a day lasts 3 days (1 tab every 6 hours).',
    );
    expect(computeDaysSupply({ sig: '5 mL po q6h prn cough', quantityText: '120 mL' }).explanation).toContain(
      '120 mL at up to 20 mL a day lasts at least 6 days',
    );
    expect(computeDaysSupply({ sig: 'apply 1 patch q72h', quantity: 5 }).explanation).toContain('5 patches at 1 every 3 days lasts 15 days');
  });

  it('says when the shortest of several readings was used', () => {
    const r = computeDaysSupply({ sig: '1-2 tabs q4-6h prn pain', quantityText: '#30' });
    expect(r.explanation).toContain('at least 2.5 days');
    expect(r.explanation).toContain('7.5 days');
    expect(r.explanation).toContain('shortest reading was used');
    expect(r).toMatchObject({ dosesPerDay: 6, dosesPerDayMin: 4, dosesPerDayMax: 6 });
  });

  it('lets a days supply entered in the EHR win, and checks it against the sig', () => {
    const agrees = computeDaysSupply({ sig: '1 tab bid', quantity: 60, daysSupply: 30 });
    expect(agrees).toMatchObject({ daysSupply: 30, min: 30, max: 30, source: 'given', uncertain: false });
    const differs = computeDaysSupply({ sig: '1 tab bid', quantity: 60, daysSupply: 10 });
    expect(differs).toMatchObject({ daysSupply: 10, min: 30, max: 30, source: 'given', uncertain: true });
    expect(differs.explanation).toContain('does NOT agree');
    const alone = computeDaysSupply({ daysSupply: 7 });
    expect(alone).toMatchObject({ daysSupply: 7, min: null, max: null, source: 'given', uncertain: false });
    const rounded = computeDaysSupply({ sig: '1 tab tid', quantity: 10, daysSupply: 3 });
    expect(rounded.uncertain).toBe(false);
  });

  it('mentions a stated duration that differs from the quantity', () => {
    expect(computeDaysSupply({ sig: '1 tab tid x 5 days', quantity: 30 }).explanation).toContain('duration of 5 days');
  });

  it('says why it could not compute', () => {
    expect(computeDaysSupply({ sig: 'take as directed', quantity: 30 }).explanation).toContain('no frequency');
    expect(computeDaysSupply({ sig: '1 tab q6h' }).explanation).toContain('no quantity');
    expect(computeDaysSupply({ sig: '10 mg q6h', quantity: 40 }).explanation).toContain('no strength');
    expect(computeDaysSupply({ sig: '5 mL q6h', quantity: 30, quantityUnit: 'tablets' }).explanation).toContain('tablets');
  });

  it('reports doses a day even when days supply cannot be computed', () => {
    expect(computeDaysSupply({ sig: '1 tab q6h' })).toMatchObject({ dosesPerDay: 4, dosesPerDayMin: 4, dosesPerDayMax: 4 });
  });
});
