/**
 * "At least every N days during continuous or prolonged treatment" rules.
 * Connecticut: CGS 21a-254(j)(2), effective 2015-10-01 (90 days, Schedules II–IV) and, as
 * amended by PA 16-43 effective 2016-07-01, annually for Schedule V.
 * Continuous treatment is taken from the order (the prescriber's or the EHR's long-term flag).
 */
import { scheduleLabel } from '../../drugs/schedule';
import type { PeriodicReviewRule } from '../pack';
import { addDaysIso, hoursSince, newestReview } from './time';
import type { RuleImpl } from './types';

export const periodicReview: RuleImpl<PeriodicReviewRule> = {
  type: 'periodic-review',
  evaluate(rule, { order, drug, history, now }) {
    if (!drug.controlled || !drug.schedule || !rule.schedules.includes(drug.schedule)) return { applies: false };
    if (order.continuousTherapy !== true) return { applies: false };
    const windowHours = rule.intervalDays * 24;
    const last = newestReview(history, (e) => e.outcome === 'reviewed' && hoursSince(e.at, now) >= 0);
    const current = last && hoursSince(last.at, now) <= windowHours ? last : undefined;
    return {
      applies: true,
      reason: `continuous treatment with a ${scheduleLabel(drug.schedule)} drug needs a review at least every ${rule.intervalDays} days`,
      ...(current ? { satisfiedBy: current, nextDueOn: addDaysIso(current.at, rule.intervalDays) } : {}),
      satisfyWithinHours: windowHours,
    };
  },
};
