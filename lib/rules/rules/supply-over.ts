/**
 * "Before prescribing more than an N-hour supply" rules.
 * Connecticut: CGS 21a-254(j)(1), effective 2015-10-01 — more than a 72-hour supply of any
 * Schedule II–V controlled substance requires a PMP review first. PDAPS codes the same trigger
 * as "Prescribing more than a 72-hour supply".
 */
import type { SupplyOverRule } from '../pack';
import { describeScopes, drugWords } from './scope';
import { reviewWithin } from './time';
import type { RuleImpl } from './types';

/** "72-hour" as the statutes say it; whole days beyond three read as days ("7-day"). */
export function supplyWords(hours: number): string {
  return hours > 72 && hours % 24 === 0 ? `${String(hours / 24)}-day` : `${String(hours)}-hour`;
}

export const supplyOver: RuleImpl<SupplyOverRule> = {
  type: 'supply-over',
  describe: (rule) =>
    `Before prescribing more than a ${supplyWords(rule.hours)} supply of ${describeScopes(rule.drugs)}; a review within ${String(rule.reviewValidHours)} hours counts.`,
  evaluate(rule, { drug, supply, history, now }) {
    if (supply.daysSupply === null) return { applies: false };
    // Compare in exact hours: exactly 72 hours is not "more than" 72 hours.
    if (supply.daysSupply * 24 <= rule.hours) return { applies: false };
    const satisfiedBy = reviewWithin(history, now, rule.reviewValidHours);
    return {
      applies: true,
      reason: `more than a ${supplyWords(rule.hours)} supply of ${drugWords(rule.drugs, drug)}`,
      ...(satisfiedBy ? { satisfiedBy } : {}),
      satisfyWithinHours: rule.reviewValidHours,
      ...(supply.uncertain ? { notes: ['The directions allow a range; the shortest supply they could mean was used.'] } : {}),
    };
  },
};
