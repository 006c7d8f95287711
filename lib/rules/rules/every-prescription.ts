/**
 * "Before every prescription" rules (NY Public Health Law § 3343-a, effective 2013-08-27, for
 * Schedule II–IV; PDAPS's "Every prescription" answers). PDAPS codes new and established
 * patients apart, so a rule may cover only one course: `new` is the first prescription of a
 * course, `continuing` any later one.
 */
import type { EveryPrescriptionRule } from '../pack';
import { describeScopes, drugWords } from './scope';
import { reviewWithin } from './time';
import type { RuleImpl } from './types';

const COURSE_WORDS = { any: '', new: ' to a new patient', continuing: ' to an established patient' } as const;

export const everyPrescription: RuleImpl<EveryPrescriptionRule> = {
  type: 'every-prescription',
  describe: (rule) =>
    `Before every prescription of ${describeScopes(rule.drugs)}${COURSE_WORDS[rule.course]}; a review within ${String(rule.reviewValidHours)} hours counts.`,
  evaluate(rule, { history, now, course, drug }) {
    if (rule.course === 'new' && !course.initial) return { applies: false };
    if (rule.course === 'continuing' && course.initial) return { applies: false };
    const satisfiedBy = reviewWithin(history, now, rule.reviewValidHours);
    const what = drugWords(rule.drugs, drug);
    return {
      applies: true,
      reason: `every prescription of ${what}${COURSE_WORDS[rule.course]}`,
      ...(satisfiedBy ? { satisfiedBy } : {}),
      satisfyWithinHours: rule.reviewValidHours,
      ...(rule.course === 'new' && !course.known ? { notes: [ASSUMED_NEW] } : {}),
    };
  },
};

/** Said whenever a rule fired because the order did not say treatment was continuing. */
export const ASSUMED_NEW = 'Treated as the start of a course: the order does not say it continues an ongoing treatment.';
