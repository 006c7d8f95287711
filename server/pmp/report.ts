/**
 * The formatted report behind `pdmp-history-link`. Real PMPs serve one; the extension only links
 * to it. Reports are reached through opaque short-lived tokens so no patient detail is in a URL.
 */
import { randomBytes } from 'node:crypto';
import type { Fill } from '../../lib/pmp/history';
import type { SyntheticPatient } from '../../lib/pmp/synthetic';

export const REPORT_TTL_MS = 10 * 60_000;

interface StoredReport {
  patientId: string;
  fills: Fill[];
  expiresAt: number;
}

/** Short-lived report tokens, swept on every access. */
export class ReportStore {
  private readonly reports = new Map<string, StoredReport>();

  constructor(
    private readonly ttlMs = REPORT_TTL_MS,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Stores a report and returns its unguessable token. */
  issue(patientId: string, fills: Fill[]): string {
    this.sweep();
    const token = randomBytes(24).toString('base64url');
    this.reports.set(token, { patientId, fills, expiresAt: this.clock() + this.ttlMs });
    return token;
  }

  get(token: string): StoredReport | undefined {
    this.sweep();
    return this.reports.get(token);
  }

  private sweep(): void {
    const now = this.clock();
    for (const [token, report] of this.reports) if (report.expiresAt <= now) this.reports.delete(token);
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function esc(s: string | number | undefined): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const STYLE = `body{font:14px system-ui,sans-serif;margin:2rem;color:#1b1b1b}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #ccc;padding:.35rem .5rem;text-align:left}th{background:#f1f1f1}.banner{background:#fff3cd;padding:.5rem 1rem;margin-bottom:1rem}`;

/** The report page: synthetic data, marked as such on the page itself. */
export function renderReport(patient: SyntheticPatient, fills: Fill[], generatedAt: Date): string {
  const rows = fills
    .map(
      (f) => `<tr><td>${esc(f.dispensedOn)}</td><td>${esc(f.drug)}</td><td>${esc(f.quantity)} ${esc(f.quantityUnit)}</td>` +
        `<td>${esc(f.daysSupply)}</td><td>${esc(f.refillNumber)}</td><td>${esc(f.prescriber.name)}</td>` +
        `<td>${esc(f.pharmacy.name)}${f.pharmacy.city ? `, ${esc(f.pharmacy.city)}` : ''}</td><td>${esc(f.paymentType)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PMP report (synthetic)</title><style>${STYLE}</style></head>
<body>
<div class="banner">Synthetic demonstration data from the local PMP server. Not a real patient.</div>
<h1>Prescription monitoring report</h1>
<p><strong>${esc(patient.given)} ${esc(patient.family)}</strong>, born ${esc(patient.birthDate)}, ZIP ${esc(patient.postalCode)}</p>
<p>Generated ${esc(generatedAt.toISOString())}. ${fills.length} dispensation(s).</p>
${fills.length === 0 ? '<p>No controlled-substance dispensations on record.</p>' : `<table>
<thead><tr><th>Dispensed</th><th>Drug</th><th>Quantity</th><th>Days supply</th><th>Refill #</th><th>Prescriber</th><th>Pharmacy</th><th>Payment</th></tr></thead>
<tbody>
${rows}
</tbody></table>`}
</body></html>`;
}

/** The page for an unknown or expired token. */
export function renderExpired(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Report expired</title><style>${STYLE}</style></head>
<body><h1>This report link has expired</h1><p>Run the PMP search again to get a new report.</p></body></html>`;
}
