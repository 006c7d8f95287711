/**
 * "Before the initial prescription" rules (PDAPS "Initial prescriptions"; e.g. KY KRS 218A.172,
 * OH OAC 4731-11-11, CA H&S 11165.4 "the first time"). The first prescription of a course:
 * the order says so, or it does not say the treatment is continuing (the conservative reading,
 * which the prompt states).
 */
import type { InitialPrescriptionRule } from '../pack';
import { ASSUMED_NEW } from './every-prescription';
import { describeScopes, drugWords } from './scope';
import { reviewWithin } from './time';
import type { RuleImpl } from './types';

export const initialPrescription: RuleImpl<InitialPrescriptionRule> = {
  type: 'initial-prescription',
  describe: (rule) =>
    `Before the first prescription of ${describeScopes(rule.drugs)} in a course of treatment; a review within ${String(rule.reviewValidHours)} hours counts.`,
  evaluate(rule, { history, now, course, drug }) {
    if (!course.initial) return { applies: false };
    const satisfiedBy = reviewWithin(history, now, rule.reviewValidHours);
    const what = drugWords(rule.drugs, drug);
    return {
      applies: true,
      reason: `the first prescription of ${what} in a course of treatment`,
      ...(satisfiedBy ? { satisfiedBy } : {}),
      satisfyWithinHours: rule.reviewValidHours,
      ...(!course.known ? { notes: [ASSUMED_NEW] } : {}),
    };
  },
};
