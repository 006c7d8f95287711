// npm run bench: one JSON line per metric.
import { spawnSync } from 'node:child_process';
import { ensureNodeModules } from './ensure.mjs';

ensureNodeModules();
const build = spawnSync('npx', ['wxt', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) process.exit(build.status ?? 1);
// Names after `--` pick benchmarks: `npm run bench -- attestations`.
const r = spawnSync('npx', ['tsx', 'scripts/bench.ts', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
