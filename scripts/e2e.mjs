// Builds the extension and runs end-to-end tests (all, or the files named) under the e2e lock.
// Usage: node scripts/e2e.mjs [test/e2e/some.e2e.ts ...] [-- extra vitest args]
import { spawnSync } from 'node:child_process';
import { acquire } from './e2e-lock.mjs';

const release = await acquire();
let status = 1;
try {
  // --mode e2e also declares the fixture origin the tests grant at run time (wxt.config.ts).
  for (const args of [['wxt', 'build', '--mode', 'e2e'], ['wxt', 'build', '-b', 'firefox', '--mode', 'e2e']]) {
    const build = spawnSync('npx', args, { stdio: ['ignore', 'ignore', 'inherit'] });
    if (build.status !== 0) throw new Error(`${args.join(' ')} failed`);
  }
  const r = spawnSync('npx', ['vitest', 'run', '--config', 'vitest.e2e.config.ts', ...process.argv.slice(2)], { stdio: 'inherit' });
  status = r.status ?? 1;
} finally {
  release();
}
process.exit(status);
