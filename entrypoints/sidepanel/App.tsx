import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { browser } from 'wxt/browser';
import { DecisionSummary } from '@/components/decision-summary';
import { ErrorPanel } from '@/components/error-panel';
import { FillTable } from '@/components/fill-table';
import { IdentityForm } from '@/components/identity-form';
import { send } from '@/lib/messaging/client';
import type { ReviewContext } from '@/lib/messaging/protocol';
import { normalizeError } from '@/lib/pmp/errors';
import type { Requester } from '@/lib/pmp/history';
import { historyQueryOptions, pmpKeys } from '@/lib/pmp/query';
import type { Settings } from '@/lib/storage/settings';
import { settingsQueryOptions } from '@/lib/storage/settings-query';

/** The tab this panel serves: `?tabId=` when given, else the active tab of this window. */
function useTabId(): number | null {
  const [tabId, setTabId] = useState<number | null>(() => {
    const fromUrl = Number(new URLSearchParams(location.search).get('tabId'));
    return Number.isInteger(fromUrl) && fromUrl > 0 ? fromUrl : null;
  });
  useEffect(() => {
    if (new URLSearchParams(location.search).has('tabId')) return;
    browser.tabs
      .query({ active: true, currentWindow: true })
      .then(([tab]) => {
        setTabId(tab?.id ?? null);
      })
      .catch(() => {
        setTabId(null);
      });
    const onActivated = (info: { tabId: number }) => {
      setTabId(info.tabId);
    };
    browser.tabs.onActivated.addListener(onActivated);
    return () => {
      browser.tabs.onActivated.removeListener(onActivated);
    };
  }, []);
  return tabId;
}

function requesterFor(settings: Settings, prescriberName: string): Requester | null {
  const me = settings.identity;
  if (!me) return null;
  if (me.role === 'prescriber') return { prescriber: { name: me.name, ...(me.npi ? { npi: me.npi } : {}) } };
  const p = settings.supervisingPrescribers.find((s) => s.name === prescriberName) ?? (prescriberName.trim() ? { name: prescriberName.trim() } : null);
  return p ? { prescriber: p, delegate: { name: me.name, role: 'delegate' } } : null;
}

export function App() {
  const tabId = useTabId();
  const qc = useQueryClient();
  const context = useQuery({
    queryKey: ['review-context', tabId],
    queryFn: async () => (tabId === null ? null : (await send('getContext', { tabId })).context),
    enabled: tabId !== null,
  });
  const settings = useQuery(settingsQueryOptions());

  // A new review opened from the EHR lands in session storage: follow it.
  useEffect(() => {
    const onChanged = () => {
      void qc.invalidateQueries({ queryKey: ['review-context'] });
    };
    browser.storage.session.onChanged.addListener(onChanged);
    return () => {
      browser.storage.session.onChanged.removeListener(onChanged);
    };
  }, [qc]);

  if (tabId === null || context.isPending) return <main className="panel"><p role="status">Loading…</p></main>;
  if (context.isError) return <main className="panel"><p role="alert">Could not reach the extension: {context.error.message}</p></main>;
  if (!context.data) {
    return (
      <main className="panel">
        <h1>PMP review</h1>
        <p>Open a controlled-substance order in your EHR and choose “Review PMP” on the prompt beside it.</p>
      </main>
    );
  }
  if (!settings.data) return <main className="panel"><p role="status">Loading…</p></main>;
  return <Review key={`${String(context.data.tabId)}:${context.data.openedAt}`} ctx={context.data} settings={settings.data} onRecorded={() => qc.invalidateQueries({ queryKey: pmpKeys.all })} />;
}

