import type { Classification } from '../../drugs/catalogue';
import type { Order } from '../../orders/order';
import type { DaysSupplyResult } from '../../orders/days-supply';
import type { ReviewEvent } from '../decision';
import type { RuleConfig, StatePack } from '../pack';

export interface RuleContext {
  order: Order;
  drug: Classification;
  supply: DaysSupplyResult;
  history: readonly ReviewEvent[];
  now: Date;
  pack: StatePack;
}

/** What one rule says about one order. `applies: false` means the rule is silent. */
export type RuleOutcome =
  | { applies: false }
  | {
      applies: true;
      /** Plain-language reason, e.g. "more than a 72-hour supply of a Schedule II drug". */
      reason: string;
      /** The review that satisfies the rule, if any. */
      satisfiedBy?: ReviewEvent;
      satisfyWithinHours?: number;
      nextDueOn?: string;
      notes?: string[];
    };

export interface RuleImpl<C extends RuleConfig = RuleConfig> {
  type: C['type'];
  evaluate(rule: C, ctx: RuleContext): RuleOutcome;
}
