import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { IdentityForm } from '@/components/identity-form';
import { toCsv } from '@/lib/attestations/csv';
import { PmpDatabase } from '@/lib/attestations/db';
import { AttestationRepository } from '@/lib/attestations/repository';
import { getPack } from '@/lib/rules/packs';
import { PmpConnection, saveSettings, type Settings } from '@/lib/storage/settings';
import { settingsKeys, settingsQueryOptions } from '@/lib/storage/settings-query';

// Read-only use of the log here; the background is the only writer.
const repo = new AttestationRepository(new PmpDatabase());
const logKeys = { all: ['attestation-log'] as const };

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

export function Options() {
  const settings = useQuery(settingsQueryOptions());
  if (settings.isPending) return <main className="options"><p role="status">Loading…</p></main>;
  if (settings.isError) return <main className="options"><p role="alert">Could not load settings: {settings.error.message}</p></main>;
  return (
    <main className="options">
      <h1>PMP Check</h1>
      <section aria-labelledby="who">
        <h2 id="who">Who is reviewing</h2>
        <IdentityForm current={settings.data.identity} />
      </section>
      <StateRules settings={settings.data} />
      <PmpSettings settings={settings.data} />
      <AttestationLog />
    </main>
  );
}

function StateRules({ settings }: { settings: Settings }) {
  const pack = getPack(settings.state);
  return (
    <section aria-labelledby="rules">
      <h2 id="rules">State rules: {pack.name}</h2>
      <p className="hint">
        Pack version {pack.version} · {pack.verified ? 'verified' : 'unverified'} · sources: {pack.sources.join('; ')}
      </p>
      <ul className="rules">
        {pack.rules.map((r) => (
          <li key={r.id}>
            <strong>{r.title}</strong> — {r.type === 'supply-over' ? `${r.schedules.join(', ')}: over ${String(r.hours)} hours of supply` : `${r.schedules.join(', ')}: every ${String(r.intervalDays)} days`}{' '}
            <cite>
              {r.citation.statute}, effective {r.citation.effective}
            </cite>
          </li>
        ))}
      </ul>
    </section>
  );
}

function PmpSettings({ settings }: { settings: Settings }) {
  const qc = useQueryClient();
  const [baseUrl, setBaseUrl] = useState(settings.pmp.baseUrl);
  const [token, setToken] = useState(settings.pmp.token ?? '');
  const [error, setError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (pmp: PmpConnection) => saveSettings({ pmp }),
    onSuccess: () => qc.invalidateQueries({ queryKey: settingsKeys.all }),
  });
  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const parsed = PmpConnection.safeParse({ ...settings.pmp, baseUrl: baseUrl.trim(), ...(token.trim() ? { token: token.trim() } : { token: undefined }) });
    if (!parsed.success) {
      setError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      return;
    }
    setError(null);
    save.mutate(parsed.data);
  }
  return (
    <section aria-labelledby="pmp">
      <h2 id="pmp">PMP connection</h2>
      <form onSubmit={onSubmit} className="grid" noValidate>
        <label>
          FHIR PDMP base URL
          <input name="baseUrl" value={baseUrl} onChange={(e) => { setBaseUrl(e.target.value); }} />
        </label>
        <label>
          Bearer token
          <input name="token" type="password" value={token} onChange={(e) => { setToken(e.target.value); }} autoComplete="off" />
        </label>
        <button type="submit">Save connection</button>
        {error && <span className="field-error" role="alert">{error}</span>}
        {save.isSuccess && <span className="saved">Saved ✓</span>}
      </form>
    </section>
  );
}

function AttestationLog() {
  const log = useQuery({ queryKey: logKeys.all, queryFn: async () => ({ rows: await repo.all(), verify: await repo.verify() }) });
  return (
    <section aria-labelledby="log">
      <h2 id="log">Attestation log</h2>
      {log.isPending ? (
        <p role="status">Loading…</p>
      ) : log.isError ? (
        <p role="alert">Could not read the log: {log.error.message}</p>
      ) : (
        <>
          <p className={log.data.verify.ok ? 'chain-ok' : 'chain-bad'} data-testid="chain-status">
            {log.data.verify.ok
              ? `${String(log.data.rows.length)} record(s); hash chain intact ✓`
              : `Hash chain broken at record ${String(log.data.verify.firstBadRecord)}: ${log.data.verify.problem ?? ''}`}
          </p>
          <button
            type="button"
            disabled={log.data.rows.length === 0}
            onClick={() => {
              download(`pmp-attestations-${new Date().toISOString().slice(0, 10)}.csv`, toCsv(log.data.rows), 'text/csv');
            }}
          >
            Export CSV
          </button>
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
              {log.data.rows.map((a) => (
                <tr key={a.id}>
                  <td>{a.seq}</td>
                  <td>{new Date(a.createdAt).toLocaleString()}</td>
                  <td>{a.outcome}</td>
                  <td>
                    {a.reviewer.name} ({a.reviewer.role})
                  </td>
                  <td>{a.prescriber.name}</td>
                  <td>
                    {a.patient.initials} {a.patient.mrn ?? ''}
                  </td>
                  <td>
                    {a.order.drug} {a.order.schedule ?? ''}
                  </td>
                  <td>{a.ruleIds.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
