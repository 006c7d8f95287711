import { describe, expect, it } from 'vitest';
import { drugInfo } from './drug-info';
import { rx } from './test-fills';

// drugInfo is memoized by drug text and then by the codes and strength unit: a cached answer for
// one fill must never be handed to a fill that differs in any of them.
describe('drugInfo', () => {
  it('classifies by the code when the text says nothing, and keeps fills with different codes apart', () => {
    const text = 'PMP item 123';
    const plain = drugInfo(rx(text, 30, 10, '2026-01-01'));
    const byNdc = drugInfo(rx(text, 30, 10, '2026-01-01', { ndc: '99999000401' }));
    const byRxcui = drugInfo(rx(text, 30, 10, '2026-01-01', { rxcui: '9900003' }));
    expect(plain.category).toBe('other');
    expect(byNdc).toMatchObject({ category: 'benzodiazepine', ingredient: 'alprazolam' });
    expect(byRxcui).toMatchObject({ category: 'opioid', ingredient: 'oxycodone' });
    // Asked again, in another order: the same answers.
    expect(drugInfo(rx(text, 30, 10, '2026-02-01', { rxcui: '9900003' }))).toEqual(byRxcui);
    expect(drugInfo(rx(text, 30, 10, '2026-02-01'))).toEqual(plain);
    expect(drugInfo(rx(text, 30, 10, '2026-02-01', { ndc: '99999000401' }))).toEqual(byNdc);
  });

  it('keeps fills apart by strength unit (a patch) and by the ingredient the PMP named', () => {
    const text = 'Fentanyl 25 system';
    expect(drugInfo(rx(text, 10, 30, '2026-01-01', { strengthUnit: 'mcg/hr' })).transdermal).toBe(true);
    expect(drugInfo(rx(text, 10, 30, '2026-01-01', { strengthUnit: 'mcg' })).transdermal).toBe(false);
    expect(drugInfo(rx(text, 10, 30, '2026-01-01', { strengthUnit: 'mcg/hr' })).transdermal).toBe(true);
    const noUnit = drugInfo(rx('Opioid product 10', 30, 10, '2026-01-01'));
    const withIngredient = drugInfo(rx('Opioid product 10', 30, 10, '2026-01-01', { ingredient: 'methadone' }));
    expect(noUnit.ingredient).not.toBe('methadone');
    expect(withIngredient.ingredient).toBe('methadone');
    expect(drugInfo(rx('Opioid product 10', 30, 10, '2026-01-01'))).toEqual(noUnit);
  });

  it('answers a repeated fill from the cache with the same object', () => {
    const f = rx('Oxycodone HCl 5 mg tablet', 120, 30, '2026-01-01');
    expect(drugInfo({ ...f })).toBe(drugInfo({ ...f, id: 'other' }));
  });
});
