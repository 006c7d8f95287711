import { useMemo, useState } from 'react';
import type { FillInfo } from '@/lib/indicators';
import type { Fill } from '@/lib/pmp/history';

type SortKey = 'dispensedOn' | 'drug' | 'dose' | 'prescriber';

const COLUMNS: readonly { key: SortKey; label: string }[] = [
  { key: 'dispensedOn', label: 'Filled' },
  { key: 'drug', label: 'Drug' },
  { key: 'dose', label: 'Qty / days' },
  { key: 'prescriber', label: 'Prescriber / pharmacy' },
];

const DEFAULT_DESC: Readonly<Record<SortKey, boolean>> = { dispensedOn: true, drug: false, dose: true, prescriber: false };

function compare(a: Fill, b: Fill, key: SortKey, info: (f: Fill) => FillInfo | undefined): number {
  if (key === 'dose') return (info(a)?.mmePerDay ?? -1) - (info(b)?.mmePerDay ?? -1) || a.daysSupply - b.daysSupply;
  if (key === 'prescriber') return a.prescriber.name.localeCompare(b.prescriber.name);
  return a[key].localeCompare(b[key]);
}

function dose(i: FillInfo | undefined): string | null {
  if (!i) return null;
  if (i.mmePerDay !== null) return `${String(i.mmePerDay)} MME/day`;
  if (i.category === 'buprenorphine' && i.dailyDose !== null) return `${String(i.dailyDose)} ${i.doseUnit === 'mcg/hr' ? 'mcg/hr' : 'mg/day'}`;
  return null;
}

/**
 * The PMP's fills, newest first by default; every header sorts (by MME/day for "Qty / days").
 * Fits a 360 px side panel. Fills behind an opened flag are highlighted.
 */
export function FillTable({
  fills,
  infos,
  highlighted,
}: {
  fills: readonly Fill[];
  infos?: ReadonlyMap<string, FillInfo>;
  highlighted?: ReadonlySet<string>;
}) {
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'dispensedOn', desc: true });
  const rows = useMemo(() => {
    const info = (f: Fill) => infos?.get(f.id);
    const copy = [...fills];
    copy.sort((a, b) => {
      const c = compare(a, b, sort.key, info);
      return sort.desc ? -c : c;
    });
    return copy;
  }, [fills, infos, sort]);

  if (fills.length === 0) return <p className="empty">No controlled-substance fills on record in the PMP.</p>;
  return (
    <div className="table-wrap">
      <table className="fills" aria-label="PMP fills">
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th key={c.key} scope="col" aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : undefined}>
                <button
                  type="button"
                  className="th-sort"
                  onClick={() => {
                    setSort((s) => ({ key: c.key, desc: s.key === c.key ? !s.desc : DEFAULT_DESC[c.key] }));
                  }}
                >
                  {c.label}
                  {sort.key === c.key ? (sort.desc ? ' ▼' : ' ▲') : ''}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((f) => {
            const d = dose(infos?.get(f.id));
            return (
              <tr key={f.id} data-testid="fill-row" className={highlighted?.has(f.id) ? 'hl' : undefined}>
                <td className="date">{f.dispensedOn}</td>
                <td>{f.drug}</td>
                <td className="num">
                  {f.quantity}
                  {f.quantityUnit ? ` ${f.quantityUnit}` : ''}
                  <span className="sub">{f.daysSupply} days</span>
                  {d && <span className="sub dose">{d}</span>}
                </td>
                <td>
                  {f.prescriber.name}
                  <span className="sub">
                    {f.pharmacy.name}
                    {f.pharmacy.city ? `, ${f.pharmacy.city}` : ''}
                  </span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
