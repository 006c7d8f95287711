import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { computeIndicators } from './index';
import type { Fill } from '../pmp/history';
import type { FlagKind } from './schema';
import { Indicators } from './schema';
import { by, rx } from './test-fills';

const OXY = 'Oxycodone HCl 5 mg tablet';
const OXY_ER = 'Oxycodone HCl ER 20 mg tablet';
const HYDRO = 'Hydrocodone bitartrate 10 mg / acetaminophen 325 mg tablet';
const ALPRAZOLAM = 'Alprazolam 0.5 mg tablet';

const run = (fills: Fill[], asOf = '2026-03-01', settings = {}) => computeIndicators(fills, { asOf, settings });
const flag = (fills: Fill[], kind: FlagKind, asOf?: string, settings = {}) => run(fills, asOf, settings).flags.find((f) => f.kind === kind);

describe('MME/day over time', () => {
  it('steps up where fills overlap and back down, with the fills behind each step', () => {
    const a = rx(OXY, 120, 30, '2026-01-01'); // 30 MME, Jan 1–30
    const b = rx(HYDRO, 40, 10, '2026-01-11'); // 40 MME, Jan 11–20
    const ind = run([a, b], '2026-01-15');
    expect(ind.mme.segments).toEqual([
      { from: '2026-01-01', to: '2026-01-10', value: 30, fillIds: [a.id] },
      { from: '2026-01-11', to: '2026-01-20', value: 70, fillIds: [a.id, b.id] },
      { from: '2026-01-21', to: '2026-01-30', value: 30, fillIds: [a.id] },
    ]);
    expect(ind.mme.current).toBe(70);
    expect(ind.mme.peak).toEqual({ value: 70, from: '2026-01-11', to: '2026-01-20' });
    expect(Indicators.parse(ind)).toEqual(ind);
  });

  it('carries an early refill of the same drug over instead of doubling the dose', () => {
    const a = rx(OXY, 120, 30, '2026-01-01');
    const b = rx(OXY, 120, 30, '2026-01-25'); // on hand from Jan 31 (after a runs out) to Mar 1
    const ind = run([a, b], '2026-02-15');
    expect(ind.mme.peak?.value).toBe(30);
    expect(ind.mme.segments.map((s) => [s.from, s.to, s.value])).toEqual([
      ['2026-01-01', '2026-01-30', 30],
      ['2026-01-31', '2026-03-01', 30],
    ]);
    expect(ind.mme.current).toBe(30);
  });

  it('is 0 today when no opioid covers today, and has no peak without opioids', () => {
    expect(run([rx(OXY, 40, 10, '2026-01-01')], '2026-02-01').mme.current).toBe(0);
    expect(run([rx(ALPRAZOLAM, 60, 30, '2026-01-01')]).mme.peak).toBeNull();
  });

  it('keeps buprenorphine out of MME and shows it apart in mg/day', () => {
    const ind = run([rx('Buprenorphine 8 mg / naloxone 2 mg sublingual film', 28, 14, '2026-02-20')], '2026-03-01');
    expect(ind.mme.segments).toEqual([]);
    expect(ind.buprenorphine.current).toBe(16);
    expect(ind.flags).toEqual([]);
  });

  it('selects the factor table: hydromorphone 8 mg/day is 40 (CDC 2022) or 32 (CDC 2016)', () => {
    const f = rx('Hydromorphone HCl 2 mg tablet', 120, 30, '2026-02-15');
    expect(run([f]).mme.current).toBe(40);
    expect(run([f], '2026-03-01', { mmeTable: 'cdc-2016' }).mme.current).toBe(32);
  });
});

