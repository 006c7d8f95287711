import type { RuleConfig } from './pack';
import { periodicReview } from './rules/periodic-review';
import { supplyOver } from './rules/supply-over';
import type { RuleContext, RuleImpl, RuleOutcome } from './rules/types';

/** Every rule type the engine knows. Adding a rule type is adding a file and a line here. */
export const RULE_IMPLS = {
  'supply-over': supplyOver,
  'periodic-review': periodicReview,
} as const satisfies { [K in RuleConfig['type']]: RuleImpl<Extract<RuleConfig, { type: K }>> };

/** Runs one configured rule through its implementation. */
export function runRule(rule: RuleConfig, ctx: RuleContext): RuleOutcome {
  switch (rule.type) {
    case 'supply-over':
      return RULE_IMPLS['supply-over'].evaluate(rule, ctx);
    case 'periodic-review':
      return RULE_IMPLS['periodic-review'].evaluate(rule, ctx);
  }
}
