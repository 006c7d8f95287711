// npm run --silent cli -- <command>: JSON lines on stdin, JSON lines on stdout.
// A bad line is answered with {"error": ...} and the exit code is 1; other lines still run.
import { createInterface } from 'node:readline';
import { COMMANDS, runLine } from '../lib/cli/commands';

const command = process.argv[2];
if (!command || !(command in COMMANDS)) {
  process.stderr.write(`Usage: npm run --silent cli -- <${Object.keys(COMMANDS).join('|')}>  (JSON lines on stdin)\n`);
  process.exit(2);
}

let failures = 0;
const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => {
  if (line.trim() === '') return;
  const r = runLine(command, line);
  if (r.ok) process.stdout.write(`${JSON.stringify(r.value)}\n`);
  else {
    failures++;
    process.stdout.write(`${JSON.stringify({ error: r.error })}\n`);
  }
});
rl.on('close', () => {
  process.exitCode = failures > 0 ? 1 : 0;
});
