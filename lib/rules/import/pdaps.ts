/**
 * Turns PDAPS's two CSVs (PMP mandates; opioid prescribing limits) into one pack per
 * jurisdiction. Pure: the same CSV text always gives the same packs, so a test can regenerate
 * the committed JSON and find no difference. scripts/import-pdaps.ts writes the files.
 */
import { JURISDICTIONS, type Jurisdiction } from '../jurisdictions';
import { StatePack, type RuleCitation } from '../pack';
import { PDAPS_NOTE } from '../citations';
import { isCalendarDate, previousDay } from '../rules/time';
import { parseCsv } from './csv';
import { limitItemsForRow, type LimitItems } from './pdaps-limits';
import { itemsForRow, periodsOf, type AnswerTally, type PeriodItems } from './pdaps-mandates';

export const PDAPS_CODED_THROUGH = '2019-12-31';
export const PDAPS_VERSION = 'pdaps-2019-12-31';
export const PDAPS_SOURCES = [
  'PDAPS, PDMP Laws: Reporting, Mandates & Access, 2014-2019 (Center for Public Health Law Research, Temple University)',
  'PDAPS, State Laws Limiting Prescriptions for Opioid Analgesics, 2014-2019',
];

/** How many answers the import could and could not express, for one jurisdiction. */
export interface Coverage {
  state: string;
  modelled: number;
  notModelled: number;
  limitModelled: number;
  limitNotModelled: number;
}

export interface ImportResult {
  packs: StatePack[];
  coverage: Coverage[];
}

interface Period<T> {
  effective: string;
  through: string;
  items: T;
}

type Dated = { citation: RuleCitation };

function contentKey(item: Dated): string {
  const { effective: _e, through: _t, ...citation } = item.citation;
  return JSON.stringify({ ...item, citation });
}

/** Joins the same item across consecutive periods into one effective period; the newest stays open. */
function mergePeriods<T extends Dated>(periods: readonly Period<readonly T[]>[]): T[] {
  const out: T[] = [];
  const open = new Map<string, T>();
  for (const p of periods) {
    for (const item of p.items) {
      const key = contentKey(item);
      const prev = open.get(key);
      if (prev && prev.citation.through === previousDay(p.effective)) {
        prev.citation.through = p.through;
      } else {
        const copy = { ...item, citation: { ...item.citation, effective: p.effective, through: p.through } };
        out.push(copy);
        open.set(key, copy);
      }
    }
  }
  const last = periods.at(-1)?.through;
  for (const item of out) {
    if (item.citation.through === last) delete item.citation.through;
  }
  return out;
}

/** Counts each answer once per stretch of consecutive periods that give it. */
function countAnswers(periods: readonly Period<readonly AnswerTally[]>[]): { modelled: number; notModelled: number } {
  let modelled = 0;
  let notModelled = 0;
  let previous = new Set<string>();
  for (const p of periods) {
    const now = new Set(p.items.map((a) => `${a.question}|${a.label}|${String(a.modelled)}`));
    for (const key of now) {
      if (previous.has(key)) continue;
      if (key.endsWith('|true')) modelled++;
      else notModelled++;
    }
    previous = now;
  }
  return { modelled, notModelled };
}

