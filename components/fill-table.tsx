import { useMemo, useState } from 'react';
import type { Fill } from '@/lib/pmp/history';

type SortKey = 'dispensedOn' | 'drug' | 'prescriber';

const COLUMNS: readonly { key: SortKey | null; label: string }[] = [
  { key: 'dispensedOn', label: 'Filled' },
  { key: 'drug', label: 'Drug' },
  { key: null, label: 'Qty / days' },
  { key: 'prescriber', label: 'Prescriber / pharmacy' },
];

function sortValue(f: Fill, key: SortKey): string {
  if (key === 'prescriber') return f.prescriber.name;
  return f[key];
}

/** The PMP's fills, newest first by default; headers sort. Fits a 360 px side panel. */
export function FillTable({ fills }: { fills: readonly Fill[] }) {
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'dispensedOn', desc: true });
  const rows = useMemo(() => {
    const copy = [...fills];
    copy.sort((a, b) => {
      const c = sortValue(a, sort.key).localeCompare(sortValue(b, sort.key));
      return sort.desc ? -c : c;
    });
    return copy;
  }, [fills, sort]);

  if (fills.length === 0) return <p className="empty">No controlled-substance fills on record in the PMP.</p>;
  return (
    <div className="table-wrap">
    <table className="fills" aria-label="PMP fills">
      <thead>
        <tr>
          {COLUMNS.map((c) => (
            <th key={c.label} scope="col" aria-sort={c.key && sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : undefined}>
              {c.key ? (
                <button
                  type="button"
                  className="th-sort"
                  onClick={() => {
                    const key = c.key;
                    if (key) setSort((s) => ({ key, desc: s.key === key ? !s.desc : key === 'dispensedOn' }));
                  }}
                >
                  {c.label}
                  {sort.key === c.key ? (sort.desc ? ' ▼' : ' ▲') : ''}
                </button>
              ) : (
                c.label
              )}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((f) => (
          <tr key={f.id} data-testid="fill-row">
            <td className="date">{f.dispensedOn}</td>
            <td>{f.drug}</td>
            <td className="num">
              {f.quantity}
              {f.quantityUnit ? ` ${f.quantityUnit}` : ''}
              <span className="sub">{f.daysSupply} days</span>
            </td>
            <td>
              {f.prescriber.name}
              <span className="sub">
                {f.pharmacy.name}
                {f.pharmacy.city ? `, ${f.pharmacy.city}` : ''}
              </span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
    </div>
  );
}
