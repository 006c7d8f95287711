import { z } from 'zod';
import { Order } from '../../orders/order';
import { ReviewEvent } from '../../rules/decision';
import { evaluateOrder } from '../../rules/engine';
import { getPack } from '../../rules/packs';
import { parseWith, type Command } from '../result';

/** An order alone, or with the patient's review history, a clock and a state. */
const EvaluateLine = z.union([
  z.object({
    order: Order,
    history: z.array(ReviewEvent).default([]),
    now: z.iso.datetime({ offset: true }).optional(),
    state: z.string().default('CT'),
  }),
  Order.transform((order) => ({ order, history: [] as ReviewEvent[], now: undefined, state: 'CT' })),
]);

export const evaluate: Command = {
  name: 'evaluate',
  input: 'json',
  summary: 'an order (or {order, history, now, state}) → the decision',
  run: (input) =>
    parseWith(EvaluateLine, input, ({ order, history, now, state }) =>
      evaluateOrder({ order, history, now: now ? new Date(now) : new Date(), pack: getPack(state) }),
    ),
};
