// npm run --silent cli -- <command>: JSON lines on stdin, JSON lines on stdout (text commands
// such as script-to-fhir read all of stdin as one input). A bad input is answered with
// {"error": ...} and the exit code is 1; other lines still run.
import { createInterface } from 'node:readline';
import { COMMANDS, runInput } from '../lib/cli/commands';

const name = process.argv[2];
const command = name ? COMMANDS[name] : undefined;
if (!name || !command) {
  const list = Object.values(COMMANDS)
    .map((c) => `  ${c.name.padEnd(14)} ${c.summary}`)
    .join('\n');
  process.stderr.write(`Usage: npm run --silent cli -- <command>\n${list}\n`);
  process.exit(2);
}

const commandName = command.name;
let failures = 0;
function answer(text: string): void {
  const r = runInput(commandName, text);
  if (r.ok) {
    process.stdout.write(`${JSON.stringify(r.value)}\n`);
    if (r.failed) failures++;
  } else {
    failures++;
    process.stdout.write(`${JSON.stringify({ error: r.error })}\n`);
  }
}

if (command.input === 'text') {
  const chunks: Buffer[] = [];
  process.stdin.on('data', (c: Buffer) => chunks.push(c));
  process.stdin.on('end', () => {
    answer(Buffer.concat(chunks).toString('utf8'));
    process.exitCode = failures > 0 ? 1 : 0;
  });
} else {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  rl.on('line', (line) => {
    if (line.trim() !== '') answer(line);
  });
  rl.on('close', () => {
    process.exitCode = failures > 0 ? 1 : 0;
  });
}
