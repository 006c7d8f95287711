import { describe, expect, it } from 'vitest';
import { Order, Setting } from './order';

describe('Order schema', () => {
  it.each([
    [{ drugText: 'oxycodone 5 mg' }],
    [{ drugText: 'Norco 5-325', quantity: 20, sig: '1 tab q6h prn', refills: 0, setting: 'outpatient', kind: 'prescription' }],
    [{ drugText: 'morphine 2 mg IV', kind: 'administration', setting: 'inpatient', continuousTherapy: false }],
    [{ drugText: 'fentanyl', strength: '12 mcg/hr', doseForm: 'patch', daysSupply: 30, patientAgeYears: 0 }],
  ])('accepts %j', (order) => {
    expect(Order.parse(order)).toEqual(order);
  });

  it.each([
    [{}],
    [{ drugText: '' }],
    [{ drugText: 'x', quantity: 0 }],
    [{ drugText: 'x', quantity: -1 }],
    [{ drugText: 'x', refills: 1.5 }],
    [{ drugText: 'x', refills: -1 }],
    [{ drugText: 'x', setting: 'clinic' }],
    [{ drugText: 'x', kind: 'dispense' }],
    [{ drugText: 'x', patientAgeYears: -2 }],
    [{ drugText: 'x', daysSupply: 0 }],
  ])('rejects %j', (order) => {
    expect(Order.safeParse(order).success).toBe(false);
  });

  it('lists the settings the state rules know about', () => {
    expect(Setting.options).toEqual(['outpatient', 'inpatient', 'ed', 'hospice', 'long-term-care']);
  });
});
