import { z } from 'zod';
import type { StatePack } from '../rules/pack';
import type { Attestation } from './schema';

export const ReviewToDo = z.object({
  patientKey: z.string(),
  patient: z.object({ mrn: z.string().optional(), initials: z.string().optional(), birthDate: z.string().optional() }),
  /** The prescriber the last review was for (a delegate filters on their own prescribers). */
  prescriber: z.string(),
  kind: z.enum(['periodic', 'follow-up']),
  ruleId: z.string(),
  why: z.string(),
  dueAt: z.iso.datetime({ offset: true }),
  status: z.enum(['overdue', 'due-soon']),
  lastReviewAt: z.string().optional(),
  lastReviewer: z.string().optional(),
  ehrOrigin: z.string(),
});
export type ReviewToDo = z.infer<typeof ReviewToDo>;

const DAY_MS = 86_400_000;

/**
 * Patients whose review is due or coming due within `horizonDays`, from the practice's log:
 * the periodic reviews of continuous treatment (90 days, annual for Schedule V) and the
 * follow-up owed after a "PMP unavailable" record. Pure: same records and clock, same list.
 * A periodic rule is counted for a patient once any of their records was made under it
 * (the order was continuous treatment of that schedule).
 */
export function reviewsToDo(records: readonly Attestation[], pack: StatePack, now: Date, horizonDays: number): ReviewToDo[] {
  const byPatient = new Map<string, Attestation[]>();
  for (const r of records) {
    if (r.outcome === 'acknowledged') continue;
    const list = byPatient.get(r.patient.key) ?? [];
    list.push(r);
    byPatient.set(r.patient.key, list);
  }
  const horizon = now.getTime() + horizonDays * DAY_MS;
  const out: ReviewToDo[] = [];
  for (const [patientKey, list] of byPatient) {
    list.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
    const newest = list[list.length - 1];
    if (!newest) continue;
    const lastReview = list.filter((r) => r.outcome === 'reviewed').at(-1);
    const base = {
      patientKey,
      patient: {
        ...(newest.patient.mrn ? { mrn: newest.patient.mrn } : {}),
        ...(newest.patient.initials ? { initials: newest.patient.initials } : {}),
        ...(newest.patient.birthDate ? { birthDate: newest.patient.birthDate } : {}),
      },
      prescriber: newest.prescriber.name,
      ehrOrigin: newest.ehrOrigin,
      ...(lastReview ? { lastReviewAt: lastReview.createdAt, lastReviewer: lastReview.reviewer.name } : {}),
    };
    const status = (due: number): ReviewToDo['status'] => (due <= now.getTime() ? 'overdue' : 'due-soon');

    const down = list.filter((r) => r.outcome === 'pmp-unavailable' && r.followUpDueAt).at(-1);
    if (down?.followUpDueAt && (!lastReview || lastReview.createdAt < down.createdAt)) {
      const due = Date.parse(down.followUpDueAt);
      if (Number.isFinite(due)) {
        out.push({
          ...base,
          kind: 'follow-up',
          ruleId: down.ruleIds[0] ?? 'pmp-unavailable',
          why: 'follow-up review after the PMP was unavailable',
          dueAt: new Date(due).toISOString(),
          status: status(due),
        });
      }
    }

    for (const rule of pack.rules) {
      if (rule.type !== 'periodic-review' || !rule.enabled) continue;
      if (!list.some((r) => r.ruleIds.includes(rule.id))) continue;
      const due = lastReview ? Date.parse(lastReview.createdAt) + rule.intervalDays * DAY_MS : Date.parse(newest.createdAt);
      if (due > horizon) continue;
      out.push({
        ...base,
        kind: 'periodic',
        ruleId: rule.id,
        why: `${rule.title} (every ${rule.intervalDays} days)`,
        dueAt: new Date(due).toISOString(),
        status: status(due),
      });
    }
  }
  return out.sort((a, b) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : 0));
}
