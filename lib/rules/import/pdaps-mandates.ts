/**
 * PDAPS "PDMP Laws: Reporting, Mandates & Access, 2014-2019" → the engine's rule primitives.
 * One CSV row is one jurisdiction's law for one period; every prescriber answer becomes a rule,
 * an exemption, a delegate policy or a "not modelled" entry with its wording and citation.
 * Identical consecutive answers are merged into one effective period.
 *
 * How answers map (codebook questions 6–14):
 * - drugs: PDMP_csgenchk → all controlled substances; PDMP_opchk → opioids; PDMP_benzchk →
 *   benzodiazepines; PDMP_schedchk + PDMP_sched → the schedules named.
 * - when: "Initial prescriptions" → initial-prescription; "Every prescription" →
 *   every-prescription (new / established patients kept apart); "Every 3/4/6/12 months",
 *   "Monthly" → periodic-review of 90/120/180/365/30 days (when several are coded the shortest
 *   binds, and it satisfies the longer ones); "Prescribing more than a 72-hour supply" →
 *   supply-over 72 h; "Authorizing refills" → refill-authorization; a request in the Emergency
 *   Department → every-prescription in the 'ed' setting.
 * - not modelled: urgent care (orders carry no such setting), pain-level transitions,
 *   replacement prescriptions, suspicion of misuse, dispenser duties, immunity, and a mandate
 *   coded without drugs or frequency.
 * A "before prescribing" review counts when done within 24 hours (PDAPS does not code how fresh
 * it must be; the hand-verified packs set each state's own figure).
 */
import type { Jurisdiction } from '../jurisdictions';
import type { DelegatePolicy, DrugScope, Exemption, NotModelled, RuleCitation, RuleConfig } from '../pack';
import { distinctSources, shortCitation } from './citation';
import { splitLabels } from './labels';
import { isCalendarDate, previousDay } from '../rules/time';

export interface MandateRow {
  effective: string;
  through: string;
  cells: Readonly<Record<string, string>>;
}

/** One coded answer and whether the engine acts on it. */
export interface AnswerTally {
  question: string;
  label: string;
  modelled: boolean;
}

export interface PeriodItems {
  rules: RuleConfig[];
  delegates: DelegatePolicy[];
  notModelled: NotModelled[];
  answers: AnswerTally[];
}

const REVIEW_VALID_HOURS = 24;
const ALL_SCHEDULES = ['CII', 'CIII', 'CIV', 'CV'] as const;
const ROMAN = { CII: 'II', CIII: 'III', CIV: 'IV', CV: 'V' } as const;

const PERIOD_DAYS: Readonly<Record<string, number>> = {
  Monthly: 30,
  'Every 3 months': 90,
  'Every 4 months': 120,
  'Every 6 months': 180,
  'Every 12 months': 365,
};

const EXEMPTION_KIND: Readonly<Record<string, Exemption['kind']>> = {
  'Terminally ill patients under the supervised care of a hospice program': 'hospice',
  'Prescriptions related to cancer treatment': 'cancer',
  'Post-surgical prescriptions': 'post-surgical',
};

const NOT_MODELLED_REASON: Readonly<Record<string, string>> = {
  'Patient request for prescription in Urgent Care': 'Orders carry no urgent-care setting (only outpatient, inpatient, emergency department, hospice, long-term care).',
  'Patient request for prescription renewal in Urgent Care': 'Orders carry no urgent-care setting (only outpatient, inpatient, emergency department, hospice, long-term care).',
  'When patient transitions between different pain levels': 'The order does not say when a patient moves between pain levels (acute, subacute, chronic).',
  'Transitioning from pain classifications': 'The order does not say when a patient moves between pain classifications.',
  'Prior to issuing a replacement prescription': 'The order does not say it replaces a lost or stolen prescription.',
};

interface Group {
  id: string;
  label: string;
  flag: string;
  drugs: DrugScope[];
  freq: { column: string; course: 'any' | 'new' | 'continuing' }[];
  exceptions: string;
}

