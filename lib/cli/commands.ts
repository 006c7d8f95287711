import { classify } from './commands/classify';
import { daysSupply } from './commands/days-supply';
import { evaluate } from './commands/evaluate';
import { indicators } from './commands/indicators';
import { scriptToFhir } from './commands/script-to-fhir';
import { verifyLog } from './commands/verify-log';
import { fail, type Command, type CommandResult } from './result';

/** Every CLI command. Adding a command is adding a file under ./commands and a line here. */
export const COMMANDS: Readonly<Record<string, Command>> = Object.fromEntries(
  [evaluate, daysSupply, classify, scriptToFhir, indicators, verifyLog].map((c) => [c.name, c]),
);

/** Runs one input through a command; a bad input gives an error object, never a crash. */
export function runInput(command: string, text: string): CommandResult {
  const cmd = COMMANDS[command];
  if (!cmd) return fail(`Unknown command "${command}". Commands: ${Object.keys(COMMANDS).join(', ')}`);
  if (cmd.input === 'text') return cmd.run(text);
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    return fail('Not valid JSON');
  }
  return cmd.run(input);
}
