/**
 * "Before prescribing more than an N-hour supply" rules.
 * Connecticut: CGS 21a-254(j)(1), effective 2015-10-01 — more than a 72-hour supply of any
 * Schedule II–V controlled substance requires a PMP review first.
 */
import { scheduleLabel } from '../../drugs/schedule';
import type { SupplyOverRule } from '../pack';
import { hoursSince, newestReview } from './time';
import type { RuleImpl } from './types';

export const supplyOver: RuleImpl<SupplyOverRule> = {
  type: 'supply-over',
  evaluate(rule, { drug, supply, history, now }) {
    if (!drug.controlled || !drug.schedule || !rule.schedules.includes(drug.schedule)) return { applies: false };
    if (supply.daysSupply === null) return { applies: false };
    // Compare in exact hours: exactly 72 hours is not "more than" 72 hours.
    if (supply.daysSupply * 24 <= rule.hours) return { applies: false };
    const satisfiedBy = newestReview(
      history,
      (e) => e.outcome === 'reviewed' && hoursSince(e.at, now) >= 0 && hoursSince(e.at, now) <= rule.reviewValidHours,
    );
    return {
      applies: true,
      reason: `more than a ${rule.hours}-hour supply of a ${scheduleLabel(drug.schedule)} drug`,
      ...(satisfiedBy ? { satisfiedBy } : {}),
      satisfyWithinHours: rule.reviewValidHours,
      ...(supply.uncertain ? { notes: ['The directions allow a range; the shortest supply they could mean was used.'] } : {}),
    };
  },
};