describe('opioid + benzodiazepine overlap (days from fill date + days supply)', () => {
  it.each([
    ['benzodiazepine inside the opioid supply', '2026-01-21', 30, 10, '2026-01-21', '2026-01-30'],
    ['benzodiazepine starting the day the opioid ends', '2026-01-30', 30, 1, '2026-01-30', '2026-01-30'],
    ['benzodiazepine for 5 days inside', '2026-01-05', 5, 5, '2026-01-05', '2026-01-09'],
  ])('%s', (_label, benzoOn, benzoDays, days, from, to) => {
    const o = rx(OXY, 120, 30, '2026-01-01'); // Jan 1–30
    const b = rx(ALPRAZOLAM, benzoDays * 2, benzoDays, benzoOn);
    const ind = run([o, b]);
    expect(ind.opioidBenzodiazepineOverlapDays).toBe(days);
    const f = ind.flags.find((x) => x.kind === 'opioid-benzodiazepine-overlap');
    expect(f?.severity).toBe('high');
    expect(f?.why[0]).toMatchObject({ from, to, fillIds: expect.arrayContaining([o.id, b.id]) as unknown });
    expect(f?.why[0]?.text).toBe(
      `${from} to ${to} (${String(days)} day${days === 1 ? '' : 's'}): Oxycodone HCl 5 mg tablet (30 days from 2026-01-01) with Alprazolam 0.5 mg tablet (${String(benzoDays)} days from ${benzoOn})`,
    );
  });

  it('is no overlap when the benzodiazepine starts the day after the opioid runs out', () => {
    const ind = run([rx(OXY, 120, 30, '2026-01-01'), rx(ALPRAZOLAM, 60, 30, '2026-01-31')]);
    expect(ind.opioidBenzodiazepineOverlapDays).toBe(0);
    expect(ind.flags.map((f) => f.kind)).not.toContain('opioid-benzodiazepine-overlap');
  });

  it('counts each day once when several opioids overlap one benzodiazepine, and respects the minimum', () => {
    const fills = [rx(OXY, 120, 30, '2026-01-01'), rx(HYDRO, 40, 10, '2026-01-25'), rx(ALPRAZOLAM, 60, 30, '2026-01-21')];
    expect(run(fills).opioidBenzodiazepineOverlapDays).toBe(14); // Jan 21 – Feb 3
    expect(flag(fills, 'opioid-benzodiazepine-overlap', '2026-03-01', { minOverlapDays: 15 })).toBeUndefined();
    expect(flag(fills, 'opioid-benzodiazepine-overlap', '2026-03-01', { minOverlapDays: 14 })?.title).toContain('14 days');
  });

  it('says "including today" while the overlap lasts', () => {
    const fills = [rx(OXY, 120, 30, '2026-01-01'), rx(ALPRAZOLAM, 60, 30, '2026-01-21')];
    expect(flag(fills, 'opioid-benzodiazepine-overlap', '2026-01-25')?.title).toBe('Opioid and benzodiazepine overlap on 10 days, including today');
    expect(flag(fills, 'opioid-benzodiazepine-overlap', '2026-02-25')?.title).toBe('Opioid and benzodiazepine overlap on 10 days, most recently ending 2026-01-30');
  });
});

describe('overlapping opioids', () => {
  it('flags two different opioids on hand at once, with the days', () => {
    const a = rx(OXY, 120, 30, '2026-01-01');
    const b = rx(HYDRO, 40, 10, '2026-01-26'); // Jan 26 – Feb 4: 5 days with a
    const ind = run([a, b]);
    expect(ind.overlappingOpioidDays).toBe(5);
    expect(flag([a, b], 'overlapping-opioids')?.why[0]).toMatchObject({ from: '2026-01-26', to: '2026-01-30', fillIds: [a.id, b.id] });
  });

  it('does not count a refill of the same drug and strength as two opioids (that is an early refill)', () => {
    const fills = [rx(OXY, 120, 30, '2026-01-01'), rx(OXY, 120, 30, '2026-01-20')];
    expect(run(fills).overlappingOpioidDays).toBe(0);
    expect(flag(fills, 'early-refill')).toBeDefined();
  });

  it('counts a long-acting and a short-acting form of one opioid as two', () => {
    expect(run([rx(OXY_ER, 60, 30, '2026-01-01'), rx(OXY, 60, 30, '2026-01-01')]).overlappingOpioidDays).toBe(30);
  });
});

