import { describe, expect, it } from 'vitest';
import { parseQuantity, parseSig, type SigParse } from './sig';

type Row = [sig: string, unitsMin: number, unitsMax: number, dosesMin: number, dosesMax: number, prn: boolean, extra?: Partial<SigParse>];

const ML = { volumeMl: true, doseUnit: 'mL' } as const;

const ROWS: Row[] = [
  // every N hours
  ['1 tab po q6h prn', 1, 1, 4, 4, true, { doseUnit: 'tablet' }],
  ['1 tab PO q6h PRN pain', 1, 1, 4, 4, true],
  ['1 TAB PO Q6H PRN', 1, 1, 4, 4, true],
  ['Take 1 tablet by mouth every 6 hours as needed for pain', 1, 1, 4, 4, true],
  ['take 1 tab po q6h prn for pain', 1, 1, 4, 4, true],
  ['1 tab po q.6.h. p.r.n.', 1, 1, 4, 4, true],
  ['1-2 tabs q4-6h prn pain', 1, 2, 4, 6, true],
  ['1-2 tab po q4-6h prn', 1, 2, 4, 6, true],
  ['1 to 2 tablets every 4 to 6 hours as needed', 1, 2, 4, 6, true],
  ['1 or 2 tablets every 4-6 hours as needed for pain', 1, 2, 4, 6, true],
  ['1–2 tabs q4–6h prn', 1, 2, 4, 6, true],
  ['every 12 hours', 1, 1, 2, 2, false],
  ['q12h', 1, 1, 2, 2, false],
  ['Q12H', 1, 1, 2, 2, false],
  ['q8h', 1, 1, 3, 3, false],
  ['q4h', 1, 1, 6, 6, false],
  ['q3h prn', 1, 1, 8, 8, true],
  ['q2h prn', 1, 1, 12, 12, true],
  ['q1h', 1, 1, 24, 24, false],
  ['every hour', 1, 1, 24, 24, false],
  ['hourly as needed', 1, 1, 24, 24, true],
  ['q24h', 1, 1, 1, 1, false],
  ['q48h', 1, 1, 0.5, 0.5, false],
  ['every 6 hrs', 1, 1, 4, 4, false],
  ['every 6 hr', 1, 1, 4, 4, false],
  ['q 6 h', 1, 1, 4, 4, false],
  ['q6 hours', 1, 1, 4, 4, false],
  ['q.6.h.', 1, 1, 4, 4, false],
  ['every six hours', 1, 1, 4, 4, false],
  ['every 4 to 6 hours as needed', 1, 1, 4, 6, true],
  ['every 8-12 hours', 1, 1, 2, 3, false],
  ['q 4-6 h prn', 1, 1, 4, 6, true],
  ['q5h', 1, 1, 4.8, 4.8, false],
  ['1 cap q8h', 1, 1, 3, 3, false, { doseUnit: 'capsule' }],
  ['2 caps q12h', 2, 2, 2, 2, false],
  ['1 tab every 3 hours as needed', 1, 1, 8, 8, true],
  ['0.5 tab q6h', 0.5, 0.5, 4, 4, false],
  ['½ tab q8h prn', 0.5, 0.5, 3, 3, true],
  ['1/2 tab q12h', 0.5, 0.5, 2, 2, false],
  ['1 1/2 tabs q6h', 1.5, 1.5, 4, 4, false],
  ['1½ tabs q6h', 1.5, 1.5, 4, 4, false],
  ['one and a half tablets q6h', 1.5, 1.5, 4, 4, false],
  ['one-half tablet every 6 hours', 0.5, 0.5, 4, 4, false],
  ['half a tablet every 8 hours', 0.5, 0.5, 3, 3, false],
  ['q4h while awake', 1, 1, 6, 6, false],
  ['1 tab po q4h while awake prn', 1, 1, 6, 6, true],
  ['1 tab q6h while awake', 1, 1, 4, 4, false],
  // 'q.' with the abbreviation mark (OpenEMR's interval titles): never a decimal point
  ['q.6h', 1, 1, 4, 4, false],
  ['1 tab po q.6h prn', 1, 1, 4, 4, true, { description: '1 tab every 6 hours as needed' }],
  ['q.4-6h', 1, 1, 4, 6, false],
  ['1-2 tabs q.4-6h p.r.n.', 1, 2, 4, 6, true],
  ['q. 8 h', 1, 1, 3, 3, false],
  ['Q.12H', 1, 1, 2, 2, false],
  ['q.12.h.', 1, 1, 2, 2, false],
  ['q.8h.', 1, 1, 3, 3, false],
  ['q.6 hrs', 1, 1, 4, 4, false],
  ['q.72h', 1, 1, 1 / 3, 1 / 3, false],
  ['q.1h', 1, 1, 24, 24, false],
  ['Take 1 tab q. 4-6 h. p.r.n. pain', 1, 1, 4, 6, true],
  // ...while a decimal dose beside it stays a decimal
  ['0.5 mL q.6h', 0.5, 0.5, 4, 4, false, ML],
  ['2.5 mL po q.8h', 2.5, 2.5, 3, 3, false, ML],
  ['2.5 mg q.8h', 1, 1, 3, 3, false, { doseMass: { min: 2.5, max: 2.5, unit: 'mg' } }],
  ['.5 tab q.12h', 0.5, 0.5, 2, 2, false],
  ['take 1.5 tabs every .5 days', 1.5, 1.5, 2, 2, false],
  ['q 0.5h', 1, 1, 48, 48, false],
  // patches, days, weeks, months
  ['apply 1 patch q72h', 1, 1, 1 / 3, 1 / 3, false, { doseUnit: 'patch' }],
  ['change patch every 3 days', 1, 1, 1 / 3, 1 / 3, false, { doseUnit: 'patch' }],
  ['apply one patch every 72 hours', 1, 1, 1 / 3, 1 / 3, false],
  ['apply 1 patch every 3 days', 1, 1, 1 / 3, 1 / 3, false],
  ['1 patch q3d', 1, 1, 1 / 3, 1 / 3, false],
  ['apply 1 patch weekly', 1, 1, 1 / 7, 1 / 7, false],
  ['every other day', 1, 1, 0.5, 0.5, false],
  ['qod', 1, 1, 0.5, 0.5, false],
  ['1 tab every 2 days', 1, 1, 0.5, 0.5, false],
  ['weekly', 1, 1, 1 / 7, 1 / 7, false],
  ['once weekly', 1, 1, 1 / 7, 1 / 7, false],
  ['once a week', 1, 1, 1 / 7, 1 / 7, false],
  ['1 tab every week', 1, 1, 1 / 7, 1 / 7, false],
  ['q week', 1, 1, 1 / 7, 1 / 7, false],
  ['every 2 weeks', 1, 1, 1 / 14, 1 / 14, false],
  ['every other week', 1, 1, 1 / 14, 1 / 14, false],
  ['twice weekly', 1, 1, 2 / 7, 2 / 7, false],
  ['twice a week', 1, 1, 2 / 7, 2 / 7, false],
  ['3 times a week', 1, 1, 3 / 7, 3 / 7, false],
  ['monthly', 1, 1, 1 / 30, 1 / 30, false],
  ['q month', 1, 1, 1 / 30, 1 / 30, false],
  ['every 4 weeks', 1, 1, 1 / 28, 1 / 28, false],
  ['inject 1 syringe every 28 days', 1, 1, 1 / 28, 1 / 28, false],
  ['inject 0.5 mL subq weekly', 0.5, 0.5, 1 / 7, 1 / 7, false, ML],
  // times a day, in words and Latin
  ['bid', 1, 1, 2, 2, false],
  ['BID', 1, 1, 2, 2, false],
  ['b.i.d.', 1, 1, 2, 2, false],
  ['tid', 1, 1, 3, 3, false],
  ['TID', 1, 1, 3, 3, false],
  ['t.i.d.', 1, 1, 3, 3, false],
  ['qid', 1, 1, 4, 4, false],
  ['q.i.d.', 1, 1, 4, 4, false],
  ['Q.I.D. P.R.N.', 1, 1, 4, 4, true],
  ['1 tab po b.i.d. p.r.n.', 1, 1, 2, 2, true],
  ['2 tabs t.i.d.', 2, 2, 3, 3, false],
  ['q.o.d.', 1, 1, 0.5, 0.5, false],
  ['QID PRN', 1, 1, 4, 4, true],
  ['twice a day', 1, 1, 2, 2, false],
  ['twice daily', 1, 1, 2, 2, false],
  ['twice per day', 1, 1, 2, 2, false],
  ['once daily', 1, 1, 1, 1, false],
  ['once a day', 1, 1, 1, 1, false],
  ['once per day', 1, 1, 1, 1, false],
  ['three times a day', 1, 1, 3, 3, false],
  ['three times daily', 1, 1, 3, 3, false],
  ['four times a day', 1, 1, 4, 4, false],
  ['four times daily as needed', 1, 1, 4, 4, true],
  ['3 times a day', 1, 1, 3, 3, false],
  ['3 times daily', 1, 1, 3, 3, false],
  ['3x daily', 1, 1, 3, 3, false],
  ['3x/day', 1, 1, 3, 3, false],
  ['3 x day', 1, 1, 3, 3, false],
  ['2x a day', 1, 1, 2, 2, false],
  ['4 times per day', 1, 1, 4, 4, false],
  ['5 times a day', 1, 1, 5, 5, false],
  ['1-2 times daily', 1, 1, 1, 2, false],
  ['up to 3 times daily', 1, 1, 3, 3, false],
  ['1 tab up to four times a day as needed', 1, 1, 4, 4, true],
  ['2 tabs bid', 2, 2, 2, 2, false],
  ['take 2 tablets by mouth twice daily', 2, 2, 2, 2, false],
  ['take 2 by mouth twice daily', 2, 2, 2, 2, false],
  ['1 po tid', 1, 1, 3, 3, false],
  ['1 tab tid', 1, 1, 3, 3, false],
  ['1 cap po tid x 5 days', 1, 1, 3, 3, false, { durationDays: 5 }],
  ['tid x 5 days', 1, 1, 3, 3, false, { durationDays: 5 }],
  ['bid x 10 days', 1, 1, 2, 2, false, { durationDays: 10 }],
  ['1 tab bid for 7 days', 1, 1, 2, 2, false, { durationDays: 7 }],
  ['1 tab daily x 1 week', 1, 1, 1, 1, false, { durationDays: 7 }],
  ['1 tab qid x2 weeks', 1, 1, 4, 4, false, { durationDays: 14 }],
  ['1 tab daily for 1 month', 1, 1, 1, 1, false, { durationDays: 30 }],
  ['1 tab po q6h x5d', 1, 1, 4, 4, false, { durationDays: 5 }],
  ['1 tab po tid prn x 3 days', 1, 1, 3, 3, true, { durationDays: 3 }],
  ['1 tab q6h prn for 3-5 days', 1, 1, 4, 4, true, { durationDays: 3 }],
  ['1 tab q6h x 4 doses', 1, 1, 4, 4, false, { durationDays: 1 }],
  ['1 tab daily, 7 day supply', 1, 1, 1, 1, false, { durationDays: 7 }],
  // once a day and times of day
  ['1 tab qd', 1, 1, 1, 1, false],
  ['qd', 1, 1, 1, 1, false],
  ['q.d.', 1, 1, 1, 1, false],
  ['1 tab po q.d.', 1, 1, 1, 1, false],
  ['Q.D.', 1, 1, 1, 1, false],
  ['q.a.m.', 1, 1, 1, 1, false],
  ['daily', 1, 1, 1, 1, false],
  ['Daily', 1, 1, 1, 1, false],
  ['every day', 1, 1, 1, 1, false],
  ['1 tab a day', 1, 1, 1, 1, false],
  ['2 tabs per day', 2, 2, 1, 1, false],
  ['1 tab qam', 1, 1, 1, 1, false],
  ['qam', 1, 1, 1, 1, false],
  ['q am', 1, 1, 1, 1, false],
  ['every morning', 1, 1, 1, 1, false],
  ['in the morning', 1, 1, 1, 1, false],
  ['qpm', 1, 1, 1, 1, false],
  ['every evening', 1, 1, 1, 1, false],
  ['in the evening', 1, 1, 1, 1, false],
  ['qhs', 1, 1, 1, 1, false],
  ['QHS', 1, 1, 1, 1, false],
  ['q.h.s.', 1, 1, 1, 1, false],
  ['1 tab q.h.s. p.r.n. sleep', 1, 1, 1, 1, true],
  ['Q.H.S.', 1, 1, 1, 1, false],
  ['at bedtime', 1, 1, 1, 1, false],
  ['1 tab at bedtime as needed for sleep', 1, 1, 1, 1, true],
  ['nightly', 1, 1, 1, 1, false],
  ['at night', 1, 1, 1, 1, false],
  ['hs', 1, 1, 1, 1, false],
  ['1 tab qhs prn insomnia', 1, 1, 1, 1, true],
  ['qam and qhs', 1, 1, 2, 2, false],
  ['in the morning and at bedtime', 1, 1, 2, 2, false],
  ['1 tab in the morning and 1 tab at bedtime', 1, 1, 2, 2, false],
  ['1 tab qam and 2 tabs qhs', 1, 2, 2, 2, false],
  ['with meals', 1, 1, 3, 3, false],
  ['1 tab with meals', 1, 1, 3, 3, false],
  ['1 tab tid with meals', 1, 1, 3, 3, false],
  ['1 tab ac', 1, 1, 3, 3, false],
  ['1 tab before meals', 1, 1, 3, 3, false],
  ['with meals and at bedtime', 1, 1, 4, 4, false],
  ['ac and hs', 1, 1, 4, 4, false],
  ['once', 1, 1, 1, 1, false, { durationDays: 1 }],
  ['stat', 1, 1, 1, 1, false, { durationDays: 1 }],
  ['take 1 tab once 1 hour before procedure', 1, 1, 1, 1, false, { durationDays: 1 }],
  // amounts in words, fractions, Latin
  ['one tablet daily', 1, 1, 1, 1, false, { doseUnit: 'tablet' }],
  ['two tablets daily', 2, 2, 1, 1, false],
  ['two (2) tablets twice daily', 2, 2, 2, 2, false],
  ['take one (1) tablet by mouth every six (6) hours as needed', 1, 1, 4, 4, true],
  ['ss po qhs', 0.5, 0.5, 1, 1, false],
  ['ss tab bid', 0.5, 0.5, 2, 2, false],
  ['i tab po q6h', 1, 1, 4, 4, false],
  ['ii tabs po q6h', 2, 2, 4, 4, false],
  ['tabs ii q6h prn', 2, 2, 4, 4, true],
  ['take 1 capsule by mouth three times a day', 1, 1, 3, 3, false],
  ['1 tab(s) po q6h', 1, 1, 4, 4, false],
  ['1 tab (5 mg) po q6h prn', 1, 1, 4, 4, true, { doseUnit: 'tablet' }],
  ['take up to 2 tabs q6h prn', 1, 2, 4, 4, true],
  ['.5 tab daily', 0.5, 0.5, 1, 1, false],
  // doses in mg, liquids
  ['take 10 mg po q6h', 1, 1, 4, 4, false, { doseUnit: 'mg', doseMass: { min: 10, max: 10, unit: 'mg' } }],
  ['5-10 mg q4h prn', 1, 1, 6, 6, true, { doseMass: { min: 5, max: 10, unit: 'mg' } }],
  ['inject 300 mg monthly', 1, 1, 1 / 30, 1 / 30, false, { doseMass: { min: 300, max: 300, unit: 'mg' } }],
  ['5 mL po q6h prn cough', 5, 5, 4, 4, true, ML],
  ['10 mg (5 mL) po q6h prn', 5, 5, 4, 4, true, ML],
  ['1 tsp q4-6h prn cough', 5, 5, 4, 6, true, ML],
  ['2 tsp q6h', 10, 10, 4, 4, false, ML],
  ['1 tbsp bid', 15, 15, 2, 2, false, ML],
  ['10 ml po qhs', 10, 10, 1, 1, false, ML],
  ['2.5 ml q8h', 2.5, 2.5, 3, 3, false, ML],
  ['5 cc q6h prn', 5, 5, 4, 4, true, ML],
  // other forms
  ['place 1 film under the tongue daily', 1, 1, 1, 1, false, { doseUnit: 'film' }],
  ['dissolve 1 tab sl bid', 1, 1, 2, 2, false],
  ['1 supp pr q12h prn', 1, 1, 2, 2, true, { doseUnit: 'suppository' }],
  ['2 puffs q4h prn', 2, 2, 6, 6, true, { doseUnit: 'spray' }],
  ['1 spray in one nostril q2h prn', 1, 1, 12, 12, true],
  ['1 lozenge q4h prn', 1, 1, 6, 6, true],
  // daily maximums
  ['1 tab q6h prn max 4 tabs/day', 1, 1, 4, 4, true, { maxUnitsPerDay: 4 }],
  ['1 tab q4h prn max 4 tabs/day', 1, 1, 4, 4, true, { maxUnitsPerDay: 4 }],
  ['1-2 tabs q4h prn, max 6 tabs per day', 1, 2, 3, 3, true, { maxUnitsPerDay: 6 }],
  ['1-2 tabs po q4-6h prn, max 6 tabs/day', 1, 2, 3, 3, true],
  ['1 tab q4h prn not to exceed 5 tablets in 24 hours', 1, 1, 5, 5, true],
  ['1 tab q4h prn do not exceed 4 doses per day', 1, 1, 4, 4, true],
  ['2 tabs q4h prn max 8/day', 2, 2, 4, 4, true],
  ['1 tab prn, max 4 tabs/day', 1, 1, 4, 4, true],
  ['1 tab prn max 3 per day', 1, 1, 3, 3, true],
  ['1 tab q2h prn, maximum of 6 tablets in 24 hrs', 1, 1, 6, 6, true],
  ['max daily dose 4 tablets; 1 tab q4h prn', 1, 1, 4, 4, true],
  ['1 tab q4h prn (max 4/day)', 1, 1, 4, 4, true],
  ['1 tab q6h prn #30', 1, 1, 4, 4, true],
  ['1 tab q6h prn disp 30 tabs, 0 refills', 1, 1, 4, 4, true],
];

