import type { Decision } from '@/lib/rules/decision';

const LABEL: Record<Decision['status'], string> = {
  due: 'Review required',
  reviewed: 'Reviewed',
  'not-required': 'Not required',
  'pmp-unavailable': 'PMP was unavailable',
  undetermined: 'Not enough order detail',
};

/** The id of the full decision section, which the one-line summary links to. */
export const DECISION_ID = 'rule-decision';

/**
 * The headline without the words that repeat the status: 'PMP review required — more than a
 * 72-hour supply… (CT)' → 'more than a 72-hour supply… (CT)'. A headline that is one sentence
 * ('Not a controlled substance: no PMP review required') stays whole.
 */
export function headlineDetail(headline: string): string {
  const cut = headline.indexOf(' — ');
  if (cut < 0 || !/\bPMP\b/.test(headline.slice(0, cut))) return headline;
  return headline.slice(cut + ' — '.length);
}

/** The statutes behind the decision, each once: the rules that apply, else the exemptions used. */
export function decisionCitations(decision: Decision): string[] {
  const from = decision.reasons.length > 0 ? decision.reasons : (decision.exemptions ?? []);
  return [...new Set(from.map((r) => r.citation))];
}

/**
 * The decision in one line for the top of the panel, so the reason for the review is on screen
 * beside the patient before the history: status, why and the statute, and a link to the full
 * decision further down.
 */
export function DecisionLine({ decision }: { decision: Decision }) {
  const citations = decisionCitations(decision);
  return (
    <p className={`decision-line ${decision.status}`} data-testid="decision-line">
      <strong className="decision-line-status">{LABEL[decision.status]}</strong>
      {' — '}
      {headlineDetail(decision.headline)}
      {citations.length > 0 && (
        <>
          {' · '}
          <cite>{citations.join('; ')}</cite>
        </>
      )}{' '}
      <a
        href={`#${DECISION_ID}`}
        className="decision-line-link"
        aria-label="Details of the rule decision"
        onClick={(e) => {
          // Focus (which scrolls it into view) rather than a fragment in the panel's address.
          const target = document.getElementById(DECISION_ID);
          if (!target) return;
          e.preventDefault();
          target.focus();
        }}
      >
        Details
      </a>
    </p>
  );
}

/** Why the engine decided what it did, with the statute cited. */
export function DecisionSummary({ decision }: { decision: Decision }) {
  return (
    <section className={`decision ${decision.status}`} aria-label="Rule decision" id={DECISION_ID} tabIndex={-1}>
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
