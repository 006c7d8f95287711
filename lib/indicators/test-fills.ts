/** Synthetic fills for indicator tests: strength read from the drug text as a PMP parser would. */
import { parseDrugText } from '../pmp/fhir';
import type { Fill } from '../pmp/history';

let counter = 0;

/** A fill of `drug`: quantity `qty` for `days` days dispensed `on`, with overrides. */
export function rx(drug: string, qty: number, days: number, on: string, over: Partial<Fill> = {}): Fill {
  counter += 1;
  return {
    id: `f${String(counter)}`,
    drug,
    ...parseDrugText(drug),
    quantity: qty,
    daysSupply: days,
    dispensedOn: on,
    prescriber: { name: 'Avery Testford, MD', npi: '9000079190' },
    pharmacy: { name: 'Testbrook Pharmacy', npi: '9007919002', city: 'Hartford' },
    ...over,
  };
}

/** A prescriber or pharmacy that differs by index, for multiple-provider tests. */
export function by(n: number): Pick<Fill, 'prescriber' | 'pharmacy'> {
  return {
    prescriber: { name: `Prescriber ${String(n)}, MD`, npi: `90000000${String(n).padStart(2, '0')}` },
    pharmacy: { name: `Pharmacy ${String(n)}`, npi: `90100000${String(n).padStart(2, '0')}` },
  };
}