function cell(row: MandateRow, column: string): string {
  return (row.cells[column] ?? '').trim();
}

function citationOf(row: MandateRow, columns: readonly string[]): Omit<RuleCitation, 'effective' | 'through'> & { effective: string; through: string } {
  const sources = [...new Set(columns.flatMap((c) => distinctSources(cell(row, `_citation_${c}`))))];
  const cautions = [...new Set(columns.map((c) => cell(row, `_caution_${c}`)).filter(Boolean))];
  const statute = sources.length ? shortCitation(sources.join('; ')) : 'PDAPS (no citation given)';
  return {
    statute,
    ...(sources.length ? { fullText: sources.join('; ') } : {}),
    ...(cautions.length ? { caution: cautions.join(' / ') } : {}),
    effective: row.effective,
    through: row.through,
  };
}

function groupsOf(row: MandateRow, st: string): Group[] {
  const groups: Group[] = [];
  if (cell(row, 'PDMP_csgenchk') === '1') {
    groups.push({
      id: `${st}-cs`,
      label: 'Controlled substances',
      flag: 'PDMP_csgenchk',
      drugs: [{ schedules: [...ALL_SCHEDULES] }],
      freq: [{ column: 'PDMP_csfreq', course: 'any' }],
      exceptions: 'PDMP_csexcpt',
    });
  }
  if (cell(row, 'PDMP_opchk') === '1') {
    groups.push({
      id: `${st}-opioid`,
      label: 'Opioids',
      flag: 'PDMP_opchk',
      drugs: [{ schedules: [...ALL_SCHEDULES], classes: ['opioid'] }],
      freq: [
        { column: 'PDMP_opfreqnew', course: 'new' },
        { column: 'PDMP_opfreqrest', course: 'continuing' },
      ],
      exceptions: 'PDMP_opexcpt',
    });
  }
  if (cell(row, 'PDMP_benzchk') === '1') {
    groups.push({
      id: `${st}-benzo`,
      label: 'Benzodiazepines',
      flag: 'PDMP_benzchk',
      drugs: [{ schedules: [...ALL_SCHEDULES], classes: ['benzodiazepine'] }],
      freq: [{ column: 'PDMP_benzfreq', course: 'any' }],
      exceptions: 'PDMP_benzexcpt',
    });
  }
  if (cell(row, 'PDMP_schedchk') === '1') {
    // Schedules with the same answers share one rule ("Schedule II–IV: every prescription").
    const named = new Set(splitLabels('PDMP_sched', cell(row, 'PDMP_sched')));
    const bySignature = new Map<string, (typeof ALL_SCHEDULES)[number][]>();
    for (const s of ALL_SCHEDULES) {
      const column = `PDMP_sched${ROMAN[s]}`;
      const value = cell(row, column);
      if (!named.has(`Schedule ${ROMAN[s]}`) && !value) continue;
      const signature = splitLabels(column, value)
        .map((l) => l.replace(/Schedule (II|III|IV|V) substance/, 'Schedule X substance'))
        .join('|');
      bySignature.set(signature, [...(bySignature.get(signature) ?? []), s]);
    }
    for (const schedules of bySignature.values()) {
      const romans = schedules.map((s) => ROMAN[s]);
      groups.push({
        id: `${st}-sched-${romans.join('-').toLowerCase()}`,
        label: `Schedule ${romans.join(', ')}`,
        flag: 'PDMP_schedchk',
        drugs: [{ schedules }],
        freq: schedules.map((s) => ({ column: `PDMP_sched${ROMAN[s]}`, course: 'any' as const })),
        exceptions: 'PDMP_schedexcpt',
      });
    }
  }
  return groups;
}

interface Trigger {
  label: string;
  column: string;
  course: 'any' | 'new' | 'continuing';
}

const COURSE_TITLE = { any: '', new: ' to a new patient', continuing: ' to an established patient' } as const;