describe('early refills', () => {
  it.each([
    // 30-day supply from Jan 1: 75 % used on Jan 24 (day 23 after).
    ['Jan 23: a day before 75 % was used', '2026-01-23', 75, true],
    ['Jan 24: 75 % used', '2026-01-24', 75, false],
    ['Jan 30 with 100 % required', '2026-01-30', 100, true],
    ['Jan 31 with 100 % required', '2026-01-31', 100, false],
    ['the same day from another pharmacy', '2026-01-01', 75, true],
  ])('%s', (_label, on, percent, early) => {
    const a = rx(OXY, 120, 30, '2026-01-01');
    const b = rx(OXY, 120, 30, on, by(2));
    const f = flag([a, b], 'early-refill', '2026-03-01', { earlyRefillPercent: percent });
    expect(Boolean(f)).toBe(early);
    if (f) expect(f.why[0]?.fillIds).toEqual([a.id, b.id]);
  });

  it('explains how early, in days and dates', () => {
    const f = flag([rx(OXY, 120, 30, '2026-01-01'), rx(OXY, 120, 30, '2026-01-20')], 'early-refill');
    expect(f?.why[0]?.text).toBe(
      'Oxycodone HCl 5 mg tablet: filled 2026-01-20, 19 days after the 30 days fill of 2026-01-01 (11 days of supply left; 75 % used on 2026-01-24)',
    );
  });

  it('does not compare different strengths or drugs', () => {
    const fills = [rx(OXY, 120, 30, '2026-01-01'), rx('Oxycodone HCl 10 mg tablet', 120, 30, '2026-01-10'), rx(ALPRAZOLAM, 60, 30, '2026-01-05')];
    expect(flag(fills, 'early-refill')).toBeUndefined();
  });
});

describe('multiple-provider episodes', () => {
  const spread = (count: number, everyDays: number, distinctPharmacies = count) =>
    Array.from({ length: count }, (_, i) => {
      const day = new Date(Date.UTC(2026, 0, 1 + i * everyDays)).toISOString().slice(0, 10);
      return rx(OXY, 20, 5, day, { prescriber: by(i).prescriber, pharmacy: by(i % distinctPharmacies).pharmacy });
    });

  it.each([
    ['5 prescribers and 5 pharmacies within 90 days (day 0 … day 88)', spread(5, 22), {}, true],
    ['5 and 5, but the fifth on day 92', spread(5, 23), {}, false],
    ['5 prescribers but only 4 pharmacies', spread(5, 10, 4), {}, false],
    ['3 and 3 in 30 days when configured so', spread(3, 10), { mpeWindowDays: 30, mpeMinPrescribers: 3, mpeMinPharmacies: 3 }, true],
    ['3 and 3 in 30 days, default settings', spread(3, 10), {}, false],
  ])('%s', (_label, fills, settings, expected) => {
    const f = flag(fills, 'multiple-provider-episode', '2026-06-01', settings);
    expect(Boolean(f)).toBe(expected);
  });

  it('names the prescribers, pharmacies, fills and dates of the episode', () => {
    const fills = spread(6, 10);
    const f = flag(fills, 'multiple-provider-episode');
    expect(f?.severity).toBe('high');
    expect(f?.why).toHaveLength(1);
    expect(f?.why[0]).toMatchObject({ from: '2026-01-01', to: '2026-02-20', fillIds: fills.map((x) => x.id) });
    expect(f?.why[0]?.text).toContain('6 prescribers (Prescriber 0, MD; Prescriber 1, MD;');
    expect(f?.why[0]?.text).toContain('6 pharmacies (Pharmacy 0; Pharmacy 1;');
  });

  it('tells prescribers apart by NPI, or by name when the PMP gave none', () => {
    const noNpi = spread(5, 10).map((f, i) => ({ ...f, prescriber: { name: `Dr ${String(i % 2)}` } }));
    expect(flag(noNpi, 'multiple-provider-episode')).toBeUndefined();
  });
});

