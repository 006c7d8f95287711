// npm run import-pdaps [-- --from <dir>] [-- --check]
// Turns PDAPS's mandates and opioid-limits CSVs into one pack per jurisdiction under
// lib/rules/packs/generated/ (plus its index), and prints the coverage: answers modelled and
// not modelled, per jurisdiction and in total. --check writes nothing and exits 1 when the
// committed files differ from what the CSVs give.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generatedFiles } from '../lib/rules/import/generate';
import { importPdaps } from '../lib/rules/import/pdaps';

const ROOT = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const fromIndex = args.indexOf('--from');
const from = fromIndex >= 0 ? resolve(args[fromIndex + 1] ?? '') : join(ROOT, 'lib/rules/import/source');
const check = args.includes('--check');

const mandatesPath = join(from, 'pdmp-mandates-2014-2019.csv');
const limitsPath = join(from, 'opioid-prescribing-limits-2014-2019.csv');
for (const p of [mandatesPath, limitsPath]) {
  if (!existsSync(p)) {
    process.stderr.write(`Missing ${p}: pass --from <folder holding the two PDAPS CSVs>\n`);
    process.exit(2);
  }
}

const result = importPdaps(readFileSync(mandatesPath, 'utf8'), readFileSync(limitsPath, 'utf8'));
const files = generatedFiles(result.packs);
let differences = 0;
for (const [rel, text] of files) {
  const path = join(ROOT, rel);
  const current = existsSync(path) ? readFileSync(path, 'utf8') : null;
  if (current === text) continue;
  differences++;
  if (check) process.stderr.write(`differs: ${rel}\n`);
  else writeFileSync(path, text);
}

const pad = (s: string | number, n: number) => String(s).padStart(n);
const lines = ['state  review: modelled  not modelled   limits: modelled  not modelled'];
const total = { modelled: 0, notModelled: 0, limitModelled: 0, limitNotModelled: 0 };
for (const c of result.coverage) {
  lines.push(`${c.state.padEnd(5)} ${pad(c.modelled, 17)} ${pad(c.notModelled, 13)} ${pad(c.limitModelled, 18)} ${pad(c.limitNotModelled, 13)}`);
  total.modelled += c.modelled;
  total.notModelled += c.notModelled;
  total.limitModelled += c.limitModelled;
  total.limitNotModelled += c.limitNotModelled;
}
lines.push(`total ${pad(total.modelled, 17)} ${pad(total.notModelled, 13)} ${pad(total.limitModelled, 18)} ${pad(total.limitNotModelled, 13)}`);
const all = total.modelled + total.notModelled + total.limitModelled + total.limitNotModelled;
lines.push(`${String(result.packs.length)} packs; ${String(total.modelled + total.limitModelled)} of ${String(all)} answers modelled, ${String(total.notModelled + total.limitNotModelled)} kept as "not modelled".`);
process.stdout.write(`${lines.join('\n')}\n`);
if (check) {
  process.stdout.write(differences ? `${String(differences)} generated file(s) differ from the CSVs: run npm run import-pdaps\n` : 'Generated packs match the CSVs.\n');
  process.exitCode = differences ? 1 : 0;
} else {
  process.stdout.write(`${String(differences)} file(s) written under lib/rules/packs/generated/\n`);
}
