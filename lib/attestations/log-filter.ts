import { z } from 'zod';
import type { LogEntry } from './repository';
import { AttestationOutcome } from './schema';

/** What the practice's log can be narrowed to; every field optional. Dates are local calendar days. */
export const LogFilter = z.object({
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  prescriber: z.string().optional(),
  delegate: z.string().optional(),
  patient: z.string().optional(),
  outcome: AttestationOutcome.optional(),
});
export type LogFilter = z.infer<typeof LogFilter>;

/** Start of a local calendar day, in ms. */
function dayStart(isoDate: string): number {
  const [y, m, d] = isoDate.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1).getTime();
}

/** The entries that match every field of the filter (dates inclusive, patient by MRN, initials or DOB). */
export function filterLog(entries: readonly LogEntry[], f: LogFilter): LogEntry[] {
  const from = f.from ? dayStart(f.from) : -Infinity;
  const to = f.to ? dayStart(f.to) + 86_400_000 : Infinity;
  const needle = f.patient?.trim().toLowerCase() ?? '';
  return entries.filter(({ record: a }) => {
    const t = Date.parse(a.createdAt);
    if (t < from || t >= to) return false;
    if (f.prescriber && a.prescriber.name !== f.prescriber) return false;
    if (f.delegate && !(a.reviewer.role === 'delegate' && a.reviewer.name === f.delegate)) return false;
    if (f.outcome && a.outcome !== f.outcome) return false;
    if (needle) {
      const hay = [a.patient.mrn, a.patient.initials, a.patient.birthDate].filter(Boolean).join(' ').toLowerCase();
      if (!hay.includes(needle)) return false;
    }
    return true;
  });
}

/** The filter in words, for the printable summary and the export's file name. */
export function describeFilter(f: LogFilter): string {
  const parts = [
    f.from || f.to ? `${f.from ?? 'the start'} to ${f.to ?? 'today'}` : null,
    f.prescriber ? `prescriber ${f.prescriber}` : null,
    f.delegate ? `delegate ${f.delegate}` : null,
    f.patient ? `patient matching "${f.patient}"` : null,
    f.outcome ? `outcome ${f.outcome}` : null,
  ].filter(Boolean);
  return parts.length ? parts.join('; ') : 'all records';
}

/** The names to offer in the prescriber and delegate pickers, sorted. */
export function logFacets(entries: readonly LogEntry[]): { prescribers: string[]; delegates: string[] } {
  const prescribers = new Set<string>();
  const delegates = new Set<string>();
  for (const { record: a } of entries) {
    prescribers.add(a.prescriber.name);
    if (a.reviewer.role === 'delegate') delegates.add(a.reviewer.name);
  }
  return { prescribers: [...prescribers].sort(), delegates: [...delegates].sort() };
}
