import type { Attestation } from './schema';

function csvText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === undefined || value === null) return '';
  return JSON.stringify(value);
}

/** Whether a cell starting with this character code would start a formula: = + - @ in Excel, LibreOffice and Sheets; tab and CR are read as such too. */
function startsFormula(code: number): boolean {
  return code === 61 || code === 43 || code === 45 || code === 64 || code === 9 || code === 13;
}

/** Spreadsheet-safe CSV cell: quoted, and a leading = + - @ tab or CR cannot start a formula. */
export function csvCell(value: unknown): string {
  // Called once per cell of the export (3 million for 100,000 records): no allocation beyond the text itself.
  let text = typeof value === 'string' ? value : Array.isArray(value) ? value.map((v) => csvText(v)).join(' ') : csvText(value);
  if (text.length > 0 && startsFormula(text.charCodeAt(0))) text = `'${text}`;
  if (text.includes('"')) text = text.replace(/"/g, '""');
  return `"${text}"`;
}

export const CSV_COLUMNS: readonly [string, (a: Attestation) => unknown][] = [
  ['seq', (a) => a.seq],
  ['recorded_at', (a) => a.createdAt],
  ['outcome', (a) => a.outcome],
  ['reason', (a) => a.reason],
  ['reviewer', (a) => a.reviewer.name],
  ['reviewer_role', (a) => a.reviewer.role],
  ['prescriber', (a) => a.prescriber.name],
  ['prescriber_npi', (a) => a.prescriber.npi],
  ['patient_mrn', (a) => a.patient.mrn],
  ['patient_initials', (a) => a.patient.initials],
  ['patient_dob', (a) => a.patient.birthDate],
  ['drug', (a) => a.order.drug],
  ['schedule', (a) => a.order.schedule],
  ['quantity', (a) => a.order.quantity],
  ['days_supply', (a) => a.order.daysSupply],
  ['rules', (a) => a.ruleIds],
  ['state', (a) => a.state],
  ['pack_version', (a) => a.packVersion],
  ['follow_up_due', (a) => a.followUpDueAt],
  ['pmp_source', (a) => a.pmpSource],
  ['pmp_queried_at', (a) => a.pmpQueriedAt],
  ['ehr_origin', (a) => a.ehrOrigin],
  ['hash', (a) => a.hash],
  ['prev_hash', (a) => a.prevHash],
  // Columns added after version 1 go last, so a spreadsheet built on the old columns still lines up.
  ['exemption', (a) => a.exemption?.text],
  ['exemption_citation', (a) => a.exemption?.citation],
  ['acknowledges_review', (a) => a.acknowledges && `${a.acknowledges.reviewerName} ${a.acknowledges.reviewedAt} (${a.acknowledges.id})`],
  ['pmp_error', (a) => a.pmpError],
  ['reviewer_npi', (a) => a.reviewer.npi],
  ['reviewer_dea', (a) => a.reviewer.dea],
  ['prescriber_dea', (a) => a.prescriber.dea],
  ['record_id', (a) => a.id],
];

/**
 * The attestation log as CSV (RFC 4180, CRLF), one row per record. With `chainOf`, a first
 * column names the machine's log each record belongs to (a merged practice log).
 */
export function toCsv(records: readonly Attestation[], chainOf?: (a: Attestation, i: number) => string): string {
  const header = CSV_COLUMNS.map(([name]) => csvCell(name)).join(',');
  const getters = CSV_COLUMNS.map(([, get]) => get);
  const lines: string[] = [chainOf ? `${csvCell('log')},${header}` : header];
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (!r) continue;
    // One array join per row: a flat string at once, rather than a long chain of concatenations to flatten later.
    const cells: string[] = new Array<string>(getters.length);
    for (let c = 0; c < getters.length; c++) cells[c] = csvCell((getters[c] as (a: Attestation) => unknown)(r));
    lines.push(chainOf ? `${csvCell(chainOf(r, i))},${cells.join(',')}` : cells.join(','));
  }
  return lines.join('\r\n') + '\r\n';
}