function rulesForGroup(row: MandateRow, group: Group, out: PeriodItems): void {
  const triggers: Trigger[] = [];
  const seen = new Set<string>();
  for (const f of group.freq) {
    for (const label of splitLabels(f.column, cell(row, f.column))) {
      // Schedule columns repeat the same answer for each schedule in a shared group.
      const key = `${f.course}|${label.replace(/Schedule (II|III|IV|V) substance/, 'X')}`;
      if (seen.has(key)) {
        out.answers.push({ question: f.column, label, modelled: true });
        continue;
      }
      seen.add(key);
      triggers.push({ label, column: f.column, course: f.course });
    }
  }

  const exceptionLabels = splitLabels(group.exceptions, cell(row, group.exceptions));
  const exceptionCitation = shortCitation(cell(row, `_citation_${group.exceptions}`)) || undefined;
  const exemptions: Exemption[] = [];
  for (const label of exceptionLabels) {
    out.answers.push({ question: group.exceptions, label, modelled: true });
    const kind = EXEMPTION_KIND[label];
    if (kind) exemptions.push({ kind, wording: label, ...(exceptionCitation ? { citation: exceptionCitation } : {}) });
  }

  const has = (pred: (t: Trigger) => boolean) => triggers.some(pred);
  const everyNew = has((t) => t.label === 'Every prescription' && t.course !== 'continuing');
  const everyContinuing = has((t) => t.label === 'Every prescription' && t.course !== 'new');
  const initial = has((t) => t.label === 'Initial prescriptions');
  const base = { drugs: group.drugs, verified: false, origin: 'pdaps' as const, enabled: true, exemptions };
  const ruleCitation = (ts: readonly Trigger[]) => citationOf(row, [group.flag, ...new Set(ts.map((t) => t.column))]);
  const wording = (ts: readonly Trigger[]) => [...new Set(ts.map((t) => t.label))].join(', ');

  // Every prescription: new and established patients together make "any".
  const everyTriggers = triggers.filter((t) => t.label === 'Every prescription');
  if (everyTriggers.length) {
    const course = everyNew && everyContinuing ? 'any' : everyNew ? 'new' : 'continuing';
    out.rules.push({
      ...base,
      id: `${group.id}-every-rx${course === 'any' ? '' : `-${course}`}`,
      type: 'every-prescription',
      title: `${group.label}: before every prescription${COURSE_TITLE[course]}`,
      course,
      reviewValidHours: REVIEW_VALID_HOURS,
      citation: ruleCitation(everyTriggers),
      wording: wording(everyTriggers),
    });
  }
  // Every prescription to a new patient already covers the first one.
  const initialTriggers = triggers.filter((t) => t.label === 'Initial prescriptions');
  if (initial && !everyNew) {
    out.rules.push({
      ...base,
      id: `${group.id}-initial`,
      type: 'initial-prescription',
      title: `${group.label}: before the first prescription of a course of treatment`,
      reviewValidHours: REVIEW_VALID_HOURS,
      citation: ruleCitation(initialTriggers),
      wording: wording(initialTriggers),
    });
  }
  const periodic = triggers.filter((t) => PERIOD_DAYS[t.label] !== undefined);
  if (periodic.length) {
    const days = Math.min(...periodic.map((t) => PERIOD_DAYS[t.label] ?? Infinity));
    out.rules.push({
      ...base,
      id: `${group.id}-periodic`,
      type: 'periodic-review',
      title: `${group.label}: at least every ${String(days)} days during continuing treatment`,
      intervalDays: days,
      citation: ruleCitation(periodic),
      wording: wording(periodic),
    });
  }
  const supply = triggers.filter((t) => t.label === 'Prescribing more than a 72-hour supply');
  if (supply.length) {
    out.rules.push({
      ...base,
      id: `${group.id}-72h-supply`,
      type: 'supply-over',
      title: `${group.label}: before prescribing more than a 72-hour supply`,
      hours: 72,
      reviewValidHours: REVIEW_VALID_HOURS,
      citation: ruleCitation(supply),
      wording: wording(supply),
    });
  }
  const refills = triggers.filter((t) => t.label === 'Authorizing refills');
  if (refills.length) {
    out.rules.push({
      ...base,
      id: `${group.id}-refills`,
      type: 'refill-authorization',
      title: `${group.label}: before authorizing refills`,
      reviewValidHours: REVIEW_VALID_HOURS,
      citation: ruleCitation(refills),
      wording: wording(refills),
    });
  }
  const edNew = triggers.filter((t) => t.label === 'Patient request for prescription in Emergency Department' && t.course !== 'continuing');
  const edRest = triggers.filter(
    (t) =>
      t.label === 'Patient request for prescription renewal in Emergency Department' ||
      (t.label === 'Patient request for prescription in Emergency Department' && t.course === 'continuing'),
  );
  if (edNew.length && !everyNew && !initial) {
    out.rules.push({
      ...base,
      id: `${group.id}-ed-new`,
      type: 'every-prescription',
      title: `${group.label}: a new patient's request in the emergency department`,
      course: 'new',
      settings: ['ed'],
      reviewValidHours: REVIEW_VALID_HOURS,
      citation: ruleCitation(edNew),
      wording: wording(edNew),
    });
  }
  if (edRest.length && !everyContinuing) {
    out.rules.push({
      ...base,
      id: `${group.id}-ed-continuing`,
      type: 'every-prescription',
      title: `${group.label}: an established patient's request in the emergency department`,
      course: 'continuing',
      settings: ['ed'],
      reviewValidHours: REVIEW_VALID_HOURS,
      citation: ruleCitation(edRest),
      wording: wording(edRest),
    });
  }

  for (const t of triggers) {
    const reason = NOT_MODELLED_REASON[t.label];
    // A request in urgent care is covered anyway when every prescription (or every first one,
    // for a new patient) needs a review.
    const urgent = t.label.includes('Urgent Care');
    const covered = urgent && (t.label.includes('renewal') || t.course === 'continuing' ? everyContinuing : everyNew || initial);
    if (reason && !covered) {
      out.notModelled.push({
        question: t.column,
        answer: `${group.label}: ${t.label}`,
        reason,
        prescriber: true,
        area: 'review',
        citation: citationOf(row, [group.flag, t.column]),
      });
      out.answers.push({ question: t.column, label: t.label, modelled: false });
    } else {
      out.answers.push({ question: t.column, label: t.label, modelled: true });
    }
  }
}

