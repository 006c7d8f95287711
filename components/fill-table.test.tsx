import { act } from 'react';
import { describe, expect, it } from 'vitest';
import type { Fill } from '@/lib/pmp/history';
import { renderNow } from '@/test/react';
import { FillTable } from './fill-table';

const fill = (id: string, dispensedOn: string, drug: string, prescriber: string): Fill => ({
  id,
  drug,
  quantity: 30,
  quantityUnit: 'tablet',
  daysSupply: 30,
  dispensedOn,
  prescriber: { name: prescriber },
  pharmacy: { name: 'Testbrook Pharmacy', city: 'Hartford' },
});

const FILLS = [fill('a', '2026-10-01', 'Oxycodone 5 mg', 'Zed, MD'), fill('b', '2026-11-01', 'Alprazolam 0.5 mg', 'Amy, MD')];
let container: HTMLDivElement;

function render(fills: readonly Fill[]) {
  container = renderNow(<FillTable fills={fills} />, { query: false }).container;
}
const firstDrugs = () => [...container.querySelectorAll('tbody tr')].map((r) => r.children[1]?.textContent);

describe('FillTable', () => {
  it('says so when the PMP has no fills', () => {
    render([]);
    expect(container.textContent).toContain('No controlled-substance fills on record');
  });
  it('lists drug, date, quantity, days supply, prescriber and pharmacy, newest first', () => {
    render(FILLS);
    expect(firstDrugs()).toEqual(['Alprazolam 0.5 mg', 'Oxycodone 5 mg']);
    const row = container.querySelector('tbody tr')?.textContent ?? '';
    for (const t of ['2026-11-01', '30 tablet', '30 days', 'Amy, MD', 'Testbrook Pharmacy, Hartford']) expect(row).toContain(t);
  });
  it('sorts by a header and flips on a second click', () => {
    render(FILLS);
    const drugHeader = [...container.querySelectorAll('th button')].find((b) => b.textContent.startsWith('Drug'));
    act(() => {
      (drugHeader as HTMLButtonElement).click();
    });
    expect(firstDrugs()).toEqual(['Alprazolam 0.5 mg', 'Oxycodone 5 mg']);
    act(() => {
      (drugHeader as HTMLButtonElement).click();
    });
    expect(firstDrugs()).toEqual(['Oxycodone 5 mg', 'Alprazolam 0.5 mg']);
    expect(container.querySelector('th[aria-sort]')?.getAttribute('aria-sort')).toBe('descending');
  });
});