function Review({ ctx, settings, onRecorded }: { ctx: ReviewContext; settings: Settings; onRecorded: () => Promise<void> }) {
  const qc = useQueryClient();
  const [prescriberName, setPrescriberName] = useState(settings.supervisingPrescribers[0]?.name ?? '');
  const requester = requesterFor(settings, prescriberName);
  const patient = {
    given: ctx.patient.given,
    family: ctx.patient.family,
    birthDate: ctx.patient.birthDate,
    ...(ctx.patient.gender ? { gender: ctx.patient.gender } : {}),
    ...(ctx.patient.mrn ? { mrn: ctx.patient.mrn } : {}),
  };
  const history = useQuery({
    ...historyQueryOptions(settings.pmp, patient, requester ?? { prescriber: { name: 'unknown' } }),
    enabled: requester !== null,
  });
  const [decision, setDecision] = useState(ctx.decision);
  const attest = useMutation({
    mutationFn: (outcome: 'reviewed' | 'pmp-unavailable') =>
      send('attest', {
        tabId: ctx.tabId,
        outcome,
        ...(history.dataUpdatedAt ? { pmpQueriedAt: new Date(history.dataUpdatedAt).toISOString() } : {}),
        ...(outcome === 'pmp-unavailable' && history.error ? { pmpError: normalizeError(history.error).kind } : {}),
        ...(prescriberName ? { prescriberName } : {}),
      }),
    onSuccess: async (r) => {
      setDecision(r.decision);
      await onRecorded();
    },
  });

  // Leaving this patient drops their PMP answer from memory.
  useEffect(() => {
    const key = historyQueryOptions(settings.pmp, patient, requester ?? { prescriber: { name: 'unknown' } }).queryKey;
    return () => {
      qc.removeQueries({ queryKey: key });
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ctx.openedAt]);

  const o = ctx.order;
  return (
    <main className="panel">
      <header className="patient" aria-label="Patient">
        <h1>{ctx.patient.name}</h1>
        <p>
          DOB {ctx.patient.birthDate}
          {ctx.patient.mrn ? ` · MRN ${ctx.patient.mrn}` : ''}
        </p>
        <p className="order">
          Order: {o.drugText}
          {o.quantity !== undefined ? ` · #${String(o.quantity)}` : ''}
          {o.sig ? ` · ${o.sig}` : ''}
        </p>
      </header>

      <DecisionSummary decision={decision} />

      {!settings.identity && <IdentityForm current={null} compact />}
      {settings.identity?.role === 'delegate' && (
        <label className="prescriber-pick">
          Reviewing for prescriber
          {settings.supervisingPrescribers.length > 0 ? (
            <select value={prescriberName} onChange={(e) => { setPrescriberName(e.target.value); }}>
              {settings.supervisingPrescribers.map((p) => (
                <option key={p.name}>{p.name}</option>
              ))}
            </select>
          ) : (
            <input value={prescriberName} onChange={(e) => { setPrescriberName(e.target.value); }} placeholder="Prescriber's name" />
          )}
        </label>
      )}

      <section aria-label="PMP history" className="history">
        <h2>
          PMP history <span className="source">({settings.pmp.label})</span>
        </h2>
        {requester === null ? (
          <p className="hint">{settings.identity ? 'Name the prescriber you are reviewing for.' : 'Say who you are to query the PMP.'}</p>
        ) : history.isPending ? (
          <p role="status" className="loading">
            Asking the PMP…
          </p>
        ) : history.isError ? (
          <ErrorPanel error={history.error} onRetry={() => void history.refetch()} />
        ) : (
          <>
            {history.data.warnings.map((w) => (
              <p key={w} className="warning" role="note">
                ⚠ {w}
              </p>
            ))}
            {history.data.reportUrl && (
              <p>
                <a href={history.data.reportUrl} target="_blank" rel="noreferrer noopener">
                  Open the PMP's full report
                </a>
              </p>
            )}
            <FillTable fills={history.data.fills} />
          </>
        )}
      </section>

      <section className="attest" aria-label="Record the review">
        {attest.isSuccess ? (
          <p className="recorded" role="status">
            {attest.data.decision.status === 'pmp-unavailable' ? 'Recorded: PMP unavailable' : 'Review recorded ✓'}{' '}
            {new Date(attest.data.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })} (log entry #{attest.data.seq})
          </p>
        ) : history.isError ? (
          <button type="button" className="primary" disabled={attest.isPending || requester === null} onClick={() => { attest.mutate('pmp-unavailable'); }}>
            Record “PMP unavailable”
          </button>
        ) : (
          <button type="button" className="primary" disabled={!history.isSuccess || attest.isPending} onClick={() => { attest.mutate('reviewed'); }}>
            I reviewed the PMP
          </button>
        )}
        {attest.isError && (
          <p className="field-error" role="alert">
            Not recorded: {attest.error.message}
          </p>
        )}
      </section>
    </main>
  );
}