/** The rules, delegate policy and unmodelled answers one row (one period) codes. */
export function itemsForRow(row: MandateRow, st: string): PeriodItems {
  const out: PeriodItems = { rules: [], delegates: [], notModelled: [], answers: [] };
  const coded = Object.entries(row.cells).some(([k, v]) => k.startsWith('PDMP_') && v.trim() !== '');
  if (!coded) {
    out.notModelled.push({
      question: 'PDMP_any',
      answer: 'Not coded',
      reason: 'PDAPS left every question unanswered for this period, so no mandate is modelled.',
      prescriber: true,
      area: 'review',
      citation: { statute: 'PDAPS (no citation given)', effective: row.effective, through: row.through },
    });
    out.answers.push({ question: 'PDMP_any', label: 'Not coded', modelled: false });
    return out;
  }

  const any = cell(row, 'PDMP_any') === '1';
  out.answers.push({ question: 'PDMP_any', label: any ? 'Yes' : 'No', modelled: true });
  const groups = groupsOf(row, st);
  for (const flag of ['PDMP_csgenchk', 'PDMP_opchk', 'PDMP_benzchk', 'PDMP_schedchk'] as const) {
    if (cell(row, flag) === '1') out.answers.push({ question: flag, label: 'Yes', modelled: true });
  }
  if (cell(row, 'PDMP_schedchk') === '1') {
    for (const label of splitLabels('PDMP_sched', cell(row, 'PDMP_sched'))) out.answers.push({ question: 'PDMP_sched', label, modelled: true });
  }
  for (const g of groups) rulesForGroup(row, g, out);

  const dispenser = cell(row, 'PDMP_dchk') === '1';
  if (any && out.rules.length === 0) {
    out.notModelled.push({
      question: 'PDMP_any',
      answer: 'A mandate to check the PMP exists, but PDAPS codes no drugs or frequency for prescribers',
      reason: dispenser
        ? 'The coded mandate is the dispensers’ duty to check; nothing is coded for prescribers.'
        : 'Nothing says which drugs or when; the coder’s note is the only detail.',
      prescriber: !dispenser,
      area: 'review',
      citation: citationOf(row, ['PDMP_any', 'PDMP_opchk']),
    });
    out.answers.push({ question: 'PDMP_any', label: 'Mandate without drugs or frequency', modelled: false });
  }
  if (cell(row, 'PDMP_suschk') === '1') {
    out.notModelled.push({
      question: 'PDMP_suschk',
      answer: 'Check the PMP when misuse is suspected',
      reason: 'Only the prescriber knows when misuse is suspected; the engine cannot.',
      prescriber: true,
      area: 'review',
      citation: citationOf(row, ['PDMP_suschk']),
    });
    out.answers.push({ question: 'PDMP_suschk', label: 'Yes', modelled: false });
  }
  if (cell(row, 'PDMP_mimm') === '1') {
    out.notModelled.push({
      question: 'PDMP_mimm',
      answer: 'Prescribers have legal immunity for not checking the PMP',
      reason: 'Immunity from liability is not a review requirement.',
      prescriber: false,
      area: 'review',
      citation: citationOf(row, ['PDMP_mimm']),
    });
    out.answers.push({ question: 'PDMP_mimm', label: 'Yes', modelled: false });
  }
  if (dispenser) {
    const when = cell(row, 'PDMP_dchkcir') ? splitLabels('PDMP_dchkcir', cell(row, 'PDMP_dchkcir')) : [];
    out.notModelled.push({
      question: 'PDMP_dchk',
      answer: `Dispensers must check the PMP${when.length ? ` (${when.join(', ')})` : ''}`,
      reason: 'A dispenser’s duty, not a prescriber’s.',
      prescriber: false,
      area: 'review',
      citation: citationOf(row, ['PDMP_dchk', 'PDMP_dchkcir']),
    });
    out.answers.push({ question: 'PDMP_dchk', label: 'Yes', modelled: false });
    for (const label of when) out.answers.push({ question: 'PDMP_dchkcir', label, modelled: false });
  }
  const del = cell(row, 'PDMP_del');
  if (del === '1' || del === '0') {
    const kinds = del === '1' && cell(row, 'PDMP_delkind') ? splitLabels('PDMP_delkind', cell(row, 'PDMP_delkind')) : [];
    out.delegates.push({ allowed: del === '1', kinds, verified: false, citation: citationOf(row, ['PDMP_del', 'PDMP_delkind']) });
    out.answers.push({ question: 'PDMP_del', label: del === '1' ? 'Yes' : 'No', modelled: true });
    for (const label of kinds) out.answers.push({ question: 'PDMP_delkind', label, modelled: true });
  }
  return out;
}

/** Reads the mandate rows of one jurisdiction (any order) into periods, newest last, without overlaps. */
export function periodsOf(rows: readonly Readonly<Record<string, string>>[], jurisdiction: Jurisdiction): MandateRow[] {
  const mine = rows
    .filter((r) => r.Jurisdictions === jurisdiction.name)
    .map((r) => ({ effective: r['Effective Date'] ?? '', through: r['Valid Through Date'] ?? '', cells: r }))
    .sort((a, b) => (a.effective < b.effective ? -1 : a.effective > b.effective ? 1 : 0));
  for (const [i, r] of mine.entries()) {
    if (!isCalendarDate(r.effective) || !isCalendarDate(r.through) || r.through < r.effective) {
      throw new Error(`${jurisdiction.name}: a row has no valid period (${r.effective} .. ${r.through})`);
    }
    // PDAPS sometimes ends a period on the day the next begins: the newer law wins that day.
    const next = mine[i + 1];
    if (next && next.effective <= r.through) r.through = previousDay(next.effective);
  }
  return mine;
}