describe('long-acting opioid starts', () => {
  it('flags an ER opioid with no opioid before it as an opioid-naive start (high)', () => {
    const er = rx(OXY_ER, 60, 30, '2026-02-20');
    const f = flag([er], 'long-acting-start');
    expect(f).toMatchObject({ severity: 'high', title: 'Long-acting opioid started without prior opioid use' });
    expect(f?.why[0]).toMatchObject({ fillIds: [er.id], from: '2026-02-20' });
    expect(f?.why[0]?.text).toContain('no opioid at all in the 60 days before');
  });

  it('flags a start after short-acting opioids as a warning and names them', () => {
    const ir = rx(OXY, 120, 30, '2026-01-10');
    const er = rx(OXY_ER, 60, 30, '2026-02-20');
    const f = flag([ir, er], 'long-acting-start');
    expect(f?.severity).toBe('warning');
    expect(f?.why[0]?.fillIds).toEqual([er.id, ir.id]);
  });

  it('is not a start while another long-acting opioid was on hand in the 60 days before', () => {
    const morphine = rx('Morphine sulfate ER 30 mg tablet', 60, 30, '2026-01-15');
    const f = flag([morphine, rx(OXY_ER, 60, 30, '2026-02-20')], 'long-acting-start');
    expect(f?.why.map((w) => w.fillIds)).toEqual([[morphine.id]]);
  });

  it.each([
    // asOf 2026-03-01: the history is assumed to reach back 365 days, to 2025-03-01.
    ['a start whose 60-day look-back begins before the history does', [rx(OXY_ER, 60, 30, '2025-04-01')]],
    ['a short-acting opioid alone', [rx(OXY, 60, 30, '2026-02-20')]],
    ['a long-acting fill after today', [rx(OXY_ER, 60, 30, '2026-03-02')]],
  ])('is not flagged for %s', (_label, fills) => {
    expect(flag(fills, 'long-acting-start')).toBeUndefined();
  });

  it('is flagged when the look-back lies just inside the history', () => {
    expect(flag([rx(OXY_ER, 60, 30, '2025-04-30')], 'long-acting-start')).toBeDefined();
  });

  it('counts a refill of the same long-acting opioid as a continuation, not a start', () => {
    const f = flag([rx(OXY_ER, 60, 30, '2026-01-01'), rx(OXY_ER, 60, 30, '2026-01-31')], 'long-acting-start');
    expect(f?.why).toHaveLength(1);
  });
});

