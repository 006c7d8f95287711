/**
 * "Before authorizing refills" rules (PDAPS "Authorizing refills"; e.g. OK 63 O.S. § 2-309I,
 * RI, CO). The order authorizes refills when its refill count is above zero.
 */
import type { RefillAuthorizationRule } from '../pack';
import { describeScopes } from './scope';
import { reviewWithin } from './time';
import type { RuleImpl } from './types';

export const refillAuthorization: RuleImpl<RefillAuthorizationRule> = {
  type: 'refill-authorization',
  describe: (rule) =>
    `Before authorizing refills of ${describeScopes(rule.drugs)}; a review within ${String(rule.reviewValidHours)} hours counts.`,
  evaluate(rule, { order, history, now }) {
    if (order.refills === undefined || order.refills <= 0) return { applies: false };
    const satisfiedBy = reviewWithin(history, now, rule.reviewValidHours);
    return {
      applies: true,
      reason: `authorizing ${String(order.refills)} refill${order.refills === 1 ? '' : 's'}`,
      ...(satisfiedBy ? { satisfiedBy } : {}),
      satisfyWithinHours: rule.reviewValidHours,
    };
  },
};