describe('parseSig', () => {
  it.each(ROWS)('%j', (sig, unitsMin, unitsMax, dosesMin, dosesMax, prn, extra) => {
    const p = parseSig(sig);
    expect(p).not.toBeNull();
    if (!p) return;
    expect(p.unitsPerDoseMin).toBeCloseTo(unitsMin, 9);
    expect(p.unitsPerDoseMax).toBeCloseTo(unitsMax, 9);
    expect(p.dosesPerDayMin).toBeCloseTo(dosesMin, 9);
    expect(p.dosesPerDayMax).toBeCloseTo(dosesMax, 9);
    expect(p.prn).toBe(prn);
    if (extra) expect(p).toMatchObject(extra);
  });

  it.each([
    'take as directed',
    'use as directed',
    '1 tab po prn',
    '1 tab po p.r.n.',
    'prn pain',
    '1 tablet',
    'see instructions',
    '',
    '   ',
    '#30',
  ])('%j has no frequency: null', (sig) => {
    expect(parseSig(sig)).toBeNull();
  });

  it('notes the assumptions it made', () => {
    expect(parseSig('q4h while awake')?.notes.join(' ')).toMatch(/while awake/);
    expect(parseSig('bid')?.notes.join(' ')).toMatch(/1 assumed/);
    expect(parseSig('take 10 mg q6h')?.notes.join(' ')).toMatch(/strength/);
    expect(parseSig('1 tab prn max 4 tabs/day')?.notes.join(' ')).toMatch(/daily maximum/);
  });

  it.each([
    ['1 tab po q6h prn', '1 tab every 6 hours as needed'],
    ['1-2 tabs q4-6h prn pain', '1-2 tabs every 4-6 hours as needed'],
    ['apply 1 patch q72h', '1 patch every 72 hours'],
    ['5 mL po q6h prn cough', '5 mL every 6 hours as needed'],
    ['2 tabs bid', '2 tabs twice a day'],
    ['qhs', 'at bedtime'],
    ['up to 3 times daily', 'up to 3 times a day'],
  ])('describes %j as %j', (sig, description) => {
    expect(parseSig(sig)?.description).toBe(description);
  });
});

