import type { Classification } from '../../drugs/catalogue';
import type { DaysSupplyResult } from '../../orders/days-supply';
import type { Order } from '../../orders/order';
import type { ReviewEvent } from '../decision';
import type { RuleConfig, StatePack } from '../pack';

/**
 * Whether the order starts a course of treatment or continues one. `known` is false when the
 * order does not say and the engine assumed (a new course: the reading that asks for a review).
 */
export interface CourseInfo {
  initial: boolean;
  continuing: boolean;
  known: boolean;
  /** Where "continuing" came from, for the note the prompt shows. */
  source: 'order' | 'context' | 'history' | 'assumed';
}

export interface RuleContext {
  order: Order;
  drug: Classification;
  supply: DaysSupplyResult;
  /** Reviews that count under this pack (a delegate's do not where the state forbids delegates). */
  history: readonly ReviewEvent[];
  now: Date;
  pack: StatePack;
  course: CourseInfo;
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

/**
 * One rule type. The engine has already checked the rule's drugs, settings and age limits, so an
 * implementation decides only its own trigger and what satisfies it.
 */
export interface RuleImpl<C extends RuleConfig = RuleConfig> {
  type: C['type'];
  /** A plain-language description of a configured rule, for the options page. */
  describe(rule: C): string;
  evaluate(rule: C, ctx: RuleContext): RuleOutcome;
}
