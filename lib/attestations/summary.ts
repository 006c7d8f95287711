import type { LogVerifyResult } from './export-json';
import type { LogEntry } from './repository';
import type { Attestation } from './schema';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Text made safe to place in HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESC[c] ?? c);
}

const OUTCOME_WORDS: Record<Attestation['outcome'], string> = {
  reviewed: 'PMP reviewed',
  'pmp-unavailable': 'PMP unavailable',
  exempted: 'Exempt',
  declined: 'Declined',
  acknowledged: 'Delegate review acknowledged',
};

/** An outcome in words, with its reason where it has one. */
export function outcomeText(a: Attestation): string {
  const why = a.outcome === 'exempted' ? a.exemption?.text : a.outcome === 'declined' ? a.reason : a.outcome === 'acknowledged' ? a.acknowledges && `review by ${a.acknowledges.reviewerName}` : undefined;
  return why ? `${OUTCOME_WORDS[a.outcome]}: ${why}` : OUTCOME_WORDS[a.outcome];
}

function countBy<T>(items: readonly T[], key: (t: T) => string): [string, number][] {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

export interface SummaryInput {
  entries: readonly LogEntry[];
  filter: string;
  generatedAt: Date;
  generatedBy?: string;
  verification: LogVerifyResult;
}

/** A printable HTML summary of (a filtered view of) the log: totals, the chain check and one line per record. */
export function summaryHtml({ entries, filter, generatedAt, generatedBy, verification }: SummaryInput): string {
  const e = escapeHtml;
  const rows = entries
    .map(({ record: a }) => {
      const reviewer = a.reviewer.role === 'delegate' ? `${a.reviewer.name} (delegate)` : a.reviewer.name;
      const patient = [a.patient.mrn, a.patient.initials, a.patient.birthDate].filter(Boolean).join(' · ');
      const order = [a.order.drug, a.order.schedule, a.order.quantity !== undefined ? `#${String(a.order.quantity)}` : '', a.order.daysSupply ? `${String(a.order.daysSupply)} d` : ''].filter(Boolean).join(' ');
      return `<tr><td>${e(new Date(a.createdAt).toLocaleString())}</td><td>${e(outcomeText(a))}${a.followUpDueAt ? `<br><small>follow-up by ${e(new Date(a.followUpDueAt).toLocaleString())}</small>` : ''}</td><td>${e(reviewer)}</td><td>${e(a.prescriber.name)}</td><td>${e(patient)}</td><td>${e(order)}</td><td>${e(a.ruleIds.join(', '))}</td><td class="h">${e(a.hash.slice(0, 12))}</td></tr>`;
    })
    .join('\n');
  const list = (pairs: [string, number][]) => pairs.map(([k, n]) => `<li>${e(k)}: ${String(n)}</li>`).join('');
  const chainLine = verification.ok
    ? `Hash chain verified: ${String(verification.records)} record(s) in ${String(verification.chains)} log(s), intact.`
    : `Hash chain BROKEN at record ${String(verification.firstBadRecord)}${verification.chainId ? ` of log ${verification.chainId}` : ''}: ${verification.problem ?? ''}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PMP review attestations — summary</title>
<style>
body{font:12px/1.4 system-ui,sans-serif;margin:24px;color:#111}
h1{font-size:18px;margin:0 0 4px}h2{font-size:14px;margin:16px 0 4px}
.meta{color:#444}.ok{color:#166534;font-weight:600}.bad{color:#b91c1c;font-weight:700}
table{border-collapse:collapse;width:100%;margin-top:8px}th,td{border-bottom:1px solid #ccc;padding:3px 5px;text-align:left;vertical-align:top}
th{background:#f3f4f6}.h{font-family:monospace}.cols{display:flex;gap:48px}ul{margin:0;padding-left:18px}
@media print{body{margin:0}tr{break-inside:avoid}}
</style></head><body>
<h1>PMP review attestations — summary</h1>
<p class="meta">Generated ${e(generatedAt.toLocaleString())}${generatedBy ? ` by ${e(generatedBy)}` : ''} · ${e(filter)} · ${String(entries.length)} record(s)</p>
<p class="${verification.ok ? 'ok' : 'bad'}">${e(chainLine)}</p>
<div class="cols"><div><h2>By outcome</h2><ul>${list(countBy(entries, (x) => OUTCOME_WORDS[x.record.outcome]))}</ul></div>
<div><h2>By prescriber</h2><ul>${list(countBy(entries, (x) => x.record.prescriber.name))}</ul></div>
<div><h2>Delegate reviews</h2><ul>${list(countBy(entries.filter((x) => x.record.reviewer.role === 'delegate'), (x) => x.record.reviewer.name)) || '<li>none</li>'}</ul></div></div>
<h2>Records</h2>
<table><thead><tr><th>When</th><th>Outcome</th><th>Reviewer</th><th>Prescriber</th><th>Patient</th><th>Order</th><th>Rules</th><th>Hash</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<p class="meta">Metadata only: PMP report contents are never kept. Patients are identified by MRN, initials and date of birth as the practice's setting allows.</p>
</body></html>
`;
}