function byStart<T extends Dated & { id?: string; question?: string; answer?: string }>(a: T, b: T): number {
  const ka = `${a.citation.effective}|${a.id ?? ''}|${a.question ?? ''}|${a.answer ?? ''}`;
  const kb = `${b.citation.effective}|${b.id ?? ''}|${b.question ?? ''}|${b.answer ?? ''}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function limitPeriods(rows: readonly Readonly<Record<string, string>>[], j: Jurisdiction): Period<LimitItems>[] {
  const mine = rows
    .filter((r) => r.Jurisdiction === j.name)
    .map((r) => ({ effective: r['Effective Date'] ?? '', through: r['Valid Through Date'] ?? '', cells: r }))
    .sort((a, b) => (a.effective < b.effective ? -1 : 1));
  return mine.map((r, i) => {
    if (!isCalendarDate(r.effective) || !isCalendarDate(r.through) || r.through < r.effective) {
      throw new Error(`${j.name}: a limits row has no valid period (${r.effective} .. ${r.through})`);
    }
    const next = mine[i + 1];
    const through = next && next.effective <= r.through ? previousDay(next.effective) : r.through;
    return { effective: r.effective, through, items: limitItemsForRow({ ...r, through }, j.code.toLowerCase()) };
  });
}

function summaryOf(pack: Pick<StatePack, 'rules'>): string {
  const current = pack.rules.filter((r) => r.citation.through === undefined);
  if (current.length === 0) return `No PMP review mandate for prescribers is coded for the law in force on ${PDAPS_CODED_THROUGH}.`;
  return `As coded for ${PDAPS_CODED_THROUGH}: ${current.map((r) => r.title).join('; ')}.`;
}

/** One jurisdiction's pack from the parsed CSV rows. */
export function packFor(j: Jurisdiction, mandateRows: readonly Readonly<Record<string, string>>[], limitRows: readonly Readonly<Record<string, string>>[]) {
  const st = j.code.toLowerCase();
  const periods = periodsOf(mandateRows, j);
  if (periods.length === 0) throw new Error(`The mandates CSV has no rows for ${j.name}`);
  const mandate: Period<PeriodItems>[] = periods.map((p) => ({ effective: p.effective, through: p.through, items: itemsForRow(p, st) }));
  const limits = limitPeriods(limitRows, j);
  const rules = mergePeriods(mandate.map((p) => ({ ...p, items: p.items.rules }))).sort(byStart);
  const pack = StatePack.parse({
    state: j.code,
    name: j.name,
    version: PDAPS_VERSION,
    verified: false,
    sources: PDAPS_SOURCES,
    timeZone: j.timeZone,
    provenance: { kind: 'pdaps', statement: PDAPS_NOTE, codedThrough: PDAPS_CODED_THROUGH },
    coverageFrom: periods[0]?.effective,
    summary: summaryOf({ rules }),
    pmpDownFollowUpHours: 24,
    administrationExempt: true,
    rules,
    delegates: mergePeriods(mandate.map((p) => ({ ...p, items: p.items.delegates }))).sort(byStart),
    limits: mergePeriods(limits.map((p) => ({ ...p, items: p.items.limits }))).sort(byStart),
    notModelled: [
      ...mergePeriods(mandate.map((p) => ({ ...p, items: p.items.notModelled }))),
      ...mergePeriods(limits.map((p) => ({ ...p, items: p.items.notModelled }))),
    ].sort(byStart),
  });
  const review = countAnswers(mandate.map((p) => ({ ...p, items: p.items.answers })));
  const limit = countAnswers(limits.map((p) => ({ ...p, items: p.items.answers })));
  const coverage: Coverage = {
    state: j.code,
    modelled: review.modelled,
    notModelled: review.notModelled,
    limitModelled: limit.modelled,
    limitNotModelled: limit.notModelled,
  };
  return { pack, coverage };
}

/** Every jurisdiction's pack from the two CSV texts; throws on any answer it cannot read. */
export function importPdaps(mandatesCsv: string, limitsCsv: string): ImportResult {
  const mandateRows = parseCsv(mandatesCsv);
  const limitRows = parseCsv(limitsCsv);
  const known = new Set<string>(JURISDICTIONS.map((j) => j.name));
  for (const r of mandateRows) {
    if (!known.has(r.Jurisdictions ?? '')) throw new Error(`Unknown jurisdiction in the mandates CSV: "${r.Jurisdictions ?? ''}"`);
  }
  for (const r of limitRows) {
    if (!known.has(r.Jurisdiction ?? '')) throw new Error(`Unknown jurisdiction in the limits CSV: "${r.Jurisdiction ?? ''}"`);
  }
  const results = JURISDICTIONS.map((j) => packFor(j, mandateRows, limitRows));
  return { packs: results.map((r) => r.pack), coverage: results.map((r) => r.coverage) };
}

/** The committed text of one generated pack (stable key order, two-space indent, final newline). */
export function packJson(pack: StatePack): string {
  return `${JSON.stringify(pack, null, 2)}\n`;
}
