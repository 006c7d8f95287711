import type { Decision } from '@/lib/rules/decision';

const LABEL: Record<Decision['status'], string> = {
  due: 'Review required',
  reviewed: 'Reviewed',
  'not-required': 'Not required',
  'pmp-unavailable': 'PMP was unavailable',
  undetermined: 'Not enough order detail',
};

/** Why the engine decided what it did, with the statute cited. */
export function DecisionSummary({ decision }: { decision: Decision }) {
  return (
    <section className={`decision ${decision.status}`} aria-label="Rule decision">
      <div className="badge">{LABEL[decision.status]}</div>
      <p className="headline">{decision.headline}</p>
      {decision.reasons.length > 0 && (
        <ul className="reasons">
          {decision.reasons.map((r) => (
            <li key={r.ruleId}>
              {r.text} — <cite>{r.citation}</cite>
            </li>
          ))}
        </ul>
      )}
      {decision.advisories && decision.advisories.length > 0 && (
        <ul className="advisories" aria-label="Opioid supply limits">
          {decision.advisories.map((a) => (
            <li key={a.id}>
              Supply limit: {a.text}
              {a.assumptions.length > 0 ? ` Applies if ${a.assumptions.join(' and ')}.` : ''} <cite>{a.citation}</cite>
              {a.exceptions.length > 0 && <span className="exceptions"> Exceptions the prescriber can document: {a.exceptions.join('; ')}.</span>}
            </li>
          ))}
        </ul>
      )}
      {decision.supply.explanation && <p className="supply">{decision.supply.explanation}</p>}
      {decision.nextDueOn && <p className="next">Next review due by {decision.nextDueOn}.</p>}
    </section>
  );
}
