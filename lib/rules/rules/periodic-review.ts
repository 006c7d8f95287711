/**
 * "At least every N days during continuous or prolonged treatment" rules.
 * Connecticut: CGS 21a-254(j)(2), effective 2015-10-01 (90 days, Schedules II–IV) and, as
 * amended by PA 16-43 effective 2016-07-01, annually for Schedule V. PDAPS's "every 3/4/6/12
 * months" answers map here as 90/120/180/365 days.
 * Whether treatment is continuing comes from the engine (the order's or the EHR's long-term
 * flag, the prescriber's answer, or, when the setting allows, earlier reviews on record).
 */
import type { PeriodicReviewRule } from '../pack';
import { describeScopes, drugWords } from './scope';
import { addDaysIso, reviewWithin } from './time';
import type { RuleImpl } from './types';

export const periodicReview: RuleImpl<PeriodicReviewRule> = {
  type: 'periodic-review',
  describe: (rule) =>
    `During continuing treatment with ${describeScopes(rule.drugs)}: a review at least every ${String(rule.intervalDays)} days.`,
  evaluate(rule, { drug, history, now, course }) {
    if (!course.continuing) return { applies: false };
    const windowHours = rule.intervalDays * 24;
    const current = reviewWithin(history, now, windowHours);
    return {
      applies: true,
      reason: `continuous treatment with ${drugWords(rule.drugs, drug)}: a review at least every ${String(rule.intervalDays)} days`,
      ...(current ? { satisfiedBy: current, nextDueOn: addDaysIso(current.at, rule.intervalDays) } : {}),
      satisfyWithinHours: windowHours,
    };
  },
};
