import type { Attestation } from './schema';

function csvText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === undefined || value === null) return '';
  return JSON.stringify(value);
}

/** Spreadsheet-safe CSV cell: quoted, and a leading = + - @ tab or CR cannot start a formula. */
export function csvCell(value: unknown): string {
  let text = '';
  if (Array.isArray(value)) text = value.map((v) => csvText(v)).join(' ');
  else text = csvText(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
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
];

/** The attestation log as CSV (RFC 4180, CRLF), one row per record. */
export function toCsv(records: readonly Attestation[]): string {
  const lines = [CSV_COLUMNS.map(([name]) => csvCell(name)).join(',')];
  for (const r of records) lines.push(CSV_COLUMNS.map(([, get]) => csvCell(get(r))).join(','));
  return lines.join('\r\n') + '\r\n';
}
