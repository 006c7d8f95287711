import { describe, expect, it } from 'vitest';
import { fillInfo } from './dose';
import { drugInfo } from './drug-info';
import type { MmeTable } from './settings';
import { rx } from './test-fills';

const info = (drug: string, qty: number, days: number, table: MmeTable = 'cdc-2022', quantityUnit?: string) => {
  const f = rx(drug, qty, days, '2026-01-01', quantityUnit ? { quantityUnit } : {});
  return fillInfo(f, drugInfo(f), table);
};

describe('MME/day = strength × (quantity ÷ days supply) × factor', () => {
  // Hand-computed: daily dose first, then the factor of each table.
  it.each([
    ['Oxycodone HCl 5 mg tablet', 120, 30, 20, 30, 30],
    ['Oxycodone HCl 5 mg / acetaminophen 325 mg tablet', 60, 30, 10, 15, 15],
    ['Hydrocodone bitartrate 10 mg / acetaminophen 325 mg tablet', 120, 30, 40, 40, 40],
    ['Hydromorphone HCl 2 mg tablet', 120, 30, 8, 40, 32],
    ['Oxymorphone HCl 10 mg tablet', 60, 30, 20, 60, 60],
    ['Morphine sulfate ER 30 mg tablet', 60, 30, 60, 60, 60],
    ['Tapentadol 50 mg tablet', 120, 30, 200, 80, 80],
    ['Tramadol HCl 50 mg tablet', 120, 30, 200, 40, 20],
    ['Acetaminophen 300 mg / codeine phosphate 30 mg tablet', 120, 30, 120, 18, 18],
    // Methadone: 4.7 flat in 2022; 2016 tiers 4 / 8 / 10 / 12 by mg per day.
    ['Methadone HCl 5 mg tablet', 90, 30, 15, 70.5, 60],
    ['Methadone HCl 10 mg tablet', 60, 20, 30, 141, 240],
    ['Methadone HCl 10 mg tablet', 150, 30, 50, 235, 500],
    ['Methadone HCl 10 mg tablet', 240, 30, 80, 376, 960],
    // Liquids: mg/mL × mL per day.
    ['Morphine sulfate 10 mg/5 mL oral solution', 300, 15, 40, 40, 40],
    ['Hydrocodone bitartrate 7.5 mg / acetaminophen 325 mg per 15 mL oral solution', 600, 10, 30, 30, 30],
    // A 72-hour patch: 10 patches cover 30 days, so 25 mcg/hr is worn throughout.
    ['Fentanyl 25 mcg/hr transdermal patch', 10, 30, 25, 60, 60],
    ['Fentanyl 12 mcg/hr transdermal patch', 5, 30, 6, 14.4, 14.4],
  ])('%s #%d / %d days → %d per day, %d MME (CDC 2022), %d MME (CDC 2016)', (drug, qty, days, daily, mme2022, mme2016) => {
    const a = info(drug, qty, days, 'cdc-2022');
    expect(a.category).toBe('opioid');
    expect(a.dailyDose).toBeCloseTo(daily, 3);
    expect(a.mmePerDay).toBeCloseTo(mme2022, 1);
    expect(a.mmeProblem).toBeUndefined();
    expect(info(drug, qty, days, 'cdc-2016').mmePerDay).toBeCloseTo(mme2016, 1);
  });

  it.each([
    ['Meperidine HCl 50 mg tablet', 40, 10, 'no conversion factor for meperidine'],
    ['Fentanyl citrate 200 mcg buccal tablet', 28, 7, 'only transdermal fentanyl'],
    ['Percocet 5/325', 40, 10, 'strength could not be read'],
    ['Oxycodone HCl 5 mg tablet', 40, 0, 'no days supply'],
    ['Oxycodone HCl 5 mg tablet', 0, 10, 'no quantity'],
  ])('%s #%d / %d days has no MME: %s', (drug, qty, days, problem) => {
    const a = info(drug, qty, days);
    expect(a.category).toBe('opioid');
    expect(a.mmePerDay).toBeNull();
    expect(a.mmeProblem).toContain(problem);
  });

  it('a liquid dispensed in bottles has no MME: the quantity is not in mL', () => {
    const a = info('Morphine sulfate 10 mg/5 mL oral solution', 2, 15, 'cdc-2022', 'bottle');
    expect(a.mmePerDay).toBeNull();
    expect(a.mmeProblem).toContain('bottle');
  });

  it.each([
    ['Buprenorphine 8 mg / naloxone 2 mg sublingual film', 60, 30, 16, 'mg/day', false],
    ['SUBOXONE 8 MG-2 MG SL FILM', 60, 30, 16, 'mg/day', false],
    ['Butrans 10 MCG/HR 7 Day Transdermal System', 4, 28, 10, 'mcg/hr', true],
  ])('buprenorphine is shown apart, never as MME: %s', (drug, qty, days, daily, unit, longActing) => {
    const a = info(drug, qty, days);
    expect(a.category).toBe('buprenorphine');
    expect(a.dailyDose).toBeCloseTo(daily, 3);
    expect(a.doseUnit).toBe(unit);
    expect(a.mmePerDay).toBeNull();
    expect(a.mmeProblem).toBeUndefined();
    expect(a.longActing).toBe(longActing);
  });

  it.each([
    ['Alprazolam 0.5 mg tablet', 'benzodiazepine'],
    ['Lisdexamfetamine dimesylate 30 mg capsule', 'stimulant'],
    ['Zolpidem tartrate 10 mg tablet', 'other'],
    ['Pregabalin 75 mg capsule', 'other'],
  ])('%s is a %s with no dose computed', (drug, category) => {
    const a = info(drug, 60, 30);
    expect(a.category).toBe(category);
    expect(a.mmePerDay).toBeNull();
    expect(a.dailyDose).toBeNull();
  });

  it.each([
    ['Oxycodone HCl ER 20 mg tablet', true],
    ['OxyContin 20 mg tablet', true],
    ['Morphine sulfate ER 30 mg tablet', true],
    ['Methadone HCl 10 mg tablet', true],
    ['Fentanyl 25 mcg/hr transdermal patch', true],
    ['24 HR Hydrocodone bitartrate 20 MG Extended Release Oral Tablet', true],
    ['Oxycodone HCl 5 mg tablet', false],
    ['Hydrocodone bitartrate 5 mg / acetaminophen 325 mg tablet', false],
  ])('%s is long-acting: %s', (drug, longActing) => {
    expect(info(drug, 60, 30).longActing).toBe(longActing);
  });

  it('covers the dispensing day through days supply − 1', () => {
    expect(info('Oxycodone HCl 5 mg tablet', 40, 10)).toMatchObject({ start: '2026-01-01', end: '2026-01-10' });
  });
});
