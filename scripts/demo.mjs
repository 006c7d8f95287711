// npm run demo: installs what it needs, builds the extension, starts the local servers and
// opens Chromium on the demo EHR (or, with no display, runs the walkthrough headless and
// writes screenshots to demo-output/).
import { spawnSync } from 'node:child_process';
import { ensureChromium, ensureNodeModules } from './ensure.mjs';

ensureNodeModules();
ensureChromium();
console.log('\nBuilding the extension…');
const build = spawnSync('npx', ['wxt', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const r = spawnSync('npx', ['tsx', 'scripts/demo.ts', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
