// npm run demo: installs what it needs, builds the extension, starts the local servers and
// opens Chromium on the demo EHR (or, with no display, runs the walkthrough headless and
// writes screenshots to demo-output/).
import { spawnSync } from 'node:child_process';
import { acquire } from './e2e-lock.mjs';
import { ensureChromium, ensureNodeModules } from './ensure.mjs';

ensureNodeModules();
ensureChromium();
// The demo uses the same fixed ports and build folder as the end-to-end tests: one at a time.
const release = await acquire();
let status = 1;
try {
  console.log('\nBuilding the extension…');
  const build = spawnSync('npx', ['wxt', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('The build failed');
  const r = spawnSync('npx', ['tsx', 'scripts/demo.ts', ...process.argv.slice(2)], { stdio: 'inherit' });
  status = r.status ?? 1;
} finally {
  release();
}
process.exit(status);