describe('high MME/day', () => {
  it.each([
    ['90 MME/day (60 + 30) in the last 90 days', [rx('Oxycodone HCl 10 mg tablet', 120, 30, '2026-02-10'), rx(OXY, 120, 30, '2026-02-10')], 'high'],
    ['60 MME/day', [rx('Oxycodone HCl 10 mg tablet', 120, 30, '2026-02-10')], 'warning'],
    ['40 MME/day', [rx(HYDRO, 120, 30, '2026-02-10')], undefined],
    ['120 MME/day but 4 months ago', [rx('Oxycodone HCl 10 mg tablet', 240, 30, '2025-10-01')], undefined],
  ])('%s', (_label, fills, severity) => {
    expect(flag(fills, 'high-mme')?.severity).toBe(severity);
  });

  it('adds up the fills behind the dose in the why', () => {
    const a = rx('Oxycodone HCl 10 mg tablet', 120, 30, '2026-02-10');
    const b = rx(OXY, 120, 30, '2026-02-10');
    expect(flag([a, b], 'high-mme')?.why[0]?.text).toBe(
      '2026-02-10 to 2026-03-11: 90 MME/day = Oxycodone HCl 10 mg tablet 60 + Oxycodone HCl 5 mg tablet 30 (filled 2026-02-10)',
    );
  });

  it('gives one why for back-to-back refills over the line, with every fill date', () => {
    const fills = [rx('Oxycodone HCl 10 mg tablet', 120, 30, '2025-12-01'), rx('Oxycodone HCl 10 mg tablet', 120, 30, '2025-12-31'), rx('Oxycodone HCl 10 mg tablet', 120, 30, '2026-01-30')];
    const f = flag(fills, 'high-mme');
    expect(f?.why).toHaveLength(1);
    expect(f?.why[0]?.text).toBe('2025-12-01 to 2026-02-28: 60 MME/day = Oxycodone HCl 10 mg tablet 60 (filled 2025-12-01, 2025-12-31, 2026-01-30)');
    expect(f?.fillIds).toHaveLength(3);
  });

  it('says "up to" when the dose changed within the period', () => {
    const fills = [rx('Oxycodone HCl 10 mg tablet', 120, 30, '2026-01-01'), rx(OXY, 60, 10, '2026-01-10')];
    expect(flag(fills, 'high-mme')?.why[0]?.text).toBe(
      '2026-01-01 to 2026-01-30: up to 105 MME/day = Oxycodone HCl 10 mg tablet 60 + Oxycodone HCl 5 mg tablet 45 (filled 2026-01-01, 2026-01-10)',
    );
  });

  it('uses the configured thresholds', () => {
    const fills = [rx(HYDRO, 120, 30, '2026-02-10')];
    expect(flag(fills, 'high-mme', '2026-03-01', { mmeCaution: 30, mmeHigh: 40 })?.severity).toBe('high');
  });
});

describe('computeIndicators', () => {
  it('lists the most severe flags first', () => {
    const fills = [rx(OXY, 120, 30, '2026-02-01'), rx(ALPRAZOLAM, 60, 30, '2026-02-01'), rx('Meperidine HCl 50 mg tablet', 20, 5, '2026-02-01')];
    expect(run(fills).flags.map((f) => [f.kind, f.severity])).toEqual([
      ['opioid-benzodiazepine-overlap', 'high'],
      ['overlapping-opioids', 'warning'],
      ['mme-incomplete', 'info'],
    ]);
  });

  it('leaves out a fill with an impossible date rather than guessing', () => {
    const ind = run([rx(OXY, 120, 30, '2026-02-31'), rx(OXY, 40, 10, '2026-02-20')]);
    expect(ind.fills).toHaveLength(1);
  });

  it('keeps fills apart that a PMP gave the same id', () => {
    const ind = run([rx(OXY, 40, 10, '2026-02-01', { id: 'x' }), rx(HYDRO, 40, 10, '2026-02-05', { id: 'x' })]);
    expect(ind.fills.map((f) => f.fillId)).toEqual(['x', 'x~2']);
    expect(ind.overlappingOpioidDays).toBe(6);
  });

  it('has nothing to say about an empty history', () => {
    const ind = run([]);
    expect(ind).toMatchObject({ fills: [], flags: [], mme: { segments: [], current: 0, peak: null }, opioidBenzodiazepineOverlapDays: 0 });
  });

  it.each([
    ['an asOf that is not a date', { asOf: 'yesterday' }, RangeError],
    ['a caution dose above the high dose', { asOf: '2026-03-01', settings: { mmeCaution: 100, mmeHigh: 90 } }, z.ZodError],
    ['a window of 0 days', { asOf: '2026-03-01', settings: { mpeWindowDays: 0 } }, z.ZodError],
  ])('rejects %s with a clear error', (_label, options, type) => {
    expect(() => computeIndicators([], options)).toThrow(type);
  });
});
