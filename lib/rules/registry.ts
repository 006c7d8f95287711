import type { RuleConfig } from './pack';
import { everyPrescription } from './rules/every-prescription';
import { initialPrescription } from './rules/initial-prescription';
import { periodicReview } from './rules/periodic-review';
import { refillAuthorization } from './rules/refill-authorization';
import { supplyOver } from './rules/supply-over';
import type { RuleContext, RuleImpl, RuleOutcome } from './rules/types';

/** Every rule type the engine knows. Adding a rule type is adding a file and a line here. */
export const RULE_IMPLS = {
  'supply-over': supplyOver,
  'periodic-review': periodicReview,
  'every-prescription': everyPrescription,
  'initial-prescription': initialPrescription,
  'refill-authorization': refillAuthorization,
} as const satisfies { [K in RuleConfig['type']]: RuleImpl<Extract<RuleConfig, { type: K }>> };

/** Runs one configured rule through its implementation. */
export function runRule(rule: RuleConfig, ctx: RuleContext): RuleOutcome {
  switch (rule.type) {
    case 'supply-over':
      return RULE_IMPLS['supply-over'].evaluate(rule, ctx);
    case 'periodic-review':
      return RULE_IMPLS['periodic-review'].evaluate(rule, ctx);
    case 'every-prescription':
      return RULE_IMPLS['every-prescription'].evaluate(rule, ctx);
    case 'initial-prescription':
      return RULE_IMPLS['initial-prescription'].evaluate(rule, ctx);
    case 'refill-authorization':
      return RULE_IMPLS['refill-authorization'].evaluate(rule, ctx);
  }
}

/** A configured rule in plain language, for the options page. */
export function describeRule(rule: RuleConfig): string {
  switch (rule.type) {
    case 'supply-over':
      return RULE_IMPLS['supply-over'].describe(rule);
    case 'periodic-review':
      return RULE_IMPLS['periodic-review'].describe(rule);
    case 'every-prescription':
      return RULE_IMPLS['every-prescription'].describe(rule);
    case 'initial-prescription':
      return RULE_IMPLS['initial-prescription'].describe(rule);
    case 'refill-authorization':
      return RULE_IMPLS['refill-authorization'].describe(rule);
  }
}
