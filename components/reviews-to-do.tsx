import { useQuery } from '@tanstack/react-query';
import './practice-log.css';
import { useState } from 'react';
import { reviewsToDoQueryOptions } from '@/lib/attestations/query';
import type { Settings } from '@/lib/storage/settings';

const HORIZONS = [7, 14, 30, 90] as const;

/**
 * Patients whose PMP review is due or coming due (90-day, annual, the follow-up after the PMP
 * was down), so a delegate can run the lookups ahead of the visits. A delegate sees their own
 * prescribers' patients first; anyone can widen it to every prescriber in the log.
 */
export function ReviewsToDo({ settings }: { settings: Settings }) {
  const [horizon, setHorizon] = useState<number>(14);
  const mine = settings.identity?.role === 'delegate' ? settings.supervisingPrescribers.map((p) => p.name) : settings.identity ? [settings.identity.name] : [];
  const [onlyMine, setOnlyMine] = useState(mine.length > 0);
  const todo = useQuery(reviewsToDoQueryOptions(horizon));
  const items = (todo.data?.items ?? []).filter((i) => !onlyMine || mine.includes(i.prescriber));
  return (
    <section aria-labelledby="todo" className="reviews-to-do">
      <h2 id="todo">Reviews to do</h2>
      <div className="todo-controls">
        <label>
          Due within
          <select value={horizon} onChange={(e) => { setHorizon(Number(e.target.value)); }}>
            {HORIZONS.map((h) => (
              <option key={h} value={h}>
                {h} days
              </option>
            ))}
          </select>
        </label>
        {mine.length > 0 && (
          <label className="inline">
            <input type="checkbox" checked={onlyMine} onChange={(e) => { setOnlyMine(e.target.checked); }} /> {settings.identity?.role === 'delegate' ? "Only my prescribers' patients" : 'Only my patients'}
          </label>
        )}
      </div>
      {todo.isPending ? (
        <p role="status">Loading…</p>
      ) : todo.isError ? (
        <p role="alert">Could not build the list: {todo.error.message}</p>
      ) : items.length === 0 ? (
        <p className="hint" data-testid="todo-empty">No reviews due in the next {horizon} days.</p>
      ) : (
        <table className="log todo">
          <thead>
            <tr>
              <th scope="col">Due</th>
              <th scope="col">Patient</th>
              <th scope="col">Prescriber</th>
              <th scope="col">Why</th>
              <th scope="col">Last review</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={`${i.patientKey}:${i.ruleId}:${i.kind}`} data-testid="todo-row" className={i.status}>
                <td>
                  <strong>{i.status === 'overdue' ? 'Overdue' : 'Due'}</strong> {new Date(i.dueAt).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' })}
                </td>
                <td>{[i.patient.mrn, i.patient.initials, i.patient.birthDate].filter(Boolean).join(' · ')}</td>
                <td>{i.prescriber}</td>
                <td>{i.why}</td>
                <td>{i.lastReviewAt ? `${new Date(i.lastReviewAt).toLocaleDateString()} by ${i.lastReviewer ?? '?'}` : 'none on file'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
