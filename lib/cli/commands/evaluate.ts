import { z } from 'zod';
import { Order } from '../../orders/order';
import { ContinuousTherapySource, OrderContext } from '../../rules/context';
import { ReviewEvent } from '../../rules/decision';
import { evaluateOrder } from '../../rules/engine';
import { findJurisdiction } from '../../rules/jurisdictions';
import { getPack } from '../../rules/packs';
import { parseWith, type Command } from '../result';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date that exists (2019-02-29 does not), or an instant with its offset. */
const AsOf = z.union([
  z.iso.date(),
  z.iso.datetime({ offset: true }),
]);

const Full = z.object({
  order: Order,
  history: z.array(ReviewEvent).default([]),
  /** The clock for the review history; by default the asOf date at noon UTC, or now. */
  now: z.iso.datetime({ offset: true }).optional(),
  /** Any of the 50 states or DC, by code or name. */
  state: z.string().default('CT'),
  /** The date whose law applies: "was a review required on this date?" */
  asOf: AsOf.optional(),
  context: OrderContext.optional(),
  continuousTherapy: ContinuousTherapySource.optional(),
});

/** An order alone, or with the patient's review history, a clock, a state and a date. */
// Order is a zod/mini schema (the content script carries it): the same shape as a classic object, to transform.
const EvaluateLine = z.union([Full, z.object(Order.shape).transform((order) => Full.parse({ order }))]);

export const evaluate: Command = {
  name: 'evaluate',
  input: 'json',
  summary: 'an order (or {order, history, now, state, asOf, context}) → the decision, with advisories',
  run: (input) =>
    parseWith(EvaluateLine, input, ({ order, history, now, state, asOf, context, continuousTherapy }) => {
      const j = findJurisdiction(state);
      if (!j) throw new Error(`No rule pack for state "${state}": use a two-letter code (CT, NY, DC) or a state's name`);
      const pack = getPack(j.code);
      const asOfDate = asOf && DATE.test(asOf) ? asOf : undefined;
      const clock = now ?? (asOf ? (asOfDate ? `${asOfDate}T12:00:00Z` : asOf) : undefined);
      return evaluateOrder({
        order,
        history,
        now: clock ? new Date(clock) : new Date(),
        pack,
        ...(asOfDate ? { asOf: asOfDate } : {}),
        ...(context ? { context } : {}),
        ...(continuousTherapy ? { settings: { continuousTherapy } } : {}),
      });
    }),
};