describe('parseQuantity', () => {
  it.each([
    ['#40', 40, undefined],
    ['40', 40, undefined],
    ['# 28', 28, undefined],
    ['thirty (30)', 30, undefined],
    ['Thirty (30) tablets', 30, 'tablet'],
    ['30 (thirty) capsules', 30, 'capsule'],
    ['#30 (thirty) tablets', 30, 'tablet'],
    ['90 tablets (ninety)', 90, 'tablet'],
    ['30 tabs', 30, 'tablet'],
    ['60 caps', 60, 'capsule'],
    ['ten tablets', 10, 'tablet'],
    ['forty-five', 45, undefined],
    ['one hundred twenty', 120, undefined],
    ['120 mL', 120, 'mL'],
    ['120 ml', 120, 'mL'],
    ['5 mL', 5, 'mL'],
    ['1 tsp', 5, 'mL'],
    ['1 bottle (120 mL)', 120, 'mL'],
    ['1 box', 1, 'package'],
    ['2 patches', 2, 'patch'],
    ['30 g', 30, 'g'],
    ['Qty: 30', 30, undefined],
    ['ss', 0.5, undefined],
    ['2.5', 2.5, undefined],
  ])('%j -> %d %s', (text, value, unit) => {
    const q = parseQuantity(text);
    expect(q?.value).toBe(value);
    expect(q?.unit).toBe(unit);
  });

  it.each(['abc', '', '0', 'none', '-', 'tablets'])('%j -> null', (text) => {
    expect(parseQuantity(text)).toBeNull();
  });
});

describe('parseSig performance', () => {
  it('parses a typical sig in well under 10 µs', () => {
    const sigs = ['1 tab po q6h prn', '1-2 tabs po q4-6h prn pain', '2 tabs bid', 'Take 1 tablet by mouth every 6 hours as needed for pain'];
    for (let i = 0; i < 2000; i++) for (const s of sigs) parseSig(s);
    const n = 20000;
    const start = performance.now();
    for (let i = 0; i < n; i++) parseSig(sigs[i % sigs.length] ?? '');
    const perCall = ((performance.now() - start) * 1000) / n;
    // Generous bound for slow CI machines; typical is 2-5 µs.
    expect(perCall).toBeLessThan(30);
  });
});
