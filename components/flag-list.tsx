import type { Flag } from '@/lib/indicators';

const SEVERITY_LABEL: Record<Flag['severity'], string> = { high: 'High', warning: 'Caution', info: 'Note' };

/**
 * The flags, most severe first, each with its "why" behind a native disclosure (keyboard and
 * screen reader behaviour for free). Opening a flag highlights its fills in the chart and table.
 */
export function FlagList({
  flags,
  pmpAlerts,
  onFocusFills,
  partial = false,
}: {
  flags: readonly Flag[];
  /** Alerts the PMP raised itself (FHIR DetectedIssue), shown as they came. */
  pmpAlerts: readonly string[];
  onFocusFills?: (ids: readonly string[]) => void;
  /** The PMP said its answer is incomplete: "no flags" must not read as reassurance. */
  partial?: boolean;
}) {
  if (flags.length === 0 && pmpAlerts.length === 0) {
    return (
      <section className="flags" aria-label="Flags">
        <p className={partial ? 'no-flags partial-none' : 'no-flags'}>
          {partial ? 'No flags in the part of the history that came: ' : 'No flags: '}no opioid + benzodiazepine overlap, overlapping opioids, dose at or
          above the caution level, early refill, multiple-provider episode or long-acting opioid start{partial ? '. The missing part may hold some.' : ' in this history.'}
        </p>
      </section>
    );
  }
  return (
    <section className="flags" aria-label="Flags">
      <h2>Flags</h2>
      <ul className="flag-list">
        {pmpAlerts.map((a) => (
          <li key={`pmp:${a}`} className="flag pmp-alert" data-flag-kind="pmp-alert">
            <span className="sev high">PMP</span> {a}
          </li>
        ))}
        {flags.map((f) => (
          <li key={f.kind} className={`flag ${f.severity}`} data-flag-kind={f.kind}>
            <details
              onToggle={(e) => {
                onFocusFills?.(e.currentTarget.open ? f.fillIds : []);
              }}
            >
              <summary>
                <span className={`sev ${f.severity}`}>{SEVERITY_LABEL[f.severity]}</span> <span className="flag-title">{f.title}</span>
              </summary>
              <div className="why">
                <p className="why-head">Why:</p>
                <ul>
                  {f.why.map((w, i) => (
                    <li key={i}>{w.text}</li>
                  ))}
                </ul>
              </div>
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
}
