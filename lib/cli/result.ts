import type { z } from 'zod';

/** `failed`: the answer is printed as a value but is a negative one (e.g. a broken log), so the exit code is 1. */
export type CommandResult = { ok: true; value: unknown; failed?: boolean } | { ok: false; error: { message: string; issues?: unknown } };

/** A CLI command: one parsed JSON input (or raw text for text commands) → one result. */
export interface Command {
  name: string;
  /** 'json': each stdin line is a JSON value; 'text': the whole of stdin is one input (e.g. XML). */
  input: 'json' | 'text';
  summary: string;
  run(input: unknown): CommandResult;
}

/** An error result, with the schema issues when there are some. */
export function fail(message: string, issues?: unknown): CommandResult {
  return { ok: false, error: { message, ...(issues ? { issues } : {}) } };
}

/** Parses the input with a schema and runs the command; never throws. */
export function parseWith<T>(schema: z.ZodType<T>, input: unknown, run: (v: T) => unknown): CommandResult {
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
