import { z } from 'zod';
import { classifyDrug } from '../drugs/catalogue';
import { computeDaysSupply } from '../orders/days-supply';
import { Order } from '../orders/order';
import { ReviewEvent } from '../rules/decision';
import { evaluateOrder } from '../rules/engine';
import { getPack } from '../rules/packs';

/** `evaluate` input: an order (alone, or with the patient's review history, a clock and a state). */
const EvaluateLine = z.union([
  z.object({
    order: Order,
    history: z.array(ReviewEvent).default([]),
    now: z.iso.datetime({ offset: true }).optional(),
    state: z.string().default('CT'),
  }),
  Order.transform((order) => ({ order, history: [] as ReviewEvent[], now: undefined, state: 'CT' })),
]);

const DaysSupplyLine = z.object({
  sig: z.string().optional(),
  quantity: z.number().positive().optional(),
  quantityText: z.string().optional(),
  quantityUnit: z.string().optional(),
  strength: z.string().optional(),
  daysSupply: z.number().positive().optional(),
  durationDays: z.number().positive().optional(),
});

const ClassifyLine = z.object({ drug: z.string(), rxcui: z.string().optional(), ndc: z.string().optional() });

export type CommandResult = { ok: true; value: unknown } | { ok: false; error: { message: string; issues?: unknown } };

function fail(message: string, issues?: unknown): CommandResult {
  return { ok: false, error: { message, ...(issues ? { issues } : {}) } };
}

function parseWith<T>(schema: z.ZodType<T>, input: unknown, run: (v: T) => unknown): CommandResult {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    return fail(
      'Input does not match the expected shape',
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  try {
    return { ok: true, value: run(parsed.data) };
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
}

export const COMMANDS: Record<string, (input: unknown) => CommandResult> = {
  evaluate: (input) =>
    parseWith(EvaluateLine, input, ({ order, history, now, state }) =>
      evaluateOrder({ order, history, now: now ? new Date(now) : new Date(), pack: getPack(state) }),
    ),
  'days-supply': (input) => parseWith(DaysSupplyLine, input, (v) => computeDaysSupply(v)),
  classify: (input) =>
    parseWith(ClassifyLine, input, ({ drug, rxcui, ndc }) => classifyDrug(drug, { ...(rxcui ? { rxcui } : {}), ...(ndc ? { ndc } : {}) })),
};

/** Runs one JSON line through a command; a bad line gives an error object, never a crash. */
export function runLine(command: string, line: string): CommandResult {
  const fn = COMMANDS[command];
  if (!fn) return fail(`Unknown command "${command}". Commands: ${Object.keys(COMMANDS).join(', ')}`);
  let input: unknown;
  try {
    input = JSON.parse(line);
  } catch {
    return fail('Not valid JSON');
  }
  return fn(input);
}
