import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { browser } from 'wxt/browser';
import { DecisionLine, DecisionSummary } from '@/components/decision-summary';
import { ErrorPanel } from '@/components/error-panel';
import { IdentityForm } from '@/components/identity-form';
import { initialPrescriber, PrescriberPicker } from '@/components/prescriber-picker';
import { PatientHeader } from '@/components/patient-header';
import { PmpHistoryView } from '@/components/pmp-history';
import { send } from '@/lib/messaging/client';
import type { ReviewContext } from '@/lib/messaging/protocol';
import { normalizeError } from '@/lib/pmp/errors';
import type { PatientQuery, Requester } from '@/lib/pmp/history';
import { historyQueryOptions, pmpKeys } from '@/lib/pmp/query';
import { settingsItem, type Settings } from '@/lib/storage/settings';
import { settingsKeys, settingsQueryOptions } from '@/lib/storage/settings-query';

/** Marked when the first PMP answer is on screen: the bench reads it (time to first data). */
export const FIRST_DATA_MARK = 'pmp:first-data';

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

  // Settings changed in the options page apply here at once (e.g. another PMP source).
  useEffect(() => settingsItem.watch(() => void qc.invalidateQueries({ queryKey: settingsKeys.all })), [qc]);

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
  // Recording a review must not ask the PMP again (each lookup is an entry in the PMP's audit log).
  return <Review key={`${String(context.data.tabId)}:${context.data.openedAt}`} ctx={context.data} settings={settings.data} onRecorded={() => qc.invalidateQueries({ queryKey: ['review-context'] })} />;
}

function Review({ ctx, settings, onRecorded }: { ctx: ReviewContext; settings: Settings; onRecorded: () => Promise<void> }) {
  const qc = useQueryClient();
  const [prescriberName, setPrescriberName] = useState(() => initialPrescriber(settings, ctx.ehrUser));
  const requester = requesterFor(settings, prescriberName);
  const patient: PatientQuery = {
    given: ctx.patient.given,
    family: ctx.patient.family,
    birthDate: ctx.patient.birthDate,
    ...(ctx.patient.gender ? { gender: ctx.patient.gender } : {}),
    ...(ctx.patient.postalCode ? { postalCode: ctx.patient.postalCode } : {}),
    ...(ctx.patient.mrn ? { mrn: ctx.patient.mrn } : {}),
  };
  const historyOptions = historyQueryOptions(settings.pmp, patient, requester ?? { prescriber: { name: 'unknown' } });
  const history = useQuery({ ...historyOptions, enabled: requester !== null });
  // The PMP answered that it holds no record of this patient: that is a completed review.
  const noRecord = history.isError && normalizeError(history.error).kind === 'no-match';
  const [decision, setDecision] = useState(ctx.decision);
  const attest = useMutation({
    mutationFn: (outcome: 'reviewed' | 'pmp-unavailable') =>
      send('attest', {
        tabId: ctx.tabId,
        outcome,
        ...(history.dataUpdatedAt || history.errorUpdatedAt ? { pmpQueriedAt: new Date(history.dataUpdatedAt || history.errorUpdatedAt).toISOString() } : {}),
        ...(outcome === 'pmp-unavailable' && history.error ? { pmpError: normalizeError(history.error).kind } : {}),
        ...(prescriberName ? { prescriberName } : {}),
      }),
    onSuccess: async (r) => {
      setDecision(r.decision);
      await onRecorded();
    },
  });

  // Leaving this patient (another review opened, or another prescriber picked) drops the PMP
  // answers no longer on screen from memory. After the commit, so an answer shown again under
  // the same key is in use by then and stays; closing the panel drops everything anyway.
  const keyText = JSON.stringify(historyOptions.queryKey);
  useEffect(
    () => () => {
      setTimeout(() => {
        qc.removeQueries({ queryKey: pmpKeys.histories(), type: 'inactive' });
      }, 0);
    },
    [qc, keyText],
  );

  const firstData = useRef(false);
  useEffect(() => {
    if (history.isSuccess && !firstData.current) {
      firstData.current = true;
      performance.mark(FIRST_DATA_MARK);
    }
  }, [history.isSuccess]);

  return (
    <main className="panel">
      <PatientHeader patient={ctx.patient} order={ctx.order} pmpPatient={history.data?.patient} />
      {/* Why a review is required, on screen before the history; the full decision is further down. */}
      <DecisionLine decision={decision} />

      {!settings.identity && <IdentityForm current={null} compact />}
      {settings.identity?.role === 'delegate' && <PrescriberPicker settings={settings} value={prescriberName} onChange={setPrescriberName} ehrUser={ctx.ehrUser} />}

      <section aria-label="PMP history" className="history">
        <h2 className="history-title">
          PMP history <span className="source">({settings.pmp.label})</span>
          {settings.pmp.kind === 'bundled' && (
            <span className="demo-badge" title="Synthetic patients bundled with the extension: not a real PMP">
              Demo data
            </span>
          )}
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
          <PmpHistoryView history={history.data} settings={settings.indicators} />
        )}
      </section>

      <DecisionSummary decision={decision} />

      <section className="attest" aria-label="Record the review">
        {attest.isSuccess ? (
          <p className="recorded" role="status">
            {attest.data.decision.status === 'pmp-unavailable' ? 'Recorded: PMP unavailable' : 'Review recorded ✓'}{' '}
            {new Date(attest.data.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })} (log entry #{attest.data.seq})
          </p>
        ) : noRecord ? (
          <button type="button" className="primary" disabled={attest.isPending} onClick={() => { attest.mutate('reviewed'); }}>
            I reviewed the PMP (no record found)
          </button>
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
