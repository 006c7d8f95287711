import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import './practice-log.css';
import { useId, useMemo, useState, type ChangeEvent, type ReactNode } from 'react';
import { toCsv } from '@/lib/attestations/csv';
import { PmpDatabase } from '@/lib/attestations/db';
import { buildLogExport, logExportText, verifyLogExport } from '@/lib/attestations/export-json';
import { toFhirBundle } from '@/lib/attestations/fhir';
import { importLog, type ImportReport } from '@/lib/attestations/import';
import { describeFilter, filterLog, logFacets, type LogFilter } from '@/lib/attestations/log-filter';
import { attestationKeys, pendingQueryOptions, practiceLogQueryOptions } from '@/lib/attestations/query';
import { AttestationRepository } from '@/lib/attestations/repository';
import { applyRetention, previewRetention, retentionCutoff } from '@/lib/attestations/retention';
import { AttestationOutcome } from '@/lib/attestations/schema';
import { outcomeText, summaryHtml } from '@/lib/attestations/summary';
import { PatientIdentifiers, saveSettings, type Settings } from '@/lib/storage/settings';
import { settingsKeys } from '@/lib/storage/settings-query';

// The background is the writer of this machine's chain; this page imports other machines'
// chains, purges under the retention setting and writes queued attestations when asked.
const db = new PmpDatabase();
const repo = new AttestationRepository(db);
const SHOWN = 500;

function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 10_000);
}

const today = () => new Date().toISOString().slice(0, 10);
const OUTCOME_LABEL: Record<AttestationOutcome, string> = {
  reviewed: 'Reviewed',
  'pmp-unavailable': 'PMP unavailable',
  exempted: 'Exempt',
  declined: 'Declined',
  acknowledged: 'Acknowledged (delegate review)',
};
const IDENTIFIER_LABEL: Record<PatientIdentifiers, string> = {
  'mrn-initials-dob': 'MRN, initials and date of birth',
  'mrn-initials': 'MRN and initials',
  mrn: 'MRN only',
};

/**
 * The practice's attestation log: this machine's chain and the chains imported from others,
 * each verified; search and filter; exports (CSV, JSON with the hash chains, FHIR, printable
 * summary); import and merge; the retention setting and purge.
 */
