// npm test: typecheck, lint, unit tests, build, end-to-end tests in Chromium.
// Ends with one plain line "N passed, N failed" summing every suite (CI reads it).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { acquire } from './e2e-lock.mjs';
import { ensureChromium, ensureFirefox, ensureNodeModules } from './ensure.mjs';

ensureNodeModules();
ensureChromium();
ensureFirefox();
mkdirSync('test-results', { recursive: true });

let passed = 0;
let failed = 0;
const summary = [];

function step(name, cmd, args, { jsonReport } = {}) {
  const started = Date.now();
  if (jsonReport) rmSync(jsonReport, { force: true });
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (jsonReport && existsSync(jsonReport)) {
    // Vitest's JSON report counts every test; a crash before it writes counts as one failure.
    const report = JSON.parse(readFileSync(jsonReport, 'utf8'));
    const p = report.numPassedTests ?? 0;
    let f = report.numFailedTests ?? 0;
    if (r.status !== 0 && f === 0) f = 1;
    passed += p;
    failed += f;
    summary.push(`${name}: ${p} passed, ${f} failed (${secs}s)`);
  } else {
    const ok = r.status === 0;
    if (ok) passed++;
    else failed++;
    summary.push(`${name}: ${ok ? 'ok' : 'FAILED'} (${secs}s)`);
  }
  return r.status === 0;
}

step('typecheck', 'npx', ['tsc', '--noEmit']);
step('lint', 'npx', ['eslint', '.', '--max-warnings=0']);
step('unit', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile=test-results/unit.json'], { jsonReport: 'test-results/unit.json' });
// The build and the end-to-end run share the machine's one e2e slot (fixed ports, one output folder).
const release = await acquire();
// --mode e2e also declares the fixture origin the tests grant at run time (wxt.config.ts).
const chromeBuilt = step('build', 'npx', ['wxt', 'build', '--mode', 'e2e']);
const firefoxBuilt = step('build firefox', 'npx', ['wxt', 'build', '-b', 'firefox', '--mode', 'e2e']);
const built = chromeBuilt && firefoxBuilt;
if (firefoxBuilt) step('web-ext lint', 'npx', ['web-ext', 'lint', '--source-dir', '.output/firefox-mv2-e2e', '--self-hosted']);
if (built) {
  step('e2e', 'npx', ['vitest', 'run', '--config', 'vitest.e2e.config.ts', '--reporter=default', '--reporter=json', '--outputFile=test-results/e2e.json'], {
    jsonReport: 'test-results/e2e.json',
  });
} else {
  failed++;
  summary.push('e2e: not run (build failed)');
}
release();

console.log('\n' + summary.join('\n'));
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
