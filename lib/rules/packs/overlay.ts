import { StatePack, type RuleCitation } from '../pack';
import { previousDay } from '../rules/time';

type Dated = { citation: RuleCitation };

/** Items that started before `from`, ended the day before it. */
function before<T extends Dated>(items: readonly T[], from: string): T[] {
  return items
    .filter((i) => i.citation.effective < from)
    .map((i) => (i.citation.through === undefined || i.citation.through >= from ? { ...i, citation: { ...i.citation, through: previousDay(from) } } : i));
}

/**
 * A hand-verified pack laid over the PDAPS baseline for the same state. Before the verified
 * pack's `replacesBaselineFrom` date the baseline's effective-dated coding applies; from it,
 * the verified rules win, except baseline rules the verified pack keeps by name (where PDAPS
 * codes something the hand check did not cover). Delegate policies and supply limits come from
 * the verified pack when it has any, else from the baseline throughout. Dispenser duties and
 * other answers that do not bind prescribers stay visible from the baseline.
 */
export function overlayPack(baseline: StatePack, verified: StatePack): StatePack {
  if (baseline.state !== verified.state) throw new Error(`Cannot lay ${verified.state}'s pack over ${baseline.state}'s`);
  const from = verified.provenance.replacesBaselineFrom ?? verified.coverageFrom;
  const kept = verified.provenance.keepsBaselineRules;
  const keep = (id: string) => kept.some((prefix) => id.startsWith(prefix));
  const notModelled = [
    ...baseline.notModelled.filter((n) => !n.prescriber),
    ...before(
      baseline.notModelled.filter((n) => n.prescriber && (n.area === 'review' || verified.limits.length > 0)),
      from,
    ),
    ...baseline.notModelled.filter((n) => n.prescriber && n.area === 'limit' && verified.limits.length === 0),
    ...verified.notModelled,
  ];
  return StatePack.parse({
    ...verified,
    version: `${verified.version}+${baseline.version}`,
    sources: [...verified.sources, ...baseline.sources],
    coverageFrom: baseline.coverageFrom < verified.coverageFrom ? baseline.coverageFrom : verified.coverageFrom,
    rules: [...before(baseline.rules.filter((r) => !keep(r.id)), from), ...baseline.rules.filter((r) => keep(r.id)), ...verified.rules],
    delegates: verified.delegates.length ? [...before(baseline.delegates, from), ...verified.delegates] : baseline.delegates,
    limits: verified.limits.length ? [...before(baseline.limits, from), ...verified.limits] : baseline.limits,
    notModelled,
  });
}