export function AttestationLog({ settings }: { settings: Settings }) {
  const qc = useQueryClient();
  const log = useQuery(practiceLogQueryOptions(db, repo));
  const pending = useQuery(pendingQueryOptions(repo));
  const [filter, setFilter] = useState<LogFilter>({});
  const invalidate = () => qc.invalidateQueries({ queryKey: attestationKeys.all });

  const entries = log.data?.entries;
  const filtered = useMemo(() => (entries ? filterLog(entries, filter) : []), [entries, filter]);
  const facets = useMemo(() => logFacets(entries ?? []), [entries]);

  const flush = useMutation({ mutationFn: () => repo.flush(), onSettled: invalidate });

  if (log.isPending) {
    return (
      <section aria-labelledby="log">
        <h2 id="log">Attestation log</h2>
        <p role="status">Loading…</p>
      </section>
    );
  }
  if (log.isError) {
    return (
      <section aria-labelledby="log">
        <h2 id="log">Attestation log</h2>
        <p role="alert">Could not read the log: {log.error.message}</p>
      </section>
    );
  }
  const { chains } = log.data;
  const all = log.data.entries;
  const broken = chains.find((c) => !c.verify.ok);
  const total = chains.reduce((n, c) => n + c.records, 0);
  const set = (patch: Partial<LogFilter>) => {
    // An emptied field is dropped, so "no filter" is an empty object.
    setFilter((f) => Object.fromEntries(Object.entries({ ...f, ...patch }).filter(([, v]) => Boolean(v))));
  };
  const stamp = today();
  const who = settings.identity ? { name: settings.identity.name, role: settings.identity.role } : undefined;

  return (
    <section aria-labelledby="log" className="attestation-log">
      <h2 id="log">Attestation log</h2>
      <p className={broken ? 'chain-bad' : 'chain-ok'} data-testid="chain-status">
        {broken
          ? `Hash chain broken in ${broken.own ? "this machine's log" : `the log from ${broken.label}`} at record ${String(broken.verify.firstBadRecord)}: ${broken.verify.problem ?? ''}`
          : `${String(total)} record(s) in ${String(chains.length)} log(s); hash chain intact ✓`}
      </p>
      <ul className="chains" aria-label="Logs in this practice log">
        {chains.map((c) => (
          <li key={c.chainId} data-testid="chain-row">
            <strong>{c.own ? 'This machine' : `Imported: ${c.label}`}</strong> — {c.records} record(s)
            {c.purged ? `, ${String(c.purged)} purged under retention` : ''} —{' '}
            <span className={c.verify.ok ? 'chain-ok' : 'chain-bad'}>{c.verify.ok ? 'verified ✓' : `broken at record ${String(c.verify.firstBadRecord)}`}</span>
          </li>
        ))}
      </ul>
      {(pending.data ?? 0) > 0 && (
        <p className="warning" role="alert">
          {pending.data} attestation(s) accepted but not yet written to the log (storage trouble). They are retried automatically.{' '}
          <button type="button" onClick={() => { flush.mutate(); }} disabled={flush.isPending}>
            Retry now
          </button>
          {flush.isError && <span className="field-error"> Still failing: {flush.error.message}</span>}
        </p>
      )}

      <form className="log-filter" aria-label="Filter the log" onSubmit={(e) => { e.preventDefault(); }}>
        <Field label="From">{(id) => <input id={id} type="date" value={filter.from ?? ''} onChange={(e) => { set({ from: e.target.value }); }} />}</Field>
        <Field label="To">{(id) => <input id={id} type="date" value={filter.to ?? ''} onChange={(e) => { set({ to: e.target.value }); }} />}</Field>
        <Field label="Prescriber">
          {(id) => (
            <select id={id} value={filter.prescriber ?? ''} onChange={(e) => { set({ prescriber: e.target.value }); }}>
              <option value="">Any</option>
              {facets.prescribers.map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Delegate">
          {(id) => (
            <select id={id} value={filter.delegate ?? ''} onChange={(e) => { set({ delegate: e.target.value }); }}>
              <option value="">Any</option>
              {facets.delegates.map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Patient (MRN, initials or DOB)">{(id) => <input id={id} type="search" value={filter.patient ?? ''} onChange={(e) => { set({ patient: e.target.value }); }} />}</Field>
        <Field label="Outcome">
          {(id) => (
            <select id={id} value={filter.outcome ?? ''} onChange={(e) => { const o = AttestationOutcome.safeParse(e.target.value); set({ outcome: o.success ? o.data : undefined }); }}>
              <option value="">Any</option>
              {AttestationOutcome.options.map((o) => (
                <option key={o} value={o}>
                  {OUTCOME_LABEL[o]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="button" className="secondary" onClick={() => { setFilter({}); }} disabled={Object.keys(filter).length === 0}>
          Clear filters
        </button>
      </form>
      <p className="hint" data-testid="log-count">
        Showing {filtered.length} of {all.length} record(s){Object.keys(filter).length ? ` — ${describeFilter(filter)}` : ''}.
      </p>

      <div className="exports" role="group" aria-label="Export">
        <button type="button" disabled={filtered.length === 0} onClick={() => { download(`pmp-attestations-${stamp}.csv`, toCsv(filtered.map((e) => e.record), (_a, i) => (filtered[i]?.own ? 'this machine' : (chains.find((c) => c.chainId === filtered[i]?.chainId)?.label ?? ''))), 'text/csv'); }}>
          Export CSV
        </button>
        <ExportJsonButton stamp={stamp} exportedBy={who} />
        <button type="button" disabled={filtered.length === 0} onClick={() => { download(`pmp-attestations-${stamp}.fhir.json`, JSON.stringify(toFhirBundle(filtered, new Date()), null, 1), 'application/fhir+json'); }}>
          Export FHIR Bundle
        </button>
        <button
          type="button"
          disabled={filtered.length === 0}
          onClick={() => {
            const v = broken ? { ...broken.verify, chains: chains.length, chainId: broken.chainId } : { ok: true, records: total, firstBadRecord: null, chains: chains.length };
            const html = summaryHtml({ entries: filtered, filter: describeFilter(filter), generatedAt: new Date(), ...(who ? { generatedBy: who.name } : {}), verification: v });
            const url = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
            window.open(url, '_blank', 'noopener');
            setTimeout(() => {
              URL.revokeObjectURL(url);
            }, 60_000);
          }}
        >
          Printable summary
        </button>
        <p className="hint">CSV, FHIR and the summary follow the filters; the JSON export always holds every log whole, so each can be verified anywhere (<code>npm run --silent cli -- verify-log &lt; log.json</code>).</p>
      </div>

      <ImportLog onDone={invalidate} />
      <PracticeSettings settings={settings} onPurged={invalidate} />

      <table className="log">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">When</th>
            <th scope="col">Outcome</th>
            <th scope="col">Reviewer</th>
            <th scope="col">Prescriber</th>
            <th scope="col">Patient</th>
            <th scope="col">Drug</th>
            <th scope="col">Rules</th>
          </tr>
        </thead>
        <tbody>
          {filtered
            .slice(-SHOWN)
            .reverse()
            .map(({ record: a, own, chainId }) => (
              <tr key={`${chainId}:${String(a.seq)}`} data-testid="log-row">
                <td title={own ? "this machine's log" : `imported log ${chainId}`}>
                  {own ? '' : '↧'}
                  {a.seq}
                </td>
                <td>{new Date(a.createdAt).toLocaleString()}</td>
                <td>{outcomeText(a)}</td>
                <td>
                  {a.reviewer.name} ({a.reviewer.role})
                </td>
                <td>{a.prescriber.name}</td>
                <td>{[a.patient.initials, a.patient.mrn, a.patient.birthDate].filter(Boolean).join(' ')}</td>
                <td>
                  {a.order.drug} {a.order.schedule ?? ''}
                </td>
                <td>{a.ruleIds.join(', ')}</td>
              </tr>
            ))}
        </tbody>
      </table>
      {filtered.length > SHOWN && <p className="hint">The newest {SHOWN} are shown; narrow the filters or export to see the rest.</p>}
    </section>
  );
}

/** A label beside (not around) its control, so the control's name is the label alone. */
function Field({ label, children }: { label: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}

function ExportJsonButton({ stamp, exportedBy }: { stamp: string; exportedBy: { name: string; role: 'prescriber' | 'delegate' } | undefined }) {
  const exp = useMutation({
    mutationFn: async () => {
      const log = await buildLogExport(db, repo, { now: new Date(), ...(exportedBy ? { exportedBy } : {}) });
      // Say so before handing over a log that would not verify elsewhere either.
      const check = await verifyLogExport(log);
      download(`pmp-attestation-log-${stamp}.json`, logExportText(log), 'application/json');
      return check;
    },
  });
  return (
    <>
      <button type="button" onClick={() => { exp.mutate(); }} disabled={exp.isPending}>
        Export JSON (with hash chains)
      </button>
      {exp.isError && <span className="field-error" role="alert"> Could not export: {exp.error.message}</span>}
      {exp.data && !exp.data.ok && <span className="field-error" role="alert"> Exported, but the log does not verify (record {String(exp.data.firstBadRecord)}).</span>}
    </>
  );
}

function ImportLog({ onDone }: { onDone: () => Promise<void> }) {
  const [report, setReport] = useState<(ImportReport & { file: string }) | null>(null);
  const run = useMutation({
    mutationFn: async (file: File) => ({ ...(await importLog(db, repo, await file.text(), { now: new Date() })), file: file.name }),
    onSuccess: async (r) => {
      setReport(r);
      await onDone();
    },
  });
  function onFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (file) run.mutate(file);
  }
  return (
    <div className="import" role="group" aria-label="Import">
      <label>
        Import a log exported on another machine of the practice (JSON)
        <input type="file" accept=".json,application/json" onChange={onFile} disabled={run.isPending} />
      </label>
      {run.isPending && <p role="status">Checking and merging…</p>}
      {run.isError && <p className="field-error" role="alert">Could not import: {run.error.message}</p>}
      {report && (
        <div className="import-report" role="status" data-testid="import-report">
          {report.ok ? (
            <p>
              <strong>{report.file}:</strong> {report.added} record(s) added, {report.duplicates} already here
              {report.refusedChains ? `, ${String(report.refusedChains)} log(s) refused` : ''}.
            </p>
          ) : (
            <p className="field-error">
              <strong>{report.file} refused:</strong> {report.error}
            </p>
          )}
          <ul>
            {report.chains.map((c) => (
              <li key={c.chainId} className={c.status === 'refused' ? 'field-error' : ''}>
                {c.label}:{' '}
                {c.status === 'refused'
                  ? `refused — ${c.reason ?? ''}`
                  : c.status === 'own-log'
                    ? `this machine's own log (${String(c.duplicates)} record(s), nothing to add)`
                    : `${String(c.added)} added, ${String(c.duplicates)} already here`}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function PracticeSettings({ settings, onPurged }: { settings: Settings; onPurged: () => Promise<void> }) {
  const qc = useQueryClient();
  const [years, setYears] = useState(String(settings.retentionYears));
  const [confirming, setConfirming] = useState(false);
  const cutoff = retentionCutoff(new Date(), settings.retentionYears);
  const preview = useQuery({ queryKey: [...attestationKeys.all, 'retention', settings.retentionYears], queryFn: () => previewRetention(db, repo, cutoff) });
  const save = useMutation({
    mutationFn: (patch: Partial<Settings>) => saveSettings(patch),
    onSuccess: () => qc.invalidateQueries({ queryKey: settingsKeys.all }),
  });
  const purge = useMutation({
    mutationFn: () => applyRetention(db, repo, cutoff, new Date()),
    onSuccess: async () => {
      setConfirming(false);
      await onPurged();
    },
  });
  const purgeable = (preview.data?.own ?? 0) + (preview.data?.imported ?? 0);
  const yearsValid = /^\d+$/.test(years) && Number(years) >= 1 && Number(years) <= 30;
  return (
    <div className="practice-settings" role="group" aria-label="Practice settings for the log">
      <h3>Practice settings</h3>
      <label>
        Patient identifiers kept with each record
        <select
          value={settings.patientIdentifiers}
          onChange={(e) => {
            const v = PatientIdentifiers.safeParse(e.target.value);
            if (v.success) save.mutate({ patientIdentifiers: v.data });
          }}
        >
          {PatientIdentifiers.options.map((o) => (
            <option key={o} value={o}>
              {IDENTIFIER_LABEL[o]}
            </option>
          ))}
        </select>
      </label>
      <form
        className="retention"
        onSubmit={(e) => {
          e.preventDefault();
          if (yearsValid) save.mutate({ retentionYears: Number(years) });
        }}
        noValidate
      >
        <label>
          Keep attestations for (years)
          <input name="retentionYears" inputMode="numeric" value={years} onChange={(e) => { setYears(e.target.value); }} aria-invalid={!yearsValid} />
        </label>
        <button type="submit" disabled={!yearsValid || save.isPending}>
          Save retention
        </button>
        {!yearsValid && <span className="field-error">Between 1 and 30 years</span>}
        {save.isError && <span className="field-error">Could not save the setting</span>}
      </form>
      <p className="hint" data-testid="retention-preview">
        {purgeable === 0
          ? `No records are older than ${String(settings.retentionYears)} years (before ${cutoff.toLocaleDateString()}).`
          : `${String(purgeable)} record(s) are older than ${String(settings.retentionYears)} years (before ${cutoff.toLocaleDateString()}). Purging keeps a checkpoint so the rest still verifies.`}
      </p>
      {purgeable > 0 &&
        (confirming ? (
          <p>
            <button type="button" className="danger" onClick={() => { purge.mutate(); }} disabled={purge.isPending}>
              Purge {purgeable} record(s) now
            </button>{' '}
            <button type="button" className="secondary" onClick={() => { setConfirming(false); }}>
              Keep them
            </button>
          </p>
        ) : (
          <button type="button" className="secondary" onClick={() => { setConfirming(true); }}>
            Purge records older than {settings.retentionYears} years…
          </button>
        ))}
      {purge.isError && <p className="field-error" role="alert">{purge.error.message}</p>}
      {purge.isSuccess && <p className="saved" role="status">Purged {purge.data.own + purge.data.imported} record(s); the log still verifies from its checkpoint.</p>}
    </div>
  );
}
