// No input crashes the engine: any order text, numbers, history, clock, date or state gives a
// decision that matches the Decision schema.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Order } from '../orders/order';
import { Decision, type ReviewEvent } from './decision';
import { evaluateOrder } from './engine';
import { JURISDICTIONS } from './jurisdictions';
import { getPack } from './packs';

const drugTexts = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.constantFrom('oxycodone 5 mg tablet', 'Percocet 5/325', 'alprazolam 1 mg', 'gabapentin 300 mg', 'pregabalin 75 mg', 'codeine-guaifenesin syrup', 'tramadol 50 mg', 'Adderall 20 mg', 'carisoprodol 350 mg', 'phenobarbital 30 mg', 'amoxicillin'),
).filter((s) => s.length > 0);
const positive = fc.oneof(fc.double({ min: 1e-6, max: 1e7, noNaN: true }), fc.integer({ min: 1, max: 10_000 }));
const sigs = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('1 tab q6h prn', '1-2 tabs q4-6h prn pain', 'bid', 'tid x 5 days', 'qhs', 'apply 1 patch q72h', '10 mL q6h', 'ss po q8h'));

const order: fc.Arbitrary<Order> = fc.record(
  {
    drugText: drugTexts,
    quantity: positive,
    sig: sigs,
    daysSupply: positive,
    refills: fc.integer({ min: 0, max: 20 }),
    patientAgeYears: fc.integer({ min: 0, max: 120 }),
    setting: fc.constantFrom('outpatient', 'inpatient', 'ed', 'hospice', 'long-term-care'),
    kind: fc.constantFrom('prescription', 'administration'),
    continuousTherapy: fc.boolean(),
  },
  { requiredKeys: ['drugText'] },
);

const instant = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2040-12-31T00:00:00Z'), noInvalidDate: true });
const review: fc.Arbitrary<ReviewEvent> = fc.record({
  at: fc.oneof(instant.map((d) => d.toISOString()), fc.constant('garbage')),
  outcome: fc.constantFrom('reviewed', 'pmp-unavailable', 'exempted', 'declined'),
  ruleIds: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
  reviewerRole: fc.constantFrom('prescriber', 'delegate'),
});

describe('the engine never crashes', () => {
  it('on any order, history, clock, date and state', () => {
    fc.assert(
      fc.property(
        order,
        fc.array(review, { maxLength: 5 }),
        fc.oneof(instant, fc.constant(new Date(Number.NaN))),
        fc.option(fc.oneof(fc.string({ maxLength: 12 }), instant.map((d) => d.toISOString().slice(0, 10))), { nil: undefined }),
        fc.constantFrom(...JURISDICTIONS.map((j) => j.code)),
        fc.record({ initialPrescription: fc.boolean(), acutePain: fc.boolean(), documentedExemptions: fc.array(fc.constantFrom('cancer', 'hospice', 'sickle-cell', 'chronic-pain', 'x'), { maxLength: 3 }) }, { requiredKeys: [] }),
        (o, history, now, asOf, state, context) => {
          const d = evaluateOrder({ order: o, history, now, pack: getPack(state), context, ...(asOf !== undefined ? { asOf } : {}) });
          expect(Decision.safeParse(d).success).toBe(true);
          if (d.status === 'due') expect(d.reasons.length).toBeGreaterThan(0);
          for (const a of d.advisories ?? []) expect(a.daysSupply).toBeGreaterThan(a.limitDays);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('gives the same decision for the same input (the caches change nothing)', () => {
    fc.assert(
      fc.property(order, instant, fc.constantFrom(...JURISDICTIONS.map((j) => j.code)), (o, now, state) => {
        const a = evaluateOrder({ order: o, history: [], now, pack: getPack(state) });
        const b = evaluateOrder({ order: { ...o }, history: [], now: new Date(now.getTime()), pack: getPack(state) });
        expect(b).toEqual(a);
      }),
      { numRuns: 200 },
    );
  });
});
