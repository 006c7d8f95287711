import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyDrug } from '../drugs/catalogue';
import { computeDaysSupply } from './days-supply';
import { parseQuantity, parseSig } from './sig';

// Text that looks like what clinicians type, so the properties reach the interesting branches
// and not only random noise.
const SIG_WORDS = [
  '1', '2', '0.5', '1-2', '4-6', 'tab', 'tabs', 'cap', 'mL', 'mg', 'patch', 'po', 'q', 'q6h', 'q4-6h', 'q72h',
  'every', 'hours', 'days', 'weeks', 'bid', 'tid', 'qid', 'qhs', 'daily', 'prn', 'as', 'needed', 'max', 'per',
  'day', '/day', 'x', 'for', 'up', 'to', 'while', 'awake', 'ss', '½', 'one', 'two', '(2)', '#30', 'thirty',
  'times', 'once', 'twice', 'weekly', 'with', 'meals', 'and', 'at', 'bedtime', '.', '-', '/', '(', ')',
];
const sigLike = fc.array(fc.constantFrom(...SIG_WORDS), { maxLength: 14 }).map((w) => w.join(' '));
const anyText = fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 40 }), sigLike);
const finiteOrNull = (x: number | null | undefined): boolean => x === null || x === undefined || Number.isFinite(x);

describe('properties: nothing throws, every number is finite', () => {
  it('parseSig', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const p = parseSig(s);
        if (p === null) return;
        for (const x of [p.unitsPerDoseMin, p.unitsPerDoseMax, p.dosesPerDayMin, p.dosesPerDayMax]) {
          expect(Number.isFinite(x) && x > 0).toBe(true);
        }
        expect(p.unitsPerDoseMin).toBeLessThanOrEqual(p.unitsPerDoseMax);
        expect(p.dosesPerDayMin).toBeLessThanOrEqual(p.dosesPerDayMax);
        expect(finiteOrNull(p.durationDays)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('parseQuantity', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const q = parseQuantity(s);
        if (q !== null) expect(Number.isFinite(q.value) && q.value > 0).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('computeDaysSupply', () => {
    const maybeNumber = fc.option(fc.oneof(fc.double(), fc.integer({ min: -10, max: 500 })), { nil: undefined });
    fc.assert(
      fc.property(
        fc.record(
          {
            sig: fc.option(anyText, { nil: undefined }),
            quantity: maybeNumber,
            quantityText: fc.option(anyText, { nil: undefined }),
            quantityUnit: fc.option(fc.constantFrom('tablets', 'mL', 'patch', 'box', 'g', 'zz'), { nil: undefined }),
            strength: fc.option(fc.oneof(anyText, fc.constantFrom('5 mg', '5-325 mg', '10 mg/5 mL', '12 mcg/hr')), { nil: undefined }),
            daysSupply: maybeNumber,
            durationDays: maybeNumber,
            dosesPerDay: maybeNumber,
            dose: maybeNumber,
          },
          { requiredKeys: [] },
        ),
        (input) => {
          const r = computeDaysSupply(input);
          for (const x of [r.daysSupply, r.min, r.max, r.dosesPerDay, r.dosesPerDayMin, r.dosesPerDayMax]) {
            expect(finiteOrNull(x)).toBe(true);
          }
          if (r.min !== null && r.max !== null) expect(r.min).toBeLessThanOrEqual(r.max);
          if (r.source === 'computed') expect(r.daysSupply).toBe(r.min);
          expect(typeof r.explanation).toBe('string');
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('computed days supply is quantity divided by the heaviest daily use', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.constantFrom(1, 2, 3, 4, 6, 8, 12, 24), (quantity, hours) => {
        const r = computeDaysSupply({ sig: `1 tab q${hours}h`, quantity });
        expect(r.daysSupply).toBeCloseTo((quantity * hours) / 24, 9);
      }),
    );
  });

  it('classifyDrug', () => {
    const drugish = fc
      .array(fc.constantFrom('oxycodone', 'apap', 'codeine', 'promethazine', 'tylenol', '#3', 'clonidine', 'gabapentin', 'xanax', '5', '325', 'mg', '/', '-', 'er', 'syrup'), { maxLength: 6 })
      .map((w) => w.join(' '));
    fc.assert(
      fc.property(fc.oneof(anyText, drugish), fc.option(fc.string({ maxLength: 12 }), { nil: undefined }), (text, code) => {
        const c = classifyDrug(text, { rxcui: code, ndc: code });
        expect(typeof c.controlled).toBe('boolean');
        if (c.controlled) expect(c.schedule).toBeDefined();
        else expect(c.schedule).toBeUndefined();
      }),
      { numRuns: 3000 },
    );
  });
});
