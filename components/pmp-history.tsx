import { useMemo, useState } from 'react';
import { FillTable } from '@/components/fill-table';
import { FlagList } from '@/components/flag-list';
import { TimelineChart } from '@/components/timeline-chart';
import { computeIndicators, type FillInfo, type Indicators } from '@/lib/indicators';
import type { IndicatorSettings } from '@/lib/indicators/settings';
import type { PmpHistory } from '@/lib/pmp/history';

const NO_IDS: ReadonlySet<string> = new Set();

/**
 * One patient's PMP answer: what is missing first (a partial answer), then the flags, the
 * timeline and the fills. Indicators are computed here, in memory, from the fills that came.
 */
export function PmpHistoryView({ history, settings, asOf }: { history: PmpHistory; settings: IndicatorSettings; asOf?: string }) {
  const [highlighted, setHighlighted] = useState<ReadonlySet<string>>(NO_IDS);
  const computed = useMemo((): { ok: true; value: Indicators } | { ok: false } => {
    try {
      return { ok: true, value: computeIndicators(history.fills, { settings, ...(asOf ? { asOf } : {}) }) };
    } catch {
      // A bug in an indicator must not hide the fills themselves.
      return { ok: false };
    }
  }, [history.fills, settings, asOf]);
  const infos = useMemo(
    () => new Map<string, FillInfo>(computed.ok ? computed.value.fills.map((f) => [f.fillId, f]) : []),
    [computed],
  );
  const partial = history.warnings.length > 0;

  return (
    <div className="pmp-history" data-testid="pmp-history">
      {partial && (
        <div className="partial" role="note" aria-label="Partial PMP answer">
          <p className="partial-title">⚠ Partial answer: the PMP says part of the history is missing</p>
          <ul>
            {history.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
          <p>
            Shown below: the {history.fills.length === 1 ? '1 fill' : `${String(history.fills.length)} fills`} that came. Flags and MME/day are computed from
            these only and may miss what is missing{history.reportUrl ? '; the full report may have more' : ''}.
          </p>
        </div>
      )}
      {history.reportUrl && (
        <p className="report-link">
          <a href={history.reportUrl} target="_blank" rel="noreferrer noopener">
            Open the PMP’s full report (new tab)
          </a>
        </p>
      )}
      {computed.ok ? (
        <>
          <FlagList
            flags={computed.value.flags}
            pmpAlerts={history.alerts}
            partial={partial}
            onFocusFills={(ids) => {
              setHighlighted(ids.length === 0 ? NO_IDS : new Set(ids));
            }}
          />
          {history.fills.length > 0 && (
            <section aria-label="Timeline" className="timeline-section">
              <h2>Timeline</h2>
              <TimelineChart indicators={computed.value} fills={history.fills} caution={settings.mmeCaution} high={settings.mmeHigh} highlighted={highlighted} />
            </section>
          )}
        </>
      ) : (
        <p className="warning" role="note">
          ⚠ The indicators could not be computed for this history; the fills are listed below.
        </p>
      )}
      <section aria-label="Fills" className="fills-section">
        <h2>
          Fills <span className="count">({history.fills.length})</span>
        </h2>
        <FillTable fills={history.fills} infos={infos} highlighted={highlighted} />
      </section>
    </div>
  );
}
